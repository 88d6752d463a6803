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


def check_body(errors: Errors, raw: str, *, field: str = "body") -> str:
    """Return the cleaned body; an empty or overlong one is an error."""
    body = clean_text(raw or "")
    limit = settings.KITH_POST_MAX_CHARS
    if not body:
        errors.setdefault(field, []).append("Write something first: the post is empty.")
    elif len(body) > limit:
        errors.setdefault(field, []).append(
            f"At most {limit:,} characters (this is {len(body):,})."
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
