"""Conversation tasks: load by id, call an action. Idempotent."""

from __future__ import annotations

from django_tasks import task

from kith.conversations.models import Media


@task()
def make_media_thumbnail(media_id: int) -> None:
    """Make the thumbnail of an uploaded image (nothing if it has one or is gone)."""
    from kith.conversations.actions.media import media_thumbnail_make

    media = Media.objects.filter(pk=media_id).first()
    if media is not None and not media.thumbnail:
        media_thumbnail_make(media=media)
