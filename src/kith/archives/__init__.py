"""Imported archives of other networks (LinkedIn, Mastodon, X): their owner's data alone."""
