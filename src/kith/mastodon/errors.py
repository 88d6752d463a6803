"""Errors in Mastodon's shape: `{"error": "…"}` with Mastodon's status codes.

Raise `MastodonError(status, message)` (or one of the shortcuts) anywhere under a Mastodon
route; `kith.mastodon.api` turns it, and Django's `Http404`, `PermissionDenied` and
`ValidationError`, into the JSON body Mastodon apps expect:

    401 {"error": "The access token is invalid"}
    403 {"error": "This action is outside the authorized scopes"}
    404 {"error": "Record not found"}
    422 {"error": "Validation failed: Text can't be blank"}
    429 {"error": "Too many requests"}
"""

from __future__ import annotations

from collections.abc import Mapping


class MastodonError(Exception):
    """An error answered as `{"error": message}` with `status` (and optional headers)."""

    def __init__(
        self, status: int, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def not_found() -> MastodonError:
    """Return Mastodon's 404: missing and forbidden look the same."""
    return MastodonError(404, "Record not found")


def unprocessable(message: str) -> MastodonError:
    """Return a 422 whose text reads like Mastodon's "Validation failed: …"."""
    if not message.startswith("Validation failed"):
        message = f"Validation failed: {message}"
    return MastodonError(422, message)


def forbidden(message: str = "This action is not allowed") -> MastodonError:
    return MastodonError(403, message)


def validation_message(messages: Mapping[str, list[str]] | list[str]) -> str:
    """Join Django's validation messages into one Mastodon sentence."""
    if isinstance(messages, Mapping):
        parts = []
        for field, texts in messages.items():
            for text in texts:
                parts.append(text if field in ("__all__", None) else f"{field}: {text}")
        return "Validation failed: " + ", ".join(parts)
    return "Validation failed: " + ", ".join(messages)
