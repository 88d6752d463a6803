"""Intro calls: a short call offered instead of a blind accept, with real calendar invites."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone

from kith.core.tasks import enqueue_email_on_commit, enqueue_later_on_commit
from kith.feeds.actions import notify
from kith.feeds.models import NotificationKind
from kith.relationships.actions.availability import (
    MAX_SLOTS,
    check_time_zone,
    slots_from_availability,
)
from kith.relationships.actions.connections import connection_create
from kith.relationships.ics import intro_call_ics
from kith.relationships.models import (
    Availability,
    HowMet,
    IntroCall,
    IntroCallStatus,
    IntroSlot,
    Invitation,
    InvitationStatus,
)

MAX_DAYS_AHEAD = 60
DURATIONS = range(10, 121)
CLOSED = {IntroCallStatus.CANCELLED, IntroCallStatus.COMPLETED, IntroCallStatus.EXPIRED}


def _aware(moment: datetime | str, zone: ZoneInfo) -> datetime:
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:
            raise ValidationError(
                {"slots": [f"{moment!r} is not a date and time (use 2026-12-01T10:30)."]}
            ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=zone)
    return moment


def _check_slots(slots: list, zone: ZoneInfo) -> list[datetime]:
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise ValidationError({"slots": [f"Offer between 1 and {MAX_SLOTS} times."]})
    now = timezone.now()
    moments = sorted({_aware(slot, zone) for slot in slots})
    if len(moments) != len(slots):
        raise ValidationError({"slots": ["The same time is offered twice."]})
    for moment in moments:
        if moment <= now + timedelta(minutes=5):
            raise ValidationError(
                {"slots": [f"{formats.date_format(moment, 'j F Y H:i')} is in the past."]}
            )
        if moment > now + timedelta(days=MAX_DAYS_AHEAD):
            raise ValidationError(
                {"slots": [f"Offer times within the next {MAX_DAYS_AHEAD} days."]}
            )
    return moments


def _check_details(duration_minutes: int, join_url: str, phone: str) -> None:
    errors: dict[str, list[str]] = {}
    if duration_minutes not in DURATIONS:
        errors["duration_minutes"] = ["A call lasts between 10 and 120 minutes."]
    if join_url:
        try:
            URLValidator(schemes=["https"])(join_url)
        except ValidationError:
            errors["join_url"] = ["The join link must be an https:// address."]
    if len(phone) > 40:
        errors["phone"] = ["At most 40 characters."]
    if errors:
        raise ValidationError(errors)


def _page(call: IntroCall) -> str:
    return reverse("intro_call", kwargs={"call_id": call.pk})


def _host_name() -> str:
    return urlsplit(settings.BASE_URL).hostname or "localhost"


def intro_call_open(*, invitation: Invitation, automatic_reason: str = "") -> IntroCall:
    """Answer an invitation with an intro-call offer, with times from the host's availability."""
    host, guest = invitation.recipient, invitation.sender
    availability = Availability.objects.filter(person=host).first()
    now = timezone.now()
    with transaction.atomic():
        call = IntroCall.objects.create(
            invitation=invitation,
            host=host,
            guest=guest,
            time_zone=availability.time_zone if availability else "UTC",
            uid=f"{uuid.uuid4()}@{_host_name()}",
            expires_at=now + timedelta(days=settings.KITH_INTRO_CALL_EXPIRY_DAYS),
        )
        IntroSlot.objects.bulk_create(
            [IntroSlot(call=call, starts_at=moment) for moment in slots_from_availability(host)]
        )
        invitation.status = InvitationStatus.INTRO_OFFERED
        invitation.save(update_fields=["status"])
        reason = f" {automatic_reason}" if automatic_reason else ""
        notify(
            recipient=guest,
            kind=NotificationKind.INTRO_OFFERED,
            actor=host,
            text=f"{host.display_name} offered a short intro call before connecting.{reason}",
            url=_page(call),
            invitation=invitation,
            intro_call=call,
        )
        if not call.slots.exists():
            notify(
                recipient=host,
                kind=NotificationKind.INTRO_OFFERED,
                actor=guest,
                text=f"Offer {guest.display_name} a few times for an intro call.",
                url=_page(call),
                invitation=invitation,
                intro_call=call,
            )
        from kith.relationships.tasks import expire_intro_call

        enqueue_later_on_commit(expire_intro_call, run_after=call.expires_at, call_id=call.pk)
    return call


def invitation_offer_intro_call(
    *,
    invitation: Invitation,
    by,
    slots: list,
    time_zone: str,
    duration_minutes: int = 20,
    join_url: str = "",
    phone: str = "",
) -> IntroCall:
    """The invited person answers with an intro call instead of accepting blindly."""
    if by.pk != invitation.recipient_id:
        raise ValidationError("Only the invited person can offer an intro call.", "not_allowed")
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(
            f"This invitation is {invitation.get_status_display().lower()} already.", "closed"
        )
    # One transaction: if the times don't pass intro_call_propose's checks, no call is left.
    with transaction.atomic():
        call = intro_call_open(invitation=invitation)
        return intro_call_propose(
            call=call,
            by=by,
            slots=slots,
            time_zone=time_zone,
            duration_minutes=duration_minutes,
            join_url=join_url,
            phone=phone,
        )


