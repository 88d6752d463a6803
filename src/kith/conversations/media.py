"""Post images: where the files live, who may fetch them, and what a post shows.

Files are kept outside MEDIA_ROOT (whose files are public avatars) under random names, so
nothing but `web.views.post_media` serves them, and it asks `access_media_file` first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import Http404

from kith.conversations.access import can_see
from kith.conversations.models import Media, Post, PostVisibility
from kith.core.ids import parse_id

MAX_ATTACHMENTS = 4
ALT_TEXT_MAX = 1500
FILE_NAME = re.compile(r"^[A-Za-z0-9_-]{20,64}(\.thumb)?\.webp$")


@cache
def _storage(location: str) -> FileSystemStorage:
    return FileSystemStorage(location=location)


def media_storage() -> FileSystemStorage:
    """Return the store of post images (VAR_DIR/post-media)."""
    return _storage(str(settings.VAR_DIR / "post-media"))


@dataclass(frozen=True)
class MediaFile:
    """A file a viewer may fetch, and whether caches may keep it (it is on a public post)."""

    media: Media
    name: str
    public: bool


def access_media_file(viewer, name: str) -> MediaFile:
    """Return the image file `name` if `viewer` may see it, else raise Http404.

    A draft is its owner's alone; an attached image is seen by whoever may see its post; an
    image sent with a direct message by the participants of its thread (`messaging.access`).
    """
    if not FILE_NAME.match(name or ""):
        raise Http404("No such file.")
    field = "thumbnail" if name.endswith(".thumb.webp") else "file"
    media = Media.objects.select_related("post").filter(**{field: name}).first()
    if media is None:
        raise Http404("No such file.")
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    if media.post_id is None:
        if signed_in and viewer.pk == media.owner_id:
            return MediaFile(media=media, name=name, public=False)
        from kith.messaging.access import may_see_attachment

        if not may_see_attachment(viewer, media):
            raise Http404("No such file.")
        return MediaFile(media=media, name=name, public=False)
    if not can_see(viewer, media.post):
        raise Http404("No such file.")
    return MediaFile(media=media, name=name, public=_is_public(media.post))


def _is_public(post: Post) -> bool:
    return post.visibility == PostVisibility.PUBLIC and not post.is_deleted


def access_own_media(viewer, media_id) -> Media:
    """Return `viewer`'s own image `media_id` (draft or attached), else raise Http404."""
    media_id = parse_id(media_id)
    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    media = (
        Media.objects.filter(owner=viewer, pk=media_id).first() if media_id and signed_in else None
    )
    if media is None:
        raise Http404("No such image.")
    return media


def media_for_posts(posts: Iterable[Post]) -> dict[int, list[Media]]:
    """Return the images of `posts` (which the caller may see) by post id, in order. One query."""
    ids = [post.pk for post in posts]
    found: dict[int, list[Media]] = {}
    if not ids:
        return found
    for media in Media.objects.filter(post__in=ids).order_by("post", "position", "id"):
        found.setdefault(media.post_id, []).append(media)
    return found


def drafts_of(person) -> list[Media]:
    """Return `person`'s images not attached to a post or a message yet, oldest first."""
    return list(
        Media.objects.filter(
            owner=person, post__isnull=True, message_attachment__isnull=True
        ).order_by("id")
    )
