"""Following people: one-way, with follow requests for locked accounts, a follow cap and
the attention budget. Mastodon's follow model is the anchor.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from kith.feeds.actions import feed_hide_reposts, feed_prune_between, notify
from kith.feeds.models import Notification, NotificationKind
from kith.relationships.access import active_mutes, is_blocked_between
from kith.relationships.attention import Figures, follow_figures
from kith.relationships.models import Follow, FollowStatus


class OverBudget(Exception):
    """The follow would take the reader past their reading capacity: ask them to confirm."""

    def __init__(self, figures: Figures) -> None:
        super().__init__(
            f"Following adds {figures.cost:.1f} posts a day to the {figures.load:.1f} you read; "
            f"your capacity is {figures.capacity}."
        )
        self.figures = figures


def follow_cap(person) -> int:
    """Return how many people `person` may follow: the base cap, or more with many followers.

    As on Mastodon: anyone may follow KITH_FOLLOW_CAP_BASE people (7,500); past that, up to
    KITH_FOLLOW_CAP_RATIO (1.1) × their own followers.
    """
    followers = Follow.objects.filter(target_person=person, status=FollowStatus.ACTIVE).count()
    by_followers = math.floor(followers * settings.KITH_FOLLOW_CAP_RATIO)
    return max(settings.KITH_FOLLOW_CAP_BASE, by_followers)


def _check_cap(follower) -> None:
    following = Follow.objects.filter(follower=follower).count()  # pending requests count too
    cap = follow_cap(follower)
    if following >= cap:
        raise ValidationError(
            f"You follow {following:,} people, the most you can: the limit is {cap:,} "
            f"(or {settings.KITH_FOLLOW_CAP_RATIO:g} × your followers, when that is more). "
            "Unfollow someone first.",
            code="follow_cap",
        )


def _notify_once(*, recipient, actor, kind: str, text: str, url: str) -> None:
    """Store a notification unless the same one is still unread (follow, unfollow, follow…)
    or the recipient mutes the actor."""
    if Notification.objects.filter(
        recipient=recipient, actor=actor, kind=kind, read_at__isnull=True
    ).exists():
        return
    if active_mutes(recipient).filter(muted=actor).exists():
        return
    notify(recipient=recipient, kind=kind, actor=actor, text=text, url=url)


def _forget_request_notifications(follower_id: int, target_id: int) -> None:
    """Remove the request notification once the request is answered or withdrawn."""
    Notification.objects.filter(
        recipient_id=target_id, actor_id=follower_id, kind=NotificationKind.FOLLOW_REQUEST
    ).delete()


def follow_create(*, follower, target, confirm_over_budget: bool = False) -> Follow:
    """Follow `target`, or ask to if their account is locked; return the (new or existing) follow.

    Raise OverBudget when the follow would pass `follower`'s reading capacity and
    `confirm_over_budget` is false, and ValidationError when the follow is not possible.
    """
    if follower.pk == target.pk:
        raise ValidationError("You cannot follow yourself.", code="self_follow")
    with transaction.atomic():
        existing = Follow.objects.filter(follower=follower, target_person=target).first()
        if existing is not None:
            return existing
        if is_blocked_between(follower, target):
            raise ValidationError(
                "You cannot follow someone you blocked; unblock them first.", code="blocked"
            )
        _check_cap(follower)
        figures = follow_figures(follower, target)
        if figures.over_budget and not confirm_over_budget:
            raise OverBudget(figures)
        status = FollowStatus.REQUESTED if target.is_locked else FollowStatus.ACTIVE
        try:
            with transaction.atomic():
                follow = Follow.objects.create(
                    follower=follower, target_person=target, status=status
                )
        except IntegrityError:  # made by a concurrent request
            return Follow.objects.get(follower=follower, target_person=target)
        who = f"{follower.display_name} (@{follower.handle})"
        if status == FollowStatus.ACTIVE:
            _notify_once(
                recipient=target,
                actor=follower,
                kind=NotificationKind.FOLLOW,
                text=f"{who} followed you.",
                url=follower.get_absolute_url(),
            )
        else:
            _notify_once(
                recipient=target,
                actor=follower,
                kind=NotificationKind.FOLLOW_REQUEST,
                text=f"{who} asked to follow you.",
                url=reverse("follow_requests"),
            )
    return follow


def follow_remove(*, follower, target) -> bool:
    """Unfollow `target`, or withdraw the request; return whether there was a follow."""
    with transaction.atomic():
        deleted, _ = Follow.objects.filter(follower=follower, target_person=target).delete()
        _forget_request_notifications(follower.pk, target.pk)
        if deleted:
            feed_prune_between(reader=follower, other=target)
    return bool(deleted)


def follow_settings_set(
    *, follower, target, hide_reposts: bool | None = None, show_replies: bool | None = None
) -> Follow:
    """Change how `target`'s posts reach `follower`'s feed; return the follow.

    `hide_reposts` leaves their reposts out (those already in the feed go); `show_replies`
    brings all their replies, also to people the follower does not know (from now on).
    Raise ValidationError if `follower` does not follow `target`.
    """
    follow = Follow.objects.filter(follower=follower, target_person=target).first()
    if follow is None:
        raise ValidationError("You do not follow this person.", code="not_following")
    changed = []
    if hide_reposts is not None and hide_reposts != follow.hide_reposts:
        follow.hide_reposts = hide_reposts
        changed.append("hide_reposts")
    if show_replies is not None and show_replies != follow.show_replies:
        follow.show_replies = show_replies
        changed.append("show_replies")
    if changed:
        with transaction.atomic():
            follow.save(update_fields=changed)
            if follow.hide_reposts and "hide_reposts" in changed:
                feed_hide_reposts(reader_id=follower.pk, sharer_id=target.pk)
    return follow


def follower_remove(*, person, follower) -> bool:
    """Remove `follower` from `person`'s followers, silently; return whether they followed.

    They may follow again (or ask again, if `person`'s account is locked); blocking stops that.
    """
    return follow_remove(follower=follower, target=person)


def _require_request(person, follow: Follow) -> None:
    if follow.target_person_id != person.pk or follow.status != FollowStatus.REQUESTED:
        raise ValidationError("There is no such follow request.", code="no_request")


def follow_request_approve(*, person, follow: Follow) -> Follow:
    """Approve a follow request to `person`: the requester follows them from now on."""
    _require_request(person, follow)
    with transaction.atomic():
        follow.status = FollowStatus.ACTIVE
        follow.save(update_fields=["status"])
        _forget_request_notifications(follow.follower_id, person.pk)
    return follow


def follow_request_reject(*, person, follow: Follow) -> None:
    """Reject a follow request to `person`; the requester is not told."""
    _require_request(person, follow)
    with transaction.atomic():
        follow.delete()
        _forget_request_notifications(follow.follower_id, person.pk)


def follow_requests_approve_all(*, person) -> int:
    """Approve every request waiting for `person` (when they unlock); return how many."""
    with transaction.atomic():
        approved = Follow.objects.filter(
            target_person=person, status=FollowStatus.REQUESTED
        ).update(status=FollowStatus.ACTIVE)
        Notification.objects.filter(recipient=person, kind=NotificationKind.FOLLOW_REQUEST).delete()
    return approved
