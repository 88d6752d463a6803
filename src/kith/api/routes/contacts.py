"""Native API routes for contacts: the address book as .vcf, CardDAV set-up, app passwords."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import ConfigDict, Field

from kith.api import auth
from kith.api.schemas import ErrorOut
from kith.contacts import actions
from kith.contacts.access import access_app_password, app_passwords_of, carddav_account
from kith.contacts.export import address_book_vcf, vcf_filename
from kith.contacts.models import AppPassword
from kith.contacts.vcard import CONTENT_TYPE

router = Router(tags=["contacts"], auth=auth.required)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class AppPasswordOut(Schema):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class AppPasswordCreatedOut(AppPasswordOut):
    password: str = Field(description="The password itself: shown this once, never again.")


class AppPasswordIn(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=200, description="The device or app that will use it.")


class CardDavOut(Schema):
    server_url: str
    username: str
    address_book_url: str


def app_password_dict(app_password: AppPassword) -> dict:
    return {
        "id": str(app_password.pk),
        "name": app_password.name,
        "prefix": app_password.prefix,
        "created_at": app_password.created_at,
        "last_used_at": app_password.last_used_at,
        "revoked_at": app_password.revoked_at,
    }


@router.get(
    "/contacts.vcf",
    response={200: None, **ERRORS},
    summary="Download my connections' cards as vCard",
    openapi_extra={"responses": {200: {"description": "vCard 3.0", "content": {"text/vcard": {}}}}},
)
def download_vcf(request, photos: bool = False):
    """Every connection's card, showing only what they share with you, as one vCard 3.0 file.

    With `photos=true`, profile photos are embedded as JPEG.
    """
    response = HttpResponse(
        address_book_vcf(owner=request.auth, photos=photos), content_type=CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{vcf_filename(request.auth)}"'
    return response


@router.get(
    "/contacts/carddav", response={200: CardDavOut, **ERRORS}, summary="CardDAV account settings"
)
def get_carddav_account(request):
    """What a contacts app needs: the server URL and user name (the password is an app
    password)."""
    dav = carddav_account(request.auth)
    return {key: dav[key] for key in ("server_url", "username", "address_book_url")}


@router.get(
    "/contacts/app-passwords",
    response={200: list[AppPasswordOut], **ERRORS},
    summary="List my app passwords",
)
def list_app_passwords(request):
    return [app_password_dict(p) for p in app_passwords_of(request.auth)]


@router.post(
    "/contacts/app-passwords",
    response={201: AppPasswordCreatedOut, **ERRORS},
    summary="Create an app password",
)
def create_app_password(request, payload: AppPasswordIn):
    """Create a password for one device's contacts app. The response holds it; it is never
    shown again."""
    app_password, plaintext = actions.app_password_create(person=request.auth, name=payload.name)
    return Status(201, {**app_password_dict(app_password), "password": plaintext})


@router.delete(
    "/contacts/app-passwords/{app_password_id}",
    response={204: None, **ERRORS},
    summary="Revoke an app password",
)
def revoke_app_password(request, app_password_id: str):
    actions.app_password_revoke(app_password=access_app_password(request.auth, app_password_id))
    return Status(204, None)
