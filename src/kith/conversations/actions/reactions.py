"""Value, not likes: readers mark a post helpful, or tell how they used it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kith.conversations.actions.common import (
    bump,
    notify_people,
    original,
    require_live,
    require_visible,
    snippet,
    who,
)
from kith.conversations.models import Post, Reaction, ReactionKind
from kith.conversations.validators import check_story
from kith.feeds.models import NotificationKind


def _target(person, post: Post) -> Post:
    """Return the post a reaction is about, if `person` may react to it."""
    target = original(post)
    require_visible(person, target)
    require_live(target)
    if target.author_id == person.pk:
        raise ValidationError("This is your own post.", code="own_post")
    return target


def helpful_mark(*, person, post: Post) -> Reaction:
    """Mark `post` helpful (once per person); its author is notified."""
    target = _target(person, post)
    with transaction.atomic():
        reaction, created = _get_or_create(target, person, ReactionKind.HELPFUL)
        if created:
            bump(target, helpful_count=1)
            notify_people(
                post=target,
                actor=person,
                kind=NotificationKind.HELPFUL,
                recipient_ids=[target.author_id],
                text=f"{who(person)} found your post helpful: {snippet(target.body)}",
                once=True,
            )
    return reaction


def helpful_unmark(*, person, post: Post) -> bool:
    """Take back `person`'s helpful mark on `post`; return whether there was one."""
    return _remove(person, original(post), ReactionKind.HELPFUL, "helpful_count")


def used_it_add(*, person, post: Post, story: str, public: bool = False) -> Reaction:
    """Tell how `person` used `post` (or change the story they told); return the reaction.

    The author always reads the story; with `public`, so does everyone who can see the
    post. The author is notified the first time.
    """
    target = _target(person, post)
    errors: dict[str, list[str]] = {}
    story = check_story(errors, story)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        reaction, created = _get_or_create(
            target, person, ReactionKind.USED, story=story, story_public=bool(public)
        )
        if created:
            bump(target, used_count=1)
            notify_people(
                post=target,
                actor=person,
                kind=NotificationKind.USED_IT,
                recipient_ids=[target.author_id],
                text=f"{who(person)} used your post: {snippet(story)}",
                once=True,
            )
        elif (reaction.story, reaction.story_public) != (story, bool(public)):
            reaction.story, reaction.story_public = story, bool(public)
            reaction.updated_at = timezone.now()
            reaction.save(update_fields=["story", "story_public", "updated_at"])
    return reaction


def used_it_remove(*, person, post: Post) -> bool:
    """Take back `person`'s "how I used it" on `post`; return whether there was one."""
    return _remove(person, original(post), ReactionKind.USED, "used_count")


def _get_or_create(post: Post, person, kind: str, **fields) -> tuple[Reaction, bool]:
    existing = Reaction.objects.filter(post=post, person=person, kind=kind).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            return Reaction.objects.create(post=post, person=person, kind=kind, **fields), True
    except IntegrityError:  # made by a concurrent request
        return Reaction.objects.get(post=post, person=person, kind=kind), False


def _remove(person, post: Post, kind: str, counter: str) -> bool:
    with transaction.atomic():
        deleted, _ = Reaction.objects.filter(post=post, person=person, kind=kind).delete()
        if deleted:
            bump(post, **{counter: -1})
    return bool(deleted)
