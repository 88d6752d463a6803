"""Media: upload an image (v1 and v2), read it, describe it.

Uploads go through `conversations.actions.media_upload` (type sniffed from the bytes, size
and pixel limits, metadata dropped, stored as WebP) before anything is stored: a file that
is too large or not an image answers 422 and leaves nothing behind. Kith processes the image
during the upload, so v2 answers 200 with its `url` (Mastodon's 202 is for media processed
later). Kith keeps no focal point: `focus` is checked and otherwise ignored (docs/mastodon.md).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404
from ninja import Router, Schema

from kith.conversations import actions
from kith.conversations.media import access_own_media
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import not_found, unprocessable
from kith.mastodon.parser import Params

router_v1 = Router(tags=["media"])
router_v2 = Router(tags=["media"])

WRITE = mastodon_auth("write:media")
READ = mastodon_auth("write:media", "read:statuses")


class MediaIn(Schema):
    file: Any = None
    thumbnail: Any = None
    description: str | None = None
    focus: str | None = None


class MediaUpdate(Schema):
    description: str | None = None
    focus: str | None = None


def _check_focus(focus: str | None) -> None:
    if not focus:
        return
    parts = focus.split(",")
    try:
        x, y = (float(p) for p in parts)
    except ValueError:
        raise unprocessable("focus is two numbers from -1.0 to 1.0: x,y") from None
    if not (-1.0 <= x <= 1.0 and -1.0 <= y <= 1.0):
        raise unprocessable("focus is two numbers from -1.0 to 1.0: x,y")


def _upload(request, params: MediaIn) -> dict:
    upload = params.file
    if upload is None or not hasattr(upload, "read"):
        raise unprocessable("file must be an uploaded image")
    limit = settings.KITH_MEDIA_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise unprocessable(f"File size must be at most {limit // (1024 * 1024)} MB")
    _check_focus(params.focus)
    media = actions.media_upload(
        owner=request.auth, data=upload.read(), alt_text=params.description or ""
    )
    return entities.media_attachment(media)


@router_v1.post("/media", auth=WRITE)
def upload_v1(request, params: Params[MediaIn]):
    """Upload an image to attach to a status (`media_ids[]`) within a day."""
    return _upload(request, params)


@router_v2.post("/media", auth=WRITE)
def upload_v2(request, params: Params[MediaIn]):
    """Upload an image (processed at once: 200 with its url)."""
    return _upload(request, params)


def _own(request, media_id: str):
    try:
        return access_own_media(request.auth, media_id)
    except Http404:
        raise not_found() from None


@router_v1.get("/media/{media_id}", auth=READ)
def get_media(request, media_id: str):
    """Your own image (someone else's: 404)."""
    return entities.media_attachment(_own(request, media_id))


@router_v1.put("/media/{media_id}", auth=WRITE)
def update_media(request, media_id: str, params: Params[MediaUpdate]):
    """Describe your image (its alt text), before or after it is posted."""
    media = _own(request, media_id)
    _check_focus(params.focus)
    if params.description is not None:
        media = actions.media_set_alt_text(
            media=media, by=request.auth, alt_text=params.description
        )
    return entities.media_attachment(media)
