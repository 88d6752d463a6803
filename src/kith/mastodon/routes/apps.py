"""Apps: POST /api/v1/apps (register a client), GET /api/v1/apps/verify_credentials."""

from __future__ import annotations

from ninja import Router, Schema
from oauth2_provider.models import Application

from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import MastodonError
from kith.mastodon.oauth.clients import application_entity, client_app_create
from kith.mastodon.parser import Params

router = Router(tags=["apps"])


class AppIn(Schema):
    client_name: str = ""
    redirect_uris: str | list[str] = ""
    scopes: str | list[str] | None = None
    website: str | None = None


@router.post("/apps")
def create_app(request, params: Params[AppIn]):
    """Register a client application (Mastodon's POST /api/v1/apps)."""
    uris = params.redirect_uris
    if isinstance(uris, str):
        uris = uris.split()
    application, secret = client_app_create(
        name=params.client_name,
        redirect_uris=uris,
        scopes=params.scopes,
        website=params.website,
    )
    return application_entity(application, secret=secret, credentials=True)


@router.get("/apps/verify_credentials", auth=mastodon_auth(user=False))
def verify_app(request):
    """Return the application the token belongs to."""
    application_id = request.mastodon_token.application_id
    application = (
        Application.objects.select_related("mastodon").filter(pk=application_id).first()
        if application_id is not None
        else None
    )
    if application is None:  # a Kith personal access token has no application
        raise MastodonError(401, "The access token is invalid")
    return application_entity(application)
