"""Images for posts: upload (a draft), describe, remove; attach with `media_ids` on publish."""

from __future__ import annotations

from django.conf import settings
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from kith.api import auth
from kith.api.post_schemas import MediaOut
from kith.api.post_serializers import media_dict
from kith.api.schemas import ErrorOut
from kith.conversations import actions
from kith.conversations.media import access_own_media, drafts_of

router = Router(tags=["media"], auth=auth.required)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut}


class AltTextIn(Schema):
    alt_text: str


@router.post("", response={201: MediaOut, **ERRORS}, summary="Upload an image for a post")
def upload(request, file: File[UploadedFile], alt_text: Form[str] = ""):
    """Upload a JPEG, PNG, GIF or WebP image (checked, scaled, stripped of EXIF).

    It stays a draft of yours until you publish with its id in `media_ids` (at most four).
    """
    data = file.read(settings.KITH_MEDIA_MAX_BYTES + 1)
    media = actions.media_upload(owner=request.auth, data=data, alt_text=alt_text)
    return Status(201, media_dict(media))


@router.get("", response={200: list[MediaOut], **ERRORS}, summary="List my draft images")
def list_drafts(request):
    return [media_dict(m) for m in drafts_of(request.auth)]


@router.get("/{media_id}", response={200: MediaOut, **ERRORS}, summary="Get one of my images")
def get_media(request, media_id: str):
    return media_dict(access_own_media(request.auth, media_id))


@router.patch("/{media_id}", response={200: MediaOut, **ERRORS}, summary="Describe an image")
def describe(request, media_id: str, payload: AltTextIn):
    media = access_own_media(request.auth, media_id)
    return media_dict(actions.media_set_alt_text(media=media, by=request.auth, **payload.dict()))


@router.delete("/{media_id}", response={204: None, **ERRORS}, summary="Remove a draft image")
def remove(request, media_id: str):
    actions.media_delete(media=access_own_media(request.auth, media_id), by=request.auth)
    return Status(204, None)
