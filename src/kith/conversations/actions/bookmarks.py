"""Bookmarks: keep a post to read again, privately (its author is not told)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from kith.conversations.actions.common import original, require_visible
from kith.conversations.models import Bookmark, Post


def bookmark_add(*, person, post: Post) -> Bookmark:
    """Bookmark `post` (a repost: its original) for `person`; bookmarking twice keeps one.

    Raise Http404 if `person` may not see it."""
    target = original(post)
    require_visible(person, target)
    existing = Bookmark.objects.filter(person=person, post=target).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Bookmark.objects.create(person=person, post=target)
    except IntegrityError:  # made by a concurrent request
        return Bookmark.objects.get(person=person, post=target)


def bookmark_remove(*, person, post: Post) -> bool:
    """Remove `person`'s bookmark of `post`; return whether there was one."""
    deleted, _ = Bookmark.objects.filter(person=person, post=original(post)).delete()
    return bool(deleted)
