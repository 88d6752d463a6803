"""The caller's own profile, contact card, avatar and tokens."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from ninja import File, Router, Status
from ninja.files import UploadedFile

from kith.api import auth
from kith.api.schemas import (
    ContactFieldIn,
    ContactFieldOut,
    ContactFieldPatch,
    ErrorOut,
    FieldOrderIn,
    MeOut,
    MePatch,
    TokenOut,
)
from kith.api.serializers import field_dict, me_dict, token_dict
from kith.core.ids import parse_id
from kith.people import actions
from kith.people.access import access_own_field
from kith.people.models import AccessToken, ContactField

router = Router(tags=["me"], auth=auth.required)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.get("", response={200: MeOut, **ERRORS}, summary="Get my profile")
def get_me(request):
    return me_dict(request.auth)


@router.patch("", response={200: MeOut, **ERRORS}, summary="Update my profile")
def patch_me(request, payload: MePatch):
    actions.person_update_profile(
        person=request.auth, **payload.model_dump(exclude_unset=True, exclude_none=True)
    )
    return me_dict(request.auth)


@router.post("/avatar", response={200: MeOut, **ERRORS}, summary="Replace my avatar")
def put_avatar(request, avatar: File[UploadedFile]):
    """Upload a JPEG, PNG, GIF or WebP image; it is checked, cropped square and stripped of EXIF."""
    actions.person_set_avatar(
        person=request.auth, data=avatar.read(settings.KITH_AVATAR_MAX_BYTES + 1)
    )
    return me_dict(request.auth)


@router.delete("/avatar", response={200: MeOut, **ERRORS}, summary="Remove my avatar")
def delete_avatar(request):
    actions.person_remove_avatar(person=request.auth)
    return me_dict(request.auth)


@router.get("/card", response={200: list[ContactFieldOut], **ERRORS}, summary="List my card fields")
def list_fields(request):
    return [field_dict(f) for f in ContactField.objects.filter(person=request.auth)]


@router.post("/card", response={201: ContactFieldOut, **ERRORS}, summary="Add a card field")
def add_field(request, payload: ContactFieldIn):
    field = actions.contact_field_add(person=request.auth, **payload.model_dump())
    return Status(201, field_dict(field))


@router.put(
    "/card/order", response={200: list[ContactFieldOut], **ERRORS}, summary="Reorder my card"
)
def reorder_fields(request, payload: FieldOrderIn):
    # An id that cannot be one names no field: -1 makes the action refuse the list.
    ids = [parse_id(i) or -1 for i in payload.field_ids]
    fields = actions.contact_fields_reorder(person=request.auth, field_ids=ids)
    return [field_dict(f) for f in fields]


def _own_field(request, field_id: str) -> ContactField:
    return access_own_field(request.auth, field_id)


@router.get(
    "/card/{field_id}", response={200: ContactFieldOut, **ERRORS}, summary="Get a card field"
)
def get_field(request, field_id: str):
    return field_dict(_own_field(request, field_id))


@router.patch(
    "/card/{field_id}", response={200: ContactFieldOut, **ERRORS}, summary="Change a card field"
)
def patch_field(request, field_id: str, payload: ContactFieldPatch):
    field = actions.contact_field_update(
        field=_own_field(request, field_id), **payload.model_dump()
    )
    return field_dict(field)


@router.delete("/card/{field_id}", response={204: None, **ERRORS}, summary="Remove a card field")
def delete_field(request, field_id: str):
    actions.contact_field_remove(field=_own_field(request, field_id))
    return Status(204, None)


@router.get("/tokens", response={200: list[TokenOut], **ERRORS}, summary="List my access tokens")
def list_tokens(request):
    return [token_dict(t) for t in AccessToken.objects.filter(person=request.auth)]


@router.delete(
    "/tokens/{token_id}", response={204: None, **ERRORS}, summary="Revoke an access token"
)
def revoke_token(request, token_id: str):
    token = AccessToken.objects.filter(person=request.auth, pk=parse_id(token_id) or -1).first()
    if token is None:
        raise Http404("No such token.")
    actions.access_token_revoke(token=token)
    return Status(204, None)
