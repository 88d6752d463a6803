"""OAuth scopes of the Mastodon API: the names, what each grants, and the check an endpoint makes.

A token holds the scopes the person approved, as written (`read`, `write:media`, `follow`…).
`grants(held, wanted)` answers whether they cover one granular scope: `read` covers every
`read:*`, `write` every `write:*`, `admin:read` every `admin:read:*`, and the deprecated
`follow` covers the six granular scopes Mastodon lists for it.
"""

from __future__ import annotations

from collections.abc import Iterable

READ = (
    "accounts",
    "blocks",
    "bookmarks",
    "favourites",
    "filters",
    "follows",
    "lists",
    "mutes",
    "notifications",
    "search",
    "statuses",
)
WRITE = (
    "accounts",
    "blocks",
    "bookmarks",
    "conversations",
    "favourites",
    "filters",
    "follows",
    "lists",
    "media",
    "mutes",
    "notifications",
    "reports",
    "statuses",
)
ADMIN_READ = (
    "accounts",
    "reports",
    "domain_allows",
    "domain_blocks",
    "ip_blocks",
    "email_domain_blocks",
    "canonical_email_blocks",
)
ADMIN_WRITE = ADMIN_READ

# The deprecated `follow` scope, as Mastodon documents it.
FOLLOW = (
    "read:blocks",
    "write:blocks",
    "read:follows",
    "write:follows",
    "read:mutes",
    "write:mutes",
)

DESCRIPTIONS: dict[str, str] = {
    "read": "Read everything your account can see",
    "write": "Post, edit and change anything on your behalf",
    "follow": "See and change whom you follow, block and mute",
    "push": "Receive push notifications",
    "profile": "Know who you are (your public profile only)",
    "admin:read": "Read all data on the server (administrators)",
    "admin:write": "Moderate on your behalf (administrators)",
}
DESCRIPTIONS.update({f"read:{name}": f"Read your {name.replace('_', ' ')}" for name in READ})
DESCRIPTIONS.update({f"write:{name}": f"Change your {name.replace('_', ' ')}" for name in WRITE})
DESCRIPTIONS.update(
    {f"admin:read:{name}": f"Read the server's {name.replace('_', ' ')}" for name in ADMIN_READ}
)
DESCRIPTIONS.update(
    {f"admin:write:{name}": f"Act on the server's {name.replace('_', ' ')}" for name in ADMIN_WRITE}
)

ALL_SCOPES: frozenset[str] = frozenset(DESCRIPTIONS)
DEFAULT_SCOPES = ("read",)


def parse(value: str | Iterable[str] | None) -> list[str]:
    """Split a scope string (spaces, or `+` as some apps send in query strings) into names."""
    if value is None:
        return []
    if not isinstance(value, str):
        value = " ".join(value)
    names: list[str] = []
    for name in value.replace("+", " ").split():
        if name not in names:
            names.append(name)
    return names


def unknown(names: Iterable[str]) -> list[str]:
    """Return the names that are not Mastodon scopes."""
    return [name for name in names if name not in ALL_SCOPES]


def _parents(scope: str) -> tuple[str, ...]:
    """Return the scopes that each cover `scope` (itself included)."""
    parents = [scope]
    parts = scope.split(":")
    if len(parts) == 2:  # read:statuses ← read
        parents.append(parts[0])
    elif len(parts) == 3:  # admin:read:accounts ← admin:read
        parents.append(":".join(parts[:2]))
    if scope in FOLLOW:
        parents.append("follow")
    return tuple(parents)


def grants(held: Iterable[str], wanted: str) -> bool:
    """Return whether the scopes `held` cover the scope `wanted`."""
    held = held if isinstance(held, frozenset | set) else frozenset(held)
    return any(parent in held for parent in _parents(wanted))


def covers(held: Iterable[str], wanted: Iterable[str]) -> bool:
    """Return whether `held` covers every scope of `wanted` (each one itself or a parent)."""
    held = frozenset(held)
    for scope in wanted:
        if scope == "follow":
            if not (scope in held or all(grants(held, s) for s in FOLLOW)):
                return False
        elif scope in ("read", "write", "admin:read", "admin:write"):
            if scope not in held and not (scope.startswith("admin:") and "admin" in held):
                return False
        elif not grants(held, scope):
            return False
    return True


class MastodonScopes:
    """django-oauth-toolkit's scopes backend: every scope exists; an app may ask only for
    what it registered (or a narrower granular scope of it)."""

    def get_all_scopes(self) -> dict[str, str]:
        return DESCRIPTIONS

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        registered = _registered_scopes(application)
        return [scope for scope in DESCRIPTIONS if covers(registered, [scope])]

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        registered = _registered_scopes(application)
        if covers(registered, DEFAULT_SCOPES):
            return list(DEFAULT_SCOPES)
        return registered or list(DEFAULT_SCOPES)


def _registered_scopes(application) -> list[str]:
    if application is None:
        return list(DEFAULT_SCOPES)
    from kith.mastodon.models import ClientApp

    try:
        return parse(application.mastodon.scopes)
    except ClientApp.DoesNotExist:
        return list(DEFAULT_SCOPES)
