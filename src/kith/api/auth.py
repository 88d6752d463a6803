"""API authentication: a personal access token (Bearer), or the browser session with CSRF."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer
from ninja.utils import check_csrf

from kith.people.actions import access_token_authenticate

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class InvalidToken(AuthenticationError):
    """The request carried an Authorization header that names no live token."""


class KithAuth(HttpBearer):
    """Authenticate by token or session; with `optional`, let anonymous readers through."""

    def __init__(self, *, optional: bool = False) -> None:
        super().__init__()
        self.optional = optional

    def __call__(self, request):
        header = request.headers.get("Authorization")
        if header:
            scheme, _, token = header.partition(" ")
            person = (
                access_token_authenticate(token.strip()) if scheme.lower() == "bearer" else None
            )
            if person is None:
                raise InvalidToken()
            return person
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if request.method not in SAFE_METHODS and check_csrf(request) is not None:
                raise HttpError(403, "CSRF check failed: send the X-CSRFToken header.")
            return user
        return AnonymousUser() if self.optional else None

    def authenticate(self, request, token):  # required by HttpBearer; __call__ does the work
        return access_token_authenticate(token)


required = KithAuth()
optional = KithAuth(optional=True)
