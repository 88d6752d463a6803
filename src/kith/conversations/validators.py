"""Checks of untrusted input about posts: body, language, content warning, choices.

Each `check_*` adds messages to an errors dict (field → messages) and returns the cleaned
value, so an action reports every problem at once and writes nothing when there is one.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # keeps \t and \n
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$", re.IGNORECASE)
CONTENT_WARNING_MAX = 200
STORY_MAX = 1000

Errors = dict[str, list[str]]


def clean_text(raw: str) -> str:
    """Return `raw` with Unix line ends, no control characters and no outer blank space."""
    return _CONTROL_RE.sub("", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()


# A link counts as this many characters however long it is, as on Mastodon (its apps count
# so: `characters_reserved_per_url` in /api/v1/instance). The text as written is still
# capped at RAW_FACTOR times the limit, so a long link cannot make a post of any size.
CHARACTERS_PER_URL = 23
RAW_FACTOR = 4
_URL_RE = re.compile(r"(?<![\w/@])https?://[^\s<>\"'`]+", re.IGNORECASE)
_URL_TRAILING = ".,;:!?)]}*_"


def counted_length(text: str) -> int:
    """Return the length of `text` as the post limit counts it: each http(s) link (without
    the punctuation that ends a sentence after it) as `CHARACTERS_PER_URL` characters."""
    total = len(text)
    for match in _URL_RE.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        if len(url) > len("https://"):
            total += CHARACTERS_PER_URL - len(url)
    return total


def check_body(errors: Errors, raw: str, *, field: str = "body") -> str:
    """Return the cleaned body; an empty or overlong one is an error (`counted_length`)."""
    body = clean_text(raw or "")
    limit = settings.KITH_POST_MAX_CHARS
    counted = counted_length(body)
    if not body:
        errors.setdefault(field, []).append("Write something first: the post is empty.")
    elif counted > limit:
        links = f"; a link counts as {CHARACTERS_PER_URL}" if counted != len(body) else ""
        errors.setdefault(field, []).append(
            f"At most {limit:,} characters (this is {counted:,}{links})."
        )
    elif len(body) > limit * RAW_FACTOR:
        errors.setdefault(field, []).append(
            f"At most {limit * RAW_FACTOR:,} characters as written, links in full "
            f"(this is {len(body):,})."
        )
    return body


def check_language(errors: Errors, raw: str | None) -> str:
    """Return a language tag such as "en" or "pt-BR" ("" for unknown)."""
    language = (raw or "").strip()
    if language and (len(language) > 16 or not LANGUAGE_RE.match(language)):
        errors.setdefault("language", []).append(
            "Give a language code such as en, de or pt-BR, or leave it empty."
        )
    return language


def check_content_warning(errors: Errors, raw: str | None) -> str:
    """Return the content warning on one line; too long is an error."""
    warning = " ".join(clean_text(raw or "").split())
    if len(warning) > CONTENT_WARNING_MAX:
        errors.setdefault("content_warning", []).append(
            f"A content warning is at most {CONTENT_WARNING_MAX} characters."
        )
    return warning


def check_choice(
    errors: Errors, field: str, value: str, choices: type[models.TextChoices], *, allowed=None
) -> str:
    """Return `value` if it is one of `choices` (or of `allowed`, a subset), else an error."""
    options = list(allowed) if allowed is not None else list(choices.values)
    if value not in options:
        errors.setdefault(field, []).append(f"Choose one of: {', '.join(options)}.")
    return value


def check_story(errors: Errors, raw: str) -> str:
    """Return a cleaned "how I used it" story; it needs words, within the limit."""
    story = clean_text(raw or "")
    if not story:
        errors.setdefault("story", []).append("Say in a few words how you used it.")
    elif len(story) > STORY_MAX:
        errors.setdefault("story", []).append(
            f"At most {STORY_MAX:,} characters (this is {len(story):,})."
        )
    return story
