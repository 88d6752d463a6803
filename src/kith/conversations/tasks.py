"""Conversation tasks: load by id, call an action. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from kith.conversations.models import Media
from kith.core.schedule import periodic


@task()
def make_media_thumbnail(media_id: int) -> None:
    """Make the thumbnail of an uploaded image (nothing if it has one or is gone)."""
    from kith.conversations.actions.media import media_thumbnail_make

    media = Media.objects.filter(pk=media_id).first()
    if media is not None and not media.thumbnail:
        media_thumbnail_make(media=media)


@periodic("media-drafts-delete-stale", every=timedelta(hours=1))
@task()
def delete_stale_media_drafts() -> int:
    """Remove draft images left unattached for more than a day."""
    from kith.conversations.actions.media import media_drafts_delete_stale

    return media_drafts_delete_stale()


@periodic("polls-end", every=timedelta(minutes=1))
@task()
def end_polls() -> int:
    """Mark the polls whose time is up as ended; tell their author and voters (once)."""
    from kith.conversations.actions.polls import polls_end_due

    return polls_end_due()
