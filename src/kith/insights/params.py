"""The window a request asks for (`since`, `days`), checked the same way on every surface."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from kith.insights.metrics import DEFAULT_DAYS

MAX_DAYS = 3660


def window_kwargs(*, since: str | date | None = None, days: str | int | None = None) -> dict:
    """Return the `insights_for` arguments for `since` (YYYY-MM-DD) or `days` (1–3660).

    Raise ValidationError with a message naming the field when either is not valid.
    """
    now = timezone.now()
    if since not in (None, ""):
        if isinstance(since, str):
            try:
                since = date.fromisoformat(since.strip())
            except ValueError:
                raise ValidationError(
                    {"since": ["Give a date as YYYY-MM-DD, e.g. 2026-01-31."]}
                ) from None
        start = datetime.combine(since, time.min, tzinfo=timezone.get_current_timezone())
        if start >= now:
            raise ValidationError({"since": ["The window must start before today."]})
        if (now - start).days > MAX_DAYS:
            raise ValidationError({"since": [f"Go back at most {MAX_DAYS} days."]})
        return {"since": start, "until": now}
    if days in (None, ""):
        return {"since": now - timedelta(days=DEFAULT_DAYS), "until": now}
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": ["Give a whole number of days."]}) from None
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": [f"Give between 1 and {MAX_DAYS} days."]})
    return {"since": now - timedelta(days=days), "until": now}