def intro_call_propose(
    *,
    call: IntroCall,
    by,
    slots: list,
    time_zone: str,
    duration_minutes: int = 20,
    join_url: str = "",
    phone: str = "",
) -> IntroCall:
    """The host offers (or offers again) 1–5 times; earlier offers are replaced."""
    if by.pk != call.host_id:
        raise ValidationError("Only the invited person offers the times.", "not_allowed")
    if call.status not in {IntroCallStatus.PROPOSED, IntroCallStatus.NO_SHOW}:
        raise ValidationError(f"This call is {call.get_status_display().lower()}.", "closed")
    zone = check_time_zone(time_zone)
    moments = _check_slots(slots, zone)
    _check_details(duration_minutes, join_url, phone.strip())
    with transaction.atomic():
        call.slots.all().delete()
        IntroSlot.objects.bulk_create([IntroSlot(call=call, starts_at=m) for m in moments])
        call.time_zone, call.duration_minutes = time_zone, duration_minutes
        call.join_url, call.phone = join_url, phone.strip()
        call.status, call.starts_at = IntroCallStatus.PROPOSED, None
        call.updated_at = timezone.now()
        call.save()
        notify(
            recipient=call.guest,
            kind=NotificationKind.INTRO_OFFERED,
            actor=call.host,
            text=f"{call.host.display_name} offered {len(moments)} time(s) for an intro call: "
            "pick one.",
            url=_page(call),
            intro_call=call,
        )
    return call


def _send_invites(call: IntroCall, method: str, subject: str) -> None:
    for person in (call.host, call.guest):
        other = call.guest if person.pk == call.host_id else call.host
        when = formats.date_format(
            timezone.localtime(call.starts_at, ZoneInfo(call.time_zone)), "l j F Y, H:i T"
        )
        body = (
            f"Hello {person.display_name},\n\n{subject}: your intro call with "
            f"{other.display_name} (@{other.handle}) on {when}, {call.duration_minutes} minutes.\n"
            + (f"Join: {call.join_url}\n" if call.join_url else "")
            + (f"Phone: {call.phone}\n" if call.phone else "")
            + f"\n{settings.BASE_URL}{_page(call)}\n"
        )
        ics = intro_call_ics(call, method=method, for_person=person).decode()
        enqueue_email_on_commit(
            to=[person.email],
            subject=f"{subject}: intro call with {other.display_name}",
            body=body,
            attachments=[["intro-call.ics", ics, f"text/calendar; method={method}"]],
        )


def intro_call_pick(*, call: IntroCall, by, slot_id: int) -> IntroCall:
    """The inviter picks one of the offered times: both get a calendar invite."""
    if by.pk != call.guest_id:
        raise ValidationError("Only the person who sent the invitation picks the time.")
    if call.status != IntroCallStatus.PROPOSED:
        raise ValidationError(f"This call is {call.get_status_display().lower()}.", "closed")
    slot = call.slots.filter(pk=slot_id).first()
    if slot is None:
        raise ValidationError({"slot_id": ["Pick one of the offered times."]})
    if slot.starts_at <= timezone.now():
        raise ValidationError({"slot_id": ["That time has passed; ask for new times."]})
    with transaction.atomic():
        call.status, call.starts_at = IntroCallStatus.SCHEDULED, slot.starts_at
        call.updated_at = timezone.now()
        call.save(update_fields=["status", "starts_at", "updated_at"])
        notify(
            recipient=call.host,
            kind=NotificationKind.INTRO_SCHEDULED,
            actor=by,
            text=f"{by.display_name} picked a time for your intro call.",
            url=_page(call),
            intro_call=call,
        )
        _send_invites(call, "REQUEST", "Scheduled")
    return call


def intro_call_reschedule(
    *, call: IntroCall, by, starts_at: datetime | str, time_zone: str | None = None
) -> IntroCall:
    """Move a scheduled call (either side): the invite is re-sent with SEQUENCE + 1."""
    _require_party(call, by)
    if call.status != IntroCallStatus.SCHEDULED:
        raise ValidationError(f"This call is {call.get_status_display().lower()}.", "closed")
    zone = check_time_zone(time_zone or call.time_zone)
    [moment] = _check_slots([starts_at], zone)
    with transaction.atomic():
        call.starts_at, call.time_zone = moment, time_zone or call.time_zone
        call.sequence += 1
        call.updated_at = timezone.now()
        call.save(update_fields=["starts_at", "time_zone", "sequence", "updated_at"])
        _notify_other(call, by, NotificationKind.INTRO_SCHEDULED, "moved your intro call")
        _send_invites(call, "REQUEST", "Rescheduled")
    return call


