"""The small conversions every Mastodon entity shares: ids, times, absolute URLs, HTML.

Entities are plain dicts of what orjson encodes natively (str, int, float, bool, None, list,
dict): times are already strings here, in Mastodon's own format, so a dict can be cached and
encoded again without conversion.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.html import escape, linebreaks

from kith.core.text import sanitise_html

MISSING_AVATAR = "/static/kith/mastodon/avatar-missing.png"
MISSING_HEADER = "/static/kith/mastodon/header-missing.png"


def sid(value: int | None) -> str | None:
    """Return an id as Mastodon sends it: a string (None stays None)."""
    return None if value is None else str(value)


def iso(moment: dt.datetime | None) -> str | None:
    """Return `moment` as Mastodon writes times: UTC, milliseconds, a Z ("…T03:48:33.901Z")."""
    if moment is None:
        return None
    moment = moment.astimezone(dt.UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def iso_midnight(moment: dt.datetime) -> str:
    """Return the UTC midnight of `moment`'s day (Mastodon rounds `Account.created_at`)."""
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d}T00:00:00.000Z"


def iso_date(moment: dt.datetime | None) -> str | None:
    """Return the UTC day of `moment` as "YYYY-MM-DD" (`Account.last_status_at`)."""
    return None if moment is None else f"{moment.astimezone(dt.UTC):%Y-%m-%d}"


def absolute(path: str) -> str:
    """Return a path on this site as an absolute URL (paths that already are stay)."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.BASE_URL + path


def text_html(text: str) -> str:
    """Return plain `text` (a bio) as sanitised HTML paragraphs, as Mastodon's `note`."""
    return sanitise_html(linebreaks(escape(text))) if text else ""
