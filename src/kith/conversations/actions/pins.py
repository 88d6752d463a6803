"""Pinned posts (a person's own posts shown first on their profile) and muted threads (a
conversation one hears nothing more about)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q

from kith.conversations.actions.common import (
    original,
    require_live,
    require_visible,
)
from kith.conversations.models import Pin, Post, PostVisibility, ThreadMute
from kith.conversations.selectors import thread_root_of


def post_pin(*, person, post: Post) -> Pin:
    """Pin `person`'s own `post` to their profile; pinning it twice keeps one pin.

    Raise Http404 if `person` may not see it, and ValidationError for someone else's post,
    a repost, a deleted post, one shown only to the people it mentions (as Mastodon refuses
    direct posts) or when `KITH_PINNED_POSTS_MAX` posts are pinned already.
    """
    require_visible(person, post)
    if post.author_id != person.pk:
        raise ValidationError("Someone else's post cannot be pinned.", code="not_author")
    if post.repost_of_id is not None:
        raise ValidationError("A repost cannot be pinned.", code="repost")
    require_live(post)
    if post.visibility == PostVisibility.MENTIONED:
        raise ValidationError(
            "Posts that are only visible to mentioned people cannot be pinned.", code="mentioned"
        )
    with transaction.atomic():
        existing = Pin.objects.select_for_update().filter(post=post).first()
        if existing is not None:
            return existing
        # Lock the person's row so two pins at once cannot both pass the limit.
        list(get_user_model().objects.select_for_update().filter(pk=person.pk).values("pk"))
        limit = settings.KITH_PINNED_POSTS_MAX
        if Pin.objects.filter(person=person).count() >= limit:
            raise ValidationError(
                f"You have already pinned the maximum number of posts ({limit}).", code="limit"
            )
        try:
            with transaction.atomic():
                return Pin.objects.create(person=person, post=post)
        except IntegrityError:  # made by a concurrent request
            return Pin.objects.get(post=post)


def post_unpin(*, person, post: Post) -> bool:
    """Take `person`'s `post` off their profile's pinned posts; return whether it was."""
    deleted, _ = Pin.objects.filter(person=person, post=post).delete()
    return bool(deleted)


def takes_part(person, root_id: int) -> bool:
    """Return whether `person` wrote in the thread `root_id` or is mentioned in it."""
    return (
        Post.objects.filter(thread_root_id=root_id)
        .filter(Q(author=person) | Q(mentions__person=person))
        .exists()
    )


def thread_mute(*, person, post: Post) -> ThreadMute:
    """Mute the thread of `post` for `person`: no more notifications about its posts.

    Raise Http404 if `person` may not see `post`, and ValidationError unless they take part
    in the thread (wrote in it or are mentioned in it), as Mastodon allows. Muting twice
    keeps one mute.
    """
    require_visible(person, original(post))
    root_id = thread_root_of(post)
    existing = ThreadMute.objects.filter(person=person, thread_root_id=root_id).first()
    if existing is not None:
        return existing
    if not takes_part(person, root_id):
        raise ValidationError(
            "You can only mute a conversation you take part in.", code="not_participant"
        )
    try:
        with transaction.atomic():
            return ThreadMute.objects.create(person=person, thread_root_id=root_id)
    except IntegrityError:  # made by a concurrent request
        return ThreadMute.objects.get(person=person, thread_root_id=root_id)


def thread_unmute(*, person, post: Post) -> bool:
    """Hear about the thread of `post` again; return whether it was muted."""
    deleted, _ = ThreadMute.objects.filter(
        person=person, thread_root_id=thread_root_of(post)
    ).delete()
    return bool(deleted)
