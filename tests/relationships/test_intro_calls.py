"""Intro calls: offers, picks, calendar invites, reschedules, cancels, “we talked”, expiry."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from kith.people.models import InvitationPolicy
from kith.relationships.access import relationship_between
from kith.relationships.actions import intro_calls as calls
from kith.relationships.actions import invitations as inv
from kith.relationships.ics import intro_call_ics
from kith.relationships.models import Availability, IntroCall, IntroCallStatus, InvitationStatus
from tests.conftest import make_person

LISBON = "Europe/Lisbon"


def later(days=2, hour=10) -> str:
    """A naive ISO time `days` from now at `hour`, as a person types it."""
    day = (timezone.now() + timedelta(days=days)).date()
    return datetime.combine(day, time(hour, 0)).isoformat()


@pytest.fixture
def host(db):
    person = make_person("hana")
    person.invitation_policy = InvitationPolicy.INTRO_CALL
    person.save()
    return person


@pytest.fixture
def guest(db):
    return make_person("gil")


@pytest.fixture
def call(host, guest):
    invitation = inv.invitation_send(
        sender=guest, recipient=host, how_known="other", how_known_detail="Read her blog"
    )
    return IntroCall.objects.get(invitation=invitation)


def propose(call, host, **kwargs):
    defaults = {
        "slots": [later(2), later(3)],
        "time_zone": LISBON,
        "join_url": "https://meet.example.org/abc",
    }
    return calls.intro_call_propose(call=call, by=host, **{**defaults, **kwargs})


def test_policy_answers_with_an_intro_call(call, host, guest):
    assert call.status == IntroCallStatus.PROPOSED
    assert call.invitation.status == InvitationStatus.INTRO_OFFERED
    assert (call.host, call.guest) == (host, guest)
    assert call.expires_at > timezone.now() + timedelta(days=13)


def test_full_flow_ends_in_a_connection(call, host, guest, django_capture_on_commit_callbacks):
    propose(call, host)
    slot = call.slots.first()
    with django_capture_on_commit_callbacks(execute=True):
        calls.intro_call_pick(call=call, by=guest, slot_id=slot.pk)
    call.refresh_from_db()
    assert call.status == IntroCallStatus.SCHEDULED and call.starts_at == slot.starts_at
    # Both get an email with a REQUEST invite attached.
    assert sorted(m.to[0] for m in mail.outbox) == ["gil@example.com", "hana@example.com"]
    for message in mail.outbox:
        name, content, mimetype = message.attachments[0]
        assert name == "intro-call.ics" and mimetype.startswith("text/calendar; method=REQUEST")
        assert Calendar.from_ical(content).get("method") == "REQUEST"
    IntroCall.objects.filter(pk=call.pk).update(starts_at=timezone.now() - timedelta(minutes=30))
    call.refresh_from_db()
    calls.intro_call_mark_talked(call=call, by=guest)
    with pytest.raises(ValidationError):
        calls.intro_call_confirm_talked(call=call, by=guest)  # the other side confirms
    connection = calls.intro_call_confirm_talked(call=call, by=host)
    assert connection.how_met == "call"
    assert relationship_between(host, guest).connected
    call.invitation.refresh_from_db()
    assert call.invitation.status == InvitationStatus.ACCEPTED


def test_ics_has_the_fields_calendars_need(call, host, guest):
    propose(call, host, phone="+351 21 000 0000")
    calls.intro_call_pick(call=call, by=guest, slot_id=call.slots.first().pk)
    call.refresh_from_db()
    calendar = Calendar.from_ical(intro_call_ics(call, method="REQUEST", for_person=guest))
    assert calendar["method"] == "REQUEST" and calendar["version"] == "2.0"
    [event] = calendar.walk("VEVENT")
    assert str(event["uid"]) == call.uid
    assert event["sequence"] == 0
    start = event.decoded("dtstart")
    assert start.tzinfo is not None and str(event["dtstart"].params["TZID"]) == LISBON
    assert start == call.starts_at
    assert event.decoded("dtend") - start == timedelta(minutes=call.duration_minutes)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == [LISBON]
    assert "mailto:" in str(event["organizer"]) and event["organizer"].params["CN"] == "Hana"
    attendees = [str(a) for a in event["attendee"]]
    assert "mailto:gil@example.com" in attendees  # the guest's own copy shows their email
    assert "mailto:hana@example.com" not in attendees  # …but not the host's private one
    assert "https://meet.example.org/abc" in str(event["description"])
    assert str(event["location"]) == "https://meet.example.org/abc"
    assert event["status"] == "CONFIRMED"


def test_reschedule_bumps_sequence_and_cancel_sends_cancel(
    call, host, guest, django_capture_on_commit_callbacks
):
    propose(call, host)
    calls.intro_call_pick(call=call, by=guest, slot_id=call.slots.first().pk)
    with django_capture_on_commit_callbacks(execute=True):
        calls.intro_call_reschedule(call=call, by=host, starts_at=later(5, 15))
    call.refresh_from_db()
    assert call.sequence == 1
    rescheduled = Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    [event] = rescheduled.walk("VEVENT")
    assert event["sequence"] == 1 and event.decoded("dtstart").hour == 15
    with django_capture_on_commit_callbacks(execute=True):
        calls.intro_call_cancel(call=call, by=guest)
    cancelled = Calendar.from_ical(mail.outbox[-1].attachments[0][1])
    assert cancelled["method"] == "CANCEL"
    [event] = cancelled.walk("VEVENT")
    assert event["sequence"] == 2 and event["status"] == "CANCELLED"
    assert str(event["uid"]) == call.uid
    call.invitation.refresh_from_db()
    assert call.invitation.status == InvitationStatus.PENDING  # the host can still decide


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"slots": []}, "slots"),
        ({"slots": [later(d) for d in range(1, 7)]}, "slots"),
        ({"slots": [later(-1)]}, "slots"),
        ({"slots": [later(90)]}, "slots"),
        ({"slots": [later(2), later(2)]}, "slots"),
        ({"slots": ["next tuesday"]}, "slots"),
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"duration_minutes": 500}, "duration_minutes"),
        ({"join_url": "javascript:alert(1)"}, "join_url"),
        ({"join_url": "http://insecure.example.org"}, "join_url"),
    ],
)
def test_bad_offers_change_nothing(call, host, kwargs, field):
    with pytest.raises(ValidationError) as error:
        propose(call, host, **kwargs)
    assert field in error.value.message_dict
    call.refresh_from_db()
    assert call.slots.count() == 0 and call.time_zone == "UTC"


def test_only_the_right_person_acts(call, host, guest):
    propose(call, host)
    with pytest.raises(ValidationError):
        propose(call, guest)  # the guest does not offer times
    with pytest.raises(ValidationError):
        calls.intro_call_pick(call=call, by=host, slot_id=call.slots.first().pk)
    with pytest.raises(ValidationError):
        calls.intro_call_pick(call=call, by=guest, slot_id=123)  # not an offered slot
    outsider = make_person("otto")
    with pytest.raises(ValidationError):
        calls.intro_call_cancel(call=call, by=outsider)


def test_talked_is_refused_before_the_call(call, host, guest):
    propose(call, host)
    calls.intro_call_pick(call=call, by=guest, slot_id=call.slots.first().pk)
    with pytest.raises(ValidationError) as error:
        calls.intro_call_mark_talked(call=call, by=guest)
    assert error.value.code == "not_started"


def test_no_show_then_new_times(call, host, guest):
    propose(call, host)
    calls.intro_call_pick(call=call, by=guest, slot_id=call.slots.first().pk)
    IntroCall.objects.filter(pk=call.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    call.refresh_from_db()
    calls.intro_call_mark_no_show(call=call, by=host)
    assert call.status == IntroCallStatus.NO_SHOW
    propose(call, host, slots=[later(4)])
    assert call.status == IntroCallStatus.PROPOSED and call.slots.count() == 1


def test_expiry_closes_call_and_invitation(call, host):
    assert calls.intro_calls_expire_due() == 0
    assert calls.intro_calls_expire_due(now=timezone.now() + timedelta(days=15)) == 1
    call.refresh_from_db()
    assert call.status == IntroCallStatus.EXPIRED
    call.invitation.refresh_from_db()
    assert call.invitation.status == InvitationStatus.DECLINED
    assert calls.intro_calls_expire_due(now=timezone.now() + timedelta(days=16)) == 0  # idempotent


def test_weekly_availability_offers_times_automatically(host, guest):
    for weekday in range(7):
        Availability.objects.create(
            person=host, weekday=weekday, start_time=time(9), end_time=time(10), time_zone=LISBON
        )
    invitation = inv.invitation_send(sender=guest, recipient=host, how_known="call")
    call = IntroCall.objects.get(invitation=invitation)
    slots = list(call.slots.all())
    assert 1 <= len(slots) <= 5 and call.time_zone == LISBON
    for slot in slots:
        local = slot.starts_at.astimezone(ZoneInfo(LISBON))
        assert time(9) <= local.time() < time(10) and slot.starts_at > timezone.now()


def test_recipient_can_offer_a_call_instead_of_accepting(db, guest):
    anna = make_person("anna")
    invitation = inv.invitation_send(
        sender=guest, recipient=anna, how_known="other", how_known_detail="mailing list"
    )
    call = calls.invitation_offer_intro_call(
        invitation=invitation, by=anna, slots=[later(2)], time_zone="UTC"
    )
    assert call.slots.count() == 1
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.INTRO_OFFERED
    with pytest.raises(ValidationError):
        calls.invitation_offer_intro_call(
            invitation=invitation, by=anna, slots=[later(2)], time_zone="UTC"
        )


def test_api_intro_call(api, call, host, guest, token_for):
    host_token, guest_token = token_for(host), token_for(guest)
    response = api(
        "POST",
        f"/intro-calls/{call.pk}/slots",
        token=host_token,
        json={"slots": [later(2)], "time_zone": LISBON},
    )
    assert response.status_code == 200, response.content
    slot_id = response.json()["slots"][0]["id"]
    response = api(
        "POST", f"/intro-calls/{call.pk}/pick", token=guest_token, json={"slot_id": slot_id}
    )
    assert response.json()["status"] == "scheduled"
    ics = api("GET", f"/intro-calls/{call.pk}/invite.ics", token=guest_token)
    assert ics["Content-Type"].startswith("text/calendar")
    assert Calendar.from_ical(ics.content)["method"] == "REQUEST"
    outsider = make_person("olga")
    assert api("GET", f"/intro-calls/{call.pk}", token=token_for(outsider)).status_code == 404
    response = api(
        "POST",
        f"/intro-calls/{call.pk}/reschedule",
        token=host_token,
        json={"starts_at": later(3), "time_zone": "Nowhere/City"},
    )
    assert response.status_code == 422 and "time_zone" in str(response.json()["detail"])


def test_web_intro_call_pages(client, call, host, guest):
    client.force_login(host)
    page = client.get(f"/intro-calls/{call.pk}/")
    assert page.status_code == 200 and "Offer times" in page.content.decode()
    response = client.post(
        f"/intro-calls/{call.pk}/propose/",
        {
            "slot_1": later(2),
            "time_zone": LISBON,
            "duration_minutes": "20",
            "join_url": "",
            "phone": "",
        },
    )
    assert response.status_code == 302
    assert call.slots.count() == 1
    client.force_login(guest)
    slot = call.slots.first()
    client.post(f"/intro-calls/{call.pk}/pick/", {"slot_id": slot.pk})
    call.refresh_from_db()
    assert call.status == "scheduled"
    assert client.get(f"/intro-calls/{call.pk}/invite.ics").status_code == 200
    client.force_login(make_person("nosy"))
    assert client.get(f"/intro-calls/{call.pk}/").status_code == 404
