"""Registering Mastodon apps as OAuth clients, and their Application entity."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import Application

from kith.mastodon import entities
from kith.mastodon import scopes as scope_rules
from kith.mastodon.models import ClientApp

OOB = "urn:ietf:wg:oauth:2.0:oob"
# Schemes a redirect may never use: they run code or read files in the browser.
FORBIDDEN_SCHEMES = frozenset({"javascript", "data", "vbscript", "file", "about", "blob"})
NAME_MAX = 60
URI_MAX = 2000


def check_redirect_uri(uri: str) -> str:
    """Return `uri` if an app may be sent back to it; raise ValidationError if not."""
    uri = uri.strip()
    if uri == OOB:
        return uri
    if len(uri) > URI_MAX:
        raise ValidationError({"redirect_uris": [f"At most {URI_MAX} characters each."]})
    try:
        parts = urlsplit(uri)
    except ValueError:
        parts = None
    if (
        parts is None
        or not parts.scheme
        or not (parts.netloc or parts.path)
        or any(c.isspace() for c in uri)
    ):
        raise ValidationError({"redirect_uris": ["must be an absolute URI."]})
    if parts.scheme.lower() in FORBIDDEN_SCHEMES:
        raise ValidationError({"redirect_uris": [f"may not use the {parts.scheme}: scheme."]})
    if parts.fragment or "#" in uri:
        raise ValidationError({"redirect_uris": ["cannot contain a fragment."]})
    if "@" in parts.netloc:
        raise ValidationError({"redirect_uris": ["cannot contain credentials."]})
    return uri


def client_app_create(
    *, name: str, redirect_uris: list[str], scopes: str | None, website: str | None
) -> tuple[Application, str]:
    """Register a Mastodon app; return it and its client secret (shown only now: stored hashed)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"client_name": ["can't be blank"]})
    if len(name) > NAME_MAX:
        raise ValidationError({"client_name": [f"is too long (maximum is {NAME_MAX} characters)"]})
    uris = [check_redirect_uri(uri) for uri in redirect_uris if uri.strip()]
    if not uris:
        raise ValidationError({"redirect_uris": ["can't be blank"]})
    names = scope_rules.parse(scopes) or list(scope_rules.DEFAULT_SCOPES)
    unknown = scope_rules.unknown(names)
    if unknown:
        raise ValidationError({"scopes": [f"unknown: {' '.join(unknown)}"]})
    website = (website or "").strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            raise ValidationError({"website": ["must be an http(s) URL"]}) from None
        if len(website) > URI_MAX:
            raise ValidationError({"website": [f"At most {URI_MAX} characters."]})
    secret = generate_client_secret()
    with transaction.atomic():
        application = Application.objects.create(
            client_id=generate_client_id(),
            client_secret=secret,
            name=name,
            redirect_uris=" ".join(dict.fromkeys(uris)),
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        )
        ClientApp.objects.create(application=application, scopes=" ".join(names), website=website)
    return application, secret


def application_entity(
    application: Application, *, secret: str | None = None, credentials: bool = False
) -> dict:
    """Return the Application entity of a registered app. `credentials`: with client_id (and
    the secret, known only at registration); verify_credentials answers without them."""
    try:
        info = application.mastodon
        scopes, website = scope_rules.parse(info.scopes), info.website or None
    except ClientApp.DoesNotExist:
        scopes, website = list(scope_rules.DEFAULT_SCOPES), None
    return entities.application(
        app_id=application.pk,
        name=application.name,
        website=website,
        scopes=scopes,
        redirect_uris=application.redirect_uris.split(),
        client_id=application.client_id if credentials else None,
        client_secret=secret if credentials else None,
    )
