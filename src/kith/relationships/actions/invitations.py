"""Invitations to connect, answered by accepting, declining, replying or an intro call.

LinkedIn's flow is the anchor; Kith adds the intro-call answer and “I don't know this person”.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone

from kith.feeds.actions import notify
from kith.feeds.models import NotificationKind
from kith.relationships.access import relationship_between
from kith.relationships.actions.connections import connection_create
from kith.relationships.models import (
    OPEN_INVITATION_STATUSES,
    Block,
    Connection,
    HowMet,
    IntroCall,
    Invitation,
    InvitationMessage,
    InvitationStatus,
    UnknownSenderMark,
)
from kith.relationships.policy import Outcome, evaluate_policy


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i T")


def _check_sender_may_invite(sender, now) -> None:
    """Raise ValidationError if `sender` is restricted or over the weekly limit."""
    window = now - timedelta(days=settings.KITH_UNKNOWN_MARKS_WINDOW_DAYS)
    marks = list(
        UnknownSenderMark.objects.filter(sender=sender, created_at__gte=window)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.KITH_UNKNOWN_MARKS_LIMIT]
    )
    if len(marks) >= settings.KITH_UNKNOWN_MARKS_LIMIT:
        until = marks[0] + timedelta(days=settings.KITH_UNKNOWN_RESTRICTION_DAYS)
        if now < until:
            raise ValidationError(
                f"{len(marks)} people said they don't know you, so you cannot send invitations "
                f"until {_when(until)}.",
                code="restricted",
            )
    week_ago = now - timedelta(days=7)
    limit = settings.KITH_INVITATIONS_PER_WEEK
    recent = list(
        Invitation.objects.filter(sender=sender, created_at__gte=week_ago)
        .order_by("created_at")
        .values_list("created_at", flat=True)[:limit]
    )
    if len(recent) >= limit:
        raise ValidationError(
            f"You sent {limit} invitations in the last 7 days, the most a week allows. "
            f"You can send the next one after {_when(recent[0] + timedelta(days=7))}.",
            code="weekly_limit",
        )


def _check_pair(sender, recipient, now) -> None:
    """Raise ValidationError if `sender` may not invite `recipient` at all right now."""
    if sender.pk == recipient.pk:
        raise ValidationError("You cannot invite yourself.", code="self")
    if Block.objects.filter(
        Q(blocker=sender, blocked=recipient) | Q(blocker=recipient, blocked=sender)
    ).exists():
        raise ValidationError("You cannot invite this person.", code="blocked")
    if relationship_between(sender, recipient).connected:
        raise ValidationError(
            f"You and {recipient.display_name} are already connected.", code="connected"
        )
    if UnknownSenderMark.objects.filter(marker=recipient, sender=sender).exists():
        raise ValidationError(
            f"{recipient.display_name} does not take invitations from you.", code="unknown"
        )
    open_between = Invitation.objects.filter(
        Q(sender=sender, recipient=recipient) | Q(sender=recipient, recipient=sender),
        status__in=OPEN_INVITATION_STATUSES,
    ).first()
    if open_between is not None:
        if open_between.sender_id == sender.pk:
            raise ValidationError(
                f"You already invited {recipient.display_name}.", code="duplicate"
            )
        raise ValidationError(
            f"{recipient.display_name} already invited you: answer their invitation instead.",
            code="invited_you",
        )
    cooldown = timedelta(days=settings.KITH_REINVITE_COOLDOWN_DAYS)
    withdrawn = (
        Invitation.objects.filter(
            sender=sender,
            recipient=recipient,
            status=InvitationStatus.WITHDRAWN,
            responded_at__gte=now - cooldown,
        )
        .order_by("-responded_at")
        .first()
    )
    if withdrawn is not None:
        raise ValidationError(
            f"You withdrew an invitation to {recipient.display_name} recently; you can invite "
            f"them again after {_when(withdrawn.responded_at + cooldown)}.",
            code="cooldown",
        )


def _check_how_known(how_known: str, detail: str, introduced_by, note: str) -> dict:
    errors: dict[str, list[str]] = {}
    if how_known not in HowMet.values:
        errors["how_known"] = [f"Say how you know each other: one of {', '.join(HowMet.values)}."]
    if how_known == HowMet.OTHER and not detail.strip():
        errors["how_known_detail"] = ["Say in a few words how you know each other."]
    if how_known == HowMet.INTRODUCED and introduced_by is None:
        errors["introduced_by"] = ["Name the person who introduced you."]
    if len(detail) > 200:
        errors["how_known_detail"] = ["At most 200 characters."]
    if len(note) > 1000:
        errors["note"] = [f"At most 1,000 characters (this is {len(note)})."]
    return errors


def invitation_send(
    *,
    sender,
    recipient,
    how_known: str,
    how_known_detail: str = "",
    note: str = "",
    introduced_by=None,
) -> Invitation:
    """Invite `recipient` to connect; their policy may answer at once with an intro-call offer."""
    now = timezone.now()
    note, how_known_detail = note.strip(), how_known_detail.strip()
    errors = _check_how_known(how_known, how_known_detail, introduced_by, note)
    if errors:
        raise ValidationError(errors)
    _check_pair(sender, recipient, now)
    _check_sender_may_invite(sender, now)
    decision = evaluate_policy(sender=sender, recipient=recipient, how_known=how_known)
    if decision.outcome == Outcome.REFUSE:
        raise ValidationError({"how_known": [decision.reason]}, code="policy")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                sender=sender,
                recipient=recipient,
                note=note,
                how_known=how_known,
                how_known_detail=how_known_detail,
                introduced_by=introduced_by if how_known == HowMet.INTRODUCED else None,
            )
            notify(
                recipient=recipient,
                kind=NotificationKind.INVITATION,
                actor=sender,
                text=f"{sender.display_name} invited you to connect.",
                url=reverse("invitation", kwargs={"invitation_id": invitation.pk}),
                invitation=invitation,
            )
            if decision.outcome == Outcome.INTRO_CALL:
                from kith.relationships.actions.intro_calls import intro_call_open

                intro_call_open(invitation=invitation, automatic_reason=decision.reason)
    except IntegrityError:  # a concurrent request sent the same invitation
        raise ValidationError(
            f"You already invited {recipient.display_name}.", code="duplicate"
        ) from None
    return invitation


def _require_open(invitation: Invitation) -> None:
    if not invitation.is_open:
        raise ValidationError(
            f"This invitation is {invitation.get_status_display().lower()} already.",
            code="closed",
        )


def _require(person, who, action: str) -> None:
    if person.pk != who.pk:
        raise ValidationError(f"Only the {action}.", code="not_allowed")


def _close(invitation: Invitation, status: str) -> None:
    invitation.status = status
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    call = IntroCall.objects.filter(invitation=invitation).first()
    if call is not None and call.status in {"proposed", "scheduled"}:
        from kith.relationships.actions.intro_calls import intro_call_close

        intro_call_close(call=call, status="cancelled")


def invitation_accept(*, invitation: Invitation, by) -> Connection:
    """Accept an invitation (the recipient): the two are connected."""
    _require(by, invitation.recipient, "invited person can accept")
    _require_open(invitation)
    with transaction.atomic():
        _close(invitation, InvitationStatus.ACCEPTED)
        connection = connection_create(
            person=invitation.sender,
            other=invitation.recipient,
            how_met=invitation.how_known,
            how_met_detail=invitation.how_known_detail,
        )
        notify(
            recipient=invitation.sender,
            kind=NotificationKind.INVITATION_ACCEPTED,
            actor=by,
            text=f"{by.display_name} accepted your invitation: you are connected.",
            url=by.get_absolute_url(),
            invitation=invitation,
        )
    return connection


def invitation_decline(*, invitation: Invitation, by) -> Invitation:
    """Decline an invitation (the recipient). The sender is not told, as on LinkedIn."""
    _require(by, invitation.recipient, "invited person can decline")
    _require_open(invitation)
    with transaction.atomic():
        _close(invitation, InvitationStatus.DECLINED)
    return invitation


def invitation_withdraw(*, invitation: Invitation, by) -> Invitation:
    """Withdraw an invitation (the sender); the same person can't be invited again for a while."""
    _require(by, invitation.sender, "person who sent it can withdraw it")
    _require_open(invitation)
    with transaction.atomic():
        _close(invitation, InvitationStatus.WITHDRAWN)
    return invitation


