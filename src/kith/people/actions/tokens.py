"""Personal access tokens for the API."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone

from kith.core.prepared import Prepared, instance
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


_PERSON_FIELDS = tuple(f.attname for f in Person._meta.concrete_fields)
_DIGEST_SLOT = "kith-prepared-digest"


def _token_query(p):
    # The digest is a string: compiled with a marker value, replaced when run (`rows`).
    return (
        AccessToken.objects.filter(
            digest=_DIGEST_SLOT, revoked_at__isnull=True, person__is_active=True
        )
        .values_list("id", "last_used_at", *(f"person__{f}" for f in _PERSON_FIELDS))
        .order_by()[:1]
    )


_TOKEN = None


def access_token_authenticate(plaintext: str) -> Person | None:
    """Return the person a live token belongs to, noting its use at most once a minute.

    One prepared query (`core.prepared`: every API request runs it)."""
    global _TOKEN
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    if _TOKEN is None:
        _TOKEN = Prepared(_token_query, strings={"digest": _DIGEST_SLOT})
    rows = _TOKEN.rows(digest=token_digest(plaintext))
    if not rows:
        return None
    token_id, last_used_at, *person = rows[0]
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token_id).update(last_used_at=now)
    return instance(Person, _PERSON_FIELDS, person)
