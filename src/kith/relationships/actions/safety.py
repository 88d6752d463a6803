"""Blocks, mutes and private notes: what a person does to keep their space their own."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kith.feeds.actions import feed_prune_block
from kith.feeds.models import Notification
from kith.relationships.actions.connections import connection_remove
from kith.relationships.models import (
    OPEN_INVITATION_STATUSES,
    Block,
    Follow,
    Invitation,
    Mute,
    PersonNote,
)

MUTE_DURATIONS: dict[str, timedelta | None] = {
    "1h": timedelta(hours=1),
    "1d": timedelta(days=1),
    "7d": timedelta(days=7),
    "forever": None,
}
MUTE_DURATION_LABELS = {"1h": "1 hour", "1d": "1 day", "7d": "7 days", "forever": "Until I unmute"}
NOTE_MAX = 5000


def _not_self(person, other, what: str) -> None:
    if person.pk == other.pk:
        raise ValidationError(f"You cannot {what} yourself.", code="self")


def block_create(*, blocker, blocked) -> Block:
    """Block `blocked`: they lose sight of `blocker`, and everything between the two ends.

    The connection is removed (address books drop the card), follows and follow requests
    both ways are removed, open invitations between them are declined or withdrawn, and
    `blocker`'s notifications from them are cleared. New follows and invitations are refused
    while the block lasts. The blocked person is not told.
    """
    from kith.relationships.actions.invitations import invitation_decline, invitation_withdraw

    _not_self(blocker, blocked, "block")
    with transaction.atomic():
        try:
            with transaction.atomic():
                block, _ = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
        except IntegrityError:  # made by a concurrent request
            block = Block.objects.get(blocker=blocker, blocked=blocked)
        connection_remove(person=blocker, other=blocked)
        Follow.objects.filter(
            Q(follower=blocker, target_person=blocked) | Q(follower=blocked, target_person=blocker)
        ).delete()
        open_invitations = Invitation.objects.filter(
            Q(sender=blocker, recipient=blocked) | Q(sender=blocked, recipient=blocker),
            status__in=OPEN_INVITATION_STATUSES,
        ).select_related("sender", "recipient")
        for invitation in open_invitations:
            if invitation.sender_id == blocker.pk:
                invitation_withdraw(invitation=invitation, by=blocker)
            else:
                invitation_decline(invitation=invitation, by=blocker)
        Notification.objects.filter(recipient=blocker, actor=blocked).delete()
        feed_prune_block(blocker_id=blocker.pk, blocked_id=blocked.pk)
    return block


def block_remove(*, blocker, blocked) -> bool:
    """Unblock `blocked`; return whether there was a block. Nothing removed comes back."""
    deleted, _ = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    return bool(deleted)


def mute_create(*, muter, muted, duration: str = "forever") -> Mute:
    """Mute `muted` for `duration` ("1h", "1d", "7d" or "forever"), replacing an earlier mute.

    A muted person's posts and notifications stay out of `muter`'s way; nothing else changes
    and they are not told.
    """
    _not_self(muter, muted, "mute")
    if duration not in MUTE_DURATIONS:
        raise ValidationError(
            {"duration": [f"Choose one of: {', '.join(MUTE_DURATIONS)}."]}, code="bad_duration"
        )
    now = timezone.now()
    length = MUTE_DURATIONS[duration]
    expires_at = now + length if length is not None else None
    with transaction.atomic():
        mute, _ = Mute.objects.update_or_create(
            muter=muter,
            muted=muted,
            defaults={"expires_at": expires_at, "created_at": now},
        )
    return mute


def mute_remove(*, muter, muted) -> bool:
    """Unmute `muted`; return whether there was a mute still in force."""
    now = timezone.now()
    mutes = Mute.objects.filter(muter=muter, muted=muted)
    active = mutes.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now)).exists()
    mutes.delete()
    return active


def mutes_expire_due(*, now: datetime | None = None) -> int:
    """Delete the mutes whose time is up; return how many (reads already ignore them)."""
    now = now or timezone.now()
    deleted, _ = Mute.objects.filter(expires_at__lte=now).delete()
    return deleted


def note_set(*, author, subject, body: str) -> PersonNote | None:
    """Keep `body` as `author`'s private note on `subject`; an empty body removes the note.

    Only the author ever sees a note: not the subject, not staff through the product.
    """
    _not_self(author, subject, "write a note about")
    body = body.strip()
    if len(body) > NOTE_MAX:
        raise ValidationError(
            {"body": [f"At most {NOTE_MAX:,} characters (this is {len(body):,})."]},
            code="too_long",
        )
    if not body:
        PersonNote.objects.filter(author=author, subject=subject).delete()
        return None
    note, _ = PersonNote.objects.update_or_create(
        author=author, subject=subject, defaults={"body": body, "updated_at": timezone.now()}
    )
    return note