def invitation_mark_unknown(*, invitation: Invitation, by) -> Invitation:
    """“I don't know this person”: close the invitation and refuse the sender's future ones."""
    _require(by, invitation.recipient, "invited person can say they don't know the sender")
    _require_open(invitation)
    with transaction.atomic():
        _close(invitation, InvitationStatus.UNKNOWN)
        UnknownSenderMark.objects.get_or_create(marker=by, sender=invitation.sender)
    return invitation


def invitation_reply(*, invitation: Invitation, by, body: str) -> InvitationMessage:
    """Write a message on an invitation without accepting it (either side, while it is open)."""
    if by.pk not in (invitation.sender_id, invitation.recipient_id):
        raise ValidationError("Only the two people involved can write here.", code="not_allowed")
    _require_open(invitation)
    body = body.strip()
    if not body:
        raise ValidationError({"body": ["Write a message."]})
    if len(body) > 2000:
        raise ValidationError({"body": [f"At most 2,000 characters (this is {len(body)})."]})
    other = invitation.sender if by.pk == invitation.recipient_id else invitation.recipient
    with transaction.atomic():
        message = InvitationMessage.objects.create(invitation=invitation, author=by, body=body)
        notify(
            recipient=other,
            kind=NotificationKind.INVITATION_MESSAGE,
            actor=by,
            text=f"{by.display_name} wrote about the invitation: {body[:120]}",
            url=reverse("invitation", kwargs={"invitation_id": invitation.pk}),
            invitation=invitation,
        )
    return message
