"""Kith: a self-hosted, relationship-first social network."""

__version__ = "0.1.0"
