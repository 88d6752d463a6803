"""Every change to relationships happens in this package, one module per concept."""
