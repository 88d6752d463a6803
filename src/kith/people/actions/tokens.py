"""Personal access tokens for the API."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone

from kith.people.models import (
    AccessToken,
    Person,
)

TOKEN_PREFIX = "kith_"

# --- Access tokens ----------------------------------------------------------------------------


def token_digest(plaintext: str) -> str:
    """Return the stored digest of a token (tokens are random, so a plain hash suffices)."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def access_token_create(*, person: Person, name: str) -> tuple[AccessToken, str]:
    """Create a personal access token; return it and its plaintext, which is shown only once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["Give the token a name, to recognise it later."]})
    if len(name) > 60:
        raise ValidationError({"name": ["At most 60 characters."]})
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        person=person, name=name, digest=token_digest(plaintext), prefix=plaintext[:12]
    )
    return token, plaintext


def access_token_revoke(*, token: AccessToken) -> None:
    """Revoke a token: it stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def access_token_authenticate(plaintext: str) -> Person | None:
    """Return the person a live token belongs to, noting its use at most once a minute."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    token = (
        AccessToken.objects.select_related("person")
        .filter(digest=token_digest(plaintext), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person
