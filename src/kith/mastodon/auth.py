"""Who is calling the Mastodon API, and with which scopes: one indexed query per request.

    @router.get("/timelines/home", auth=mastodon_auth("read:statuses"))
    def home(request): person = request.auth              # a Person

    @router.get("/timelines/public", auth=mastodon_auth("read:statuses", optional=True))
    def public(request): viewer = request.auth            # a Person or AnonymousUser

    @router.get("/apps/verify_credentials", auth=mastodon_auth(user=False))
    def app(request): request.mastodon_token.application_id

`mastodon_auth(*scopes)` reads the Bearer token, looks it up by its SHA-256 checksum
(django-oauth-toolkit stores only that) together with its person in one prepared query
(`core.prepared`), and answers:
- no token: 401 (or an anonymous reader with `optional=True`);
- an unknown, revoked or expired token: 401 "The access token is invalid" / "… expired";
- a token without any of the `scopes` named (each also granted by its parent: `read`
  grants `read:statuses`): 403 "This action is outside the authorized scopes";
- an app token (client_credentials, no person) where a person is needed: 422
  "This method requires an authenticated user" (Mastodon's answer);
- a person who is no longer active: 403 "Your login is currently disabled";
- a person who has not confirmed their email address yet (a token from
  `POST /api/v1/accounts`): 403 "Your login is missing a confirmed e-mail address" wherever
  a person is needed, as Mastodon's `require_user!`; public reads (`optional=True`) answer.
Kith's own personal access tokens (`kith_…`) are accepted too, with the scopes
`read write follow push profile`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from ninja.security import HttpBearer
from oauth2_provider.models import AccessToken

from kith.core.prepared import Prepared, instance
from kith.mastodon import scopes as scope_rules
from kith.mastodon.errors import MastodonError
from kith.people.actions.tokens import TOKEN_PREFIX, access_token_authenticate
from kith.people.models import Person

PERSONAL_TOKEN_SCOPES = frozenset({"read", "write", "follow", "push", "profile"})
INVALID = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
UNCONFIRMED = "Your login is missing a confirmed e-mail address"


@dataclass(frozen=True, slots=True)
class MastodonToken:
    """The token a request came with (`request.mastodon_token`)."""

    id: int | None  # None for a Kith personal access token
    scopes: frozenset[str]
    application_id: int | None
    person: Person | None  # None for an app token (client_credentials)

    def allows(self, scope: str) -> bool:
        return scope_rules.grants(self.scopes, scope)


_PERSON_FIELDS = tuple(f.attname for f in Person._meta.concrete_fields)
_CHECKSUM_SLOT = "kith-prepared-oauth-checksum"


def _token_query(p):
    # The checksum is a string: compiled with a marker value, replaced when run.
    return (
        AccessToken.objects.filter(token_checksum=_CHECKSUM_SLOT)
        .values_list(
            "id", "expires", "scope", "application_id", *(f"user__{f}" for f in _PERSON_FIELDS)
        )
        .order_by()[:1]
    )


_TOKEN = Prepared(_token_query, strings={"checksum": _CHECKSUM_SLOT})


def token_from_header(request) -> str | None:
    """Return the Bearer token of the request, or None (an empty one counts as given)."""
    header = request.META.get("HTTP_AUTHORIZATION")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return ""
    return token.strip()


def lookup_token(plaintext: str) -> MastodonToken:
    """Return the live token `plaintext` names; raise MastodonError(401) if there is none."""
    if not plaintext or len(plaintext) > 512:
        raise MastodonError(401, "The access token is invalid", headers=INVALID)
    if plaintext.startswith(TOKEN_PREFIX):
        person = access_token_authenticate(plaintext)
        if person is None:
            raise MastodonError(401, "The access token is invalid", headers=INVALID)
        return MastodonToken(None, PERSONAL_TOKEN_SCOPES, None, person)
    checksum = hashlib.sha256(plaintext.encode()).hexdigest()
    rows = _TOKEN.rows(checksum=checksum)
    if not rows:
        raise MastodonError(401, "The access token is invalid", headers=INVALID)
    token_id, expires, scope, application_id, *person_values = rows[0]
    if expires is None or expires <= timezone.now():
        raise MastodonError(401, "The access token expired", headers=INVALID)
    person = None
    if person_values[0] is not None:
        person = instance(Person, _PERSON_FIELDS, person_values)
    return MastodonToken(token_id, frozenset(scope.split()), application_id, person)


class MastodonAuth(HttpBearer):
    """A ninja auth callable for Mastodon routes; see the module docstring."""

    def __init__(self, *scopes: str, optional: bool = False, user: bool = True) -> None:
        super().__init__()
        unknown = scope_rules.unknown(scopes)
        if unknown:
            raise ValueError(f"unknown scopes: {unknown}")
        self.scopes = scopes
        self.optional = optional
        self.user = user

    def __call__(self, request):
        plaintext = token_from_header(request)
        if plaintext is None:
            if self.optional:
                request.mastodon_token = None
                return AnonymousUser()
            raise MastodonError(401, "The access token is invalid", headers=INVALID)
        token = lookup_token(plaintext)
        request.mastodon_token = token
        if self.scopes and not any(token.allows(scope) for scope in self.scopes):
            raise MastodonError(403, "This action is outside the authorized scopes")
        if token.person is None:
            if self.user and not self.optional:
                raise MastodonError(422, "This method requires an authenticated user")
            return AnonymousUser() if self.user else token
        if not token.person.is_active:
            raise MastodonError(403, "Your login is currently disabled")
        if token.person.email_confirmed_at is None and not self.optional:
            raise MastodonError(403, UNCONFIRMED)
        return token.person if self.user else token

    def authenticate(self, request, token):  # required by HttpBearer; __call__ does the work
        return lookup_token(token)


def mastodon_auth(*scopes: str, optional: bool = False, user: bool = True) -> MastodonAuth:
    """Return the auth for a route needing any one of `scopes` (granular or not).

    `optional`: anonymous readers get through (request.auth is AnonymousUser).
    `user=False`: an app token is enough; request.auth is the MastodonToken."""
    return MastodonAuth(*scopes, optional=optional, user=user)
