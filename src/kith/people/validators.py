"""Checks of untrusted input about people: handles, interests, contact-card values."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

HANDLE_RE = re.compile(r"^[a-z0-9_.]{1,30}$")
RESERVED_HANDLES = frozenset(
    {
        "admin",
        "api",
        "about",
        "settings",
        "static",
        "media",
        "login",
        "logout",
        "signup",
        "kith",
        "root",
        "support",
        "help",
        "well-known",
        "dav",
        "people",
        "search",
    }
)
INTEREST_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{3,30}$")
MAX_INTERESTS = 20


def normalise_handle(raw: str) -> str:
    """Return the canonical (lower-case, trimmed, no leading @) form of a handle."""
    return raw.strip().lstrip("@").lower()


def check_handle(handle: str) -> None:
    """Raise ValidationError unless `handle` (already normalised) is a valid, free-to-take name."""
    if not HANDLE_RE.match(handle):
        raise ValidationError(
            "A handle is 1–30 characters of a–z, 0–9, underscore and dot.", code="invalid_handle"
        )
    if handle in RESERVED_HANDLES:
        raise ValidationError("That handle is reserved.", code="reserved_handle")


def check_interests(raw: list[str]) -> list[str]:
    """Return the interests as normalised, de-duplicated tags, or raise ValidationError."""
    tags: list[str] = []
    for item in raw:
        tag = item.strip().lstrip("#").lower().replace(" ", "-")
        if not tag:
            continue
        if not INTEREST_RE.match(tag):
            raise ValidationError(
                f"“{item[:40]}” is not a valid interest: use up to 40 letters, digits, - and _.",
                code="invalid_interest",
            )
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_INTERESTS:
        raise ValidationError(f"At most {MAX_INTERESTS} interests.", code="too_many_interests")
    return tags


def check_field_value(kind: str, value: str) -> str:
    """Return the trimmed value of a contact-card field of `kind`, or raise ValidationError."""
    value = value.strip()
    if not value:
        raise ValidationError("A contact field needs a value.", code="empty_value")
    if kind == "email":
        EmailValidator(message="Enter a valid email address.")(value)
    elif kind == "website":
        URLValidator(
            schemes=["http", "https"],
            message="Enter a web address starting with http:// or https://.",
        )(value)
    elif kind == "phone" and not PHONE_RE.match(value):
        raise ValidationError(
            "Enter a phone number: digits, spaces, + ( ) . / - only.", code="invalid_phone"
        )
    return value


def check_length(errors: dict[str, list[str]], name: str, value: str, limit: int) -> None:
    """Add an error for `name` to `errors` if `value` is longer than `limit` characters."""
    if len(value) > limit:
        errors.setdefault(name, []).append(f"At most {limit} characters (this is {len(value)}).")
