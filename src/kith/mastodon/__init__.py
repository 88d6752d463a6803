"""The Mastodon-compatible client API (issue 8): /api/v1/…, /api/v2/…, /oauth/…

It speaks Mastodon's wire format (entities, parameters, errors, OAuth) and calls the same
actions and the same access rule as every other surface; it owns no domain logic.
"""
