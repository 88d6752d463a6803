"""Reposts (boosts): sharing someone's public post with your own readers, with attribution."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kith.conversations.access import can_repost
from kith.conversations.actions.common import (
    bump,
    came_via,
    count_posting_day,
    notify_people,
    original,
    require_visible,
    snippet,
    who,
)
from kith.conversations.models import Post, PostVisibility
from kith.conversations.validators import check_choice
from kith.feeds.actions import enqueue_fan_out
from kith.feeds.models import NotificationKind

REPOST_VISIBILITIES = [PostVisibility.PUBLIC, PostVisibility.FOLLOWERS, PostVisibility.CONNECTIONS]


def post_repost(*, person, post: Post, visibility: str = PostVisibility.PUBLIC) -> Post:
    """Repost `post` (a public one) to `person`'s readers; return the repost.

    One repost per person per post: reposting again returns the one there is. Raise
    Http404 if `person` may not see `post`, ValidationError if it cannot be reposted.
    """
    shared = original(post)
    require_visible(person, shared)
    can_repost(person, shared).check()
    errors: dict[str, list[str]] = {}
    check_choice(errors, "visibility", visibility, PostVisibility, allowed=REPOST_VISIBILITIES)
    if errors:
        raise ValidationError(errors)
    existing = Post.objects.filter(author=person, repost_of=shared).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        repost = Post(
            author=person,
            repost_of=shared,
            visibility=visibility,
            shared_via_id=came_via(person, post),
        )
        repost.thread_root_id = repost.pk
        try:
            with transaction.atomic():
                repost.save(force_insert=True)
        except IntegrityError:  # made by a concurrent request
            return Post.objects.get(author=person, repost_of=shared)
        bump(shared, reposts_count=1)
        count_posting_day(person)
        notify_people(
            post=shared,
            actor=person,
            kind=NotificationKind.REPOST,
            recipient_ids=[shared.author_id],
            text=f"{who(person)} reposted your post: {snippet(shared.body)}",
            once=True,
        )
        enqueue_fan_out(repost)
    return repost


def post_unrepost(*, person, post: Post) -> bool:
    """Undo `person`'s repost of `post`; return whether there was one."""
    shared = original(post)
    with transaction.atomic():
        deleted, _ = Post.objects.filter(author=person, repost_of=shared).delete()
        if deleted:
            bump(shared, reposts_count=-1)
    return bool(deleted)
