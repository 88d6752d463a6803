"""iCalendar (RFC 5545) invitations for intro calls, built with the icalendar library."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Kith//Intro calls//EN"


def _address(person, *, own: bool) -> vCalAddress:
    """Return a calendar address for `person`: their real email only in their own copy.

    The other side's email stays private; their address names them on this server instead.
    """
    host = urlsplit(settings.BASE_URL).hostname or "localhost"
    email = person.email if own else f"{person.handle}@{host}"
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(person.display_name)
    return address


def intro_call_ics(call, *, method: str, for_person) -> bytes:
    """Return the .ics of `call` as `for_person` receives it (METHOD REQUEST or CANCEL)."""
    zone = ZoneInfo(call.time_zone)
    start = timezone.localtime(call.starts_at, zone)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", call.uid)
    event.add("sequence", call.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=call.duration_minutes))
    event.add("summary", f"Intro call: {call.host.display_name} and {call.guest.display_name}")
    where = call.join_url or (f"Phone: {call.phone}" if call.phone else "")
    lines = [
        f"A short introductory call on Kith between {call.host.display_name} "
        f"(@{call.host.handle}) and {call.guest.display_name} (@{call.guest.handle}).",
    ]
    if call.join_url:
        lines.append(f"Join: {call.join_url}")
        event.add("url", call.join_url)
    if call.phone:
        lines.append(f"Phone: {call.phone}")
    lines.append(f"On Kith: {settings.BASE_URL}/intro-calls/{call.pk}/")
    event.add("description", "\n".join(lines))
    if where:
        event.add("location", where)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event["organizer"] = _address(call.host, own=for_person.pk == call.host_id)
    for person in (call.host, call.guest):
        attendee = _address(person, own=for_person.pk == person.pk)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText(
            "ACCEPTED" if person.pk == call.host_id else "NEEDS-ACTION"
        )
        attendee.params["rsvp"] = vText("FALSE" if person.pk == call.host_id else "TRUE")
        event.add("attendee", attendee, encode=0)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def intro_call_ics_response(call, *, for_person) -> HttpResponse:
    """Return the .ics download of `call` for `for_person` (404 before a time is picked)."""
    if call.starts_at is None:
        raise Http404("No time is picked yet.")
    method = "CANCEL" if call.status == "cancelled" else "REQUEST"
    response = HttpResponse(
        intro_call_ics(call, method=method, for_person=for_person),
        content_type=f"text/calendar; charset=utf-8; method={method}",
    )
    response["Content-Disposition"] = 'attachment; filename="intro-call.ics"'
    return response
