"""Storing notifications. Delivery (email, live updates) arrives with the Feeds issue."""

from __future__ import annotations

from kith.feeds.models import Notification


def notify(*, recipient, kind: str, text: str, actor=None, url: str = "", **about) -> Notification:
    """Store one notification for `recipient`.

    `about` says what it is about: invitation=, intro_call=, contact_change= or post=.
    """
    return Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, text=text[:300], url=url[:300], **about
    )


def notify_many(
    *, recipient_ids, kind: str, text: str, actor=None, url: str = "", **about
) -> list[Notification]:
    """Store the same notification for each of `recipient_ids`, in one INSERT."""
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=recipient_id,
                kind=kind,
                actor=actor,
                text=text[:300],
                url=url[:300],
                **about,
            )
            for recipient_id in recipient_ids
        ]
    )


def notifications_mark_read(*, person, ids: list[int] | None = None) -> int:
    """Mark `person`'s notifications (all, or those in `ids`) read; return how many changed."""
    from django.utils import timezone

    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