def intro_call_cancel(*, call: IntroCall, by) -> IntroCall:
    """Cancel the call (either side): METHOD:CANCEL goes out; the invitation stays open."""
    _require_party(call, by)
    if call.status not in {IntroCallStatus.PROPOSED, IntroCallStatus.SCHEDULED}:
        raise ValidationError(f"This call is {call.get_status_display().lower()}.", "closed")
    was_scheduled = call.status == IntroCallStatus.SCHEDULED
    with transaction.atomic():
        intro_call_close(call=call, status=IntroCallStatus.CANCELLED)
        Invitation.objects.filter(pk=call.invitation_id, status="intro_offered").update(
            status=InvitationStatus.PENDING
        )
        _notify_other(call, by, NotificationKind.INTRO_CANCELLED, "cancelled your intro call")
        if was_scheduled:
            _send_invites(call, "CANCEL", "Cancelled")
    return call


def intro_call_close(*, call: IntroCall, status: str) -> None:
    """Close a call for good (cancelled or expired), bumping SEQUENCE for calendars."""
    call.status = status
    call.sequence += 1
    call.updated_at = timezone.now()
    call.save(update_fields=["status", "sequence", "updated_at"])


def intro_call_mark_talked(*, call: IntroCall, by) -> IntroCall:
    """Either side says “we talked”; the other confirms to connect."""
    _require_party(call, by)
    _require_started(call)
    with transaction.atomic():
        call.status, call.talked_marked_by = IntroCallStatus.TALKED, by
        call.updated_at = timezone.now()
        call.save(update_fields=["status", "talked_marked_by", "updated_at"])
        _notify_other(
            call, by, NotificationKind.INTRO_TALKED, "says you talked: confirm to connect"
        )
    return call


def intro_call_confirm_talked(*, call: IntroCall, by):
    """The other side confirms the call happened: they are connected (how we met: a call)."""
    _require_party(call, by)
    if call.status != IntroCallStatus.TALKED:
        raise ValidationError("Nobody has said you talked yet.", "not_talked")
    if call.talked_marked_by_id == by.pk:
        raise ValidationError("You said you talked; the other person confirms.", "same_person")
    with transaction.atomic():
        call.status = IntroCallStatus.COMPLETED
        call.updated_at = timezone.now()
        call.save(update_fields=["status", "updated_at"])
        Invitation.objects.filter(pk=call.invitation_id).update(
            status=InvitationStatus.ACCEPTED, responded_at=timezone.now()
        )
        connection = connection_create(
            person=call.host,
            other=call.guest,
            how_met=HowMet.CALL,
            how_met_detail="Kith intro call",
        )
        for person, other in ((call.host, call.guest), (call.guest, call.host)):
            notify(
                recipient=person,
                kind=NotificationKind.CONNECTED,
                actor=other,
                text=f"You and {other.display_name} are connected after your intro call.",
                url=other.get_absolute_url(),
                intro_call=call,
            )
    return connection


def intro_call_mark_no_show(*, call: IntroCall, by) -> IntroCall:
    """Say the other side did not come; the host may offer new times until the call expires."""
    _require_party(call, by)
    _require_started(call)
    with transaction.atomic():
        call.status, call.no_show_marked_by = IntroCallStatus.NO_SHOW, by
        call.updated_at = timezone.now()
        call.save(update_fields=["status", "no_show_marked_by", "updated_at"])
        _notify_other(call, by, NotificationKind.INTRO_CANCELLED, "says the call did not happen")
    return call


def intro_call_expire(*, call: IntroCall, now: datetime | None = None) -> bool:
    """Close a call not held in time and the invitation with it; return whether it expired."""
    now = now or timezone.now()
    if call.status in CLOSED or now < call.expires_at:
        return False
    with transaction.atomic():
        intro_call_close(call=call, status=IntroCallStatus.EXPIRED)
        Invitation.objects.filter(
            pk=call.invitation_id, status__in=["pending", "intro_offered"]
        ).update(status=InvitationStatus.DECLINED, responded_at=now)
    return True


def intro_calls_expire_due(*, now: datetime | None = None) -> int:
    """Expire every call past its time; return how many (the sweep behind `kith expire`)."""
    now = now or timezone.now()
    due = IntroCall.objects.filter(expires_at__lte=now).exclude(status__in=CLOSED)
    return sum(intro_call_expire(call=call, now=now) for call in due)


def _require_party(call: IntroCall, by) -> None:
    if by.pk not in (call.host_id, call.guest_id):
        raise ValidationError("Only the two people on the call can do that.", "not_allowed")


def _require_started(call: IntroCall) -> None:
    if call.status != IntroCallStatus.SCHEDULED:
        raise ValidationError(f"This call is {call.get_status_display().lower()}.", "closed")
    if call.starts_at > timezone.now():
        raise ValidationError("The call has not started yet.", "not_started")


def _notify_other(call: IntroCall, by, kind: str, what: str) -> None:
    other = call.guest if by.pk == call.host_id else call.host
    notify(
        recipient=other,
        kind=kind,
        actor=by,
        text=f"{by.display_name} {what}.",
        url=_page(call),
        intro_call=call,
    )
