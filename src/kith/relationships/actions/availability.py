"""Weekly availability for intro calls, and the times it offers."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.utils import timezone

from kith.relationships.models import Availability

MAX_SLOTS = 5
MAX_WINDOWS = 21


def check_time_zone(name: str) -> ZoneInfo:
    """Return the zone called `name`, or raise ValidationError."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValidationError(
            {"time_zone": [f"Unknown time zone {name!r}; use a name like Europe/Lisbon."]}
        ) from None


def slots_from_availability(person, *, days: int = 14, duration: int = 20) -> list[datetime]:
    """Return up to five upcoming start times inside `person`'s weekly availability."""
    windows = list(Availability.objects.filter(person=person))
    found: list[datetime] = []
    now = timezone.now()
    for window in windows:
        zone = ZoneInfo(window.time_zone)
        today = timezone.localtime(now, zone).date()
        for offset in range(1, days + 1):
            day = today + timedelta(days=offset)
            if day.weekday() != window.weekday:
                continue
            start = datetime.combine(day, window.start_time, tzinfo=zone)
            end = datetime.combine(day, window.end_time, tzinfo=zone)
            while start + timedelta(minutes=duration) <= end and start > now:
                found.append(start)
                start += timedelta(minutes=max(duration, 30))
    return sorted(found)[:MAX_SLOTS]


def availability_add(*, person, weekday: int, start_time, end_time, time_zone: str) -> Availability:
    """Add a weekly window in which `person` takes intro calls."""
    check_time_zone(time_zone)
    errors: dict[str, list[str]] = {}
    if weekday not in range(7):
        errors["weekday"] = ["Pick a day of the week."]
    if start_time >= end_time:
        errors["end_time"] = ["The window must end after it starts."]
    if Availability.objects.filter(person=person).count() >= MAX_WINDOWS:
        errors["weekday"] = ["At most 21 weekly windows."]
    if errors:
        raise ValidationError(errors)
    return Availability.objects.create(
        person=person,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        time_zone=time_zone,
    )


def availability_remove(*, person, availability_id: int) -> None:
    """Remove one of `person`'s weekly windows (nothing if it is not theirs)."""
    Availability.objects.filter(person=person, pk=availability_id).delete()
