"""The WSGI application: Django's handler, and a shorter middleware chain for API requests
that carry a Bearer token.

An API request with `Authorization: Bearer …` is authenticated by its token alone
(`api.auth.KithAuth`, `mastodon.auth`): it reads no session, so it needs neither the session,
authentication, CSRF, messages nor htmx middleware, and never asks for a static file. Those
cost a tenth of a hot API request (the home feed) for nothing, so such requests go through a
second handler whose chain is `settings.MIDDLEWARE` without `SKIPPED_FOR_TOKENS`; every other
middleware (security headers, host checks, CORS, rate limits) runs as for any request. On
that chain `request.user` is the anonymous user: whoever the token names is `request.auth`.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

SKIPPED_FOR_TOKENS = frozenset(
    {
        "whitenoise.middleware.WhiteNoiseMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django_htmx.middleware.HtmxMiddleware",
    }
)
TOKEN_PATHS = ("/api/",)


def is_token_request(environ) -> bool:
    """Whether a WSGI request is an API call with a Bearer token (any case of "Bearer")."""
    return environ.get("PATH_INFO", "").startswith(TOKEN_PATHS) and (
        environ.get("HTTP_AUTHORIZATION", "")[:7].lower() == "bearer "
    )


class TokenRequestMiddleware:
    """On the token chain, stands for the authentication middleware: nobody is signed in
    by a session there."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth.models import AnonymousUser

        request.user = AnonymousUser()
        return self.get_response(request)


def token_middleware() -> list[str]:
    return [name for name in settings.MIDDLEWARE if name not in SKIPPED_FOR_TOKENS] + [
        f"{__name__}.TokenRequestMiddleware"
    ]


class TokenHandler(WSGIHandler):
    """Django's WSGI handler with the middleware of `token_middleware()`."""

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE: show it the shorter list while it
        # does (once, when the application is made, before any request).
        with _middleware(token_middleware()):
            super().load_middleware(is_async)


@contextlib.contextmanager
def _middleware(names: list[str]):
    full = settings.MIDDLEWARE
    settings.MIDDLEWARE = names
    try:
        yield
    finally:
        settings.MIDDLEWARE = full


class Application:
    """The WSGI callable: token API requests to `TokenHandler`, the rest to Django's."""

    def __init__(self) -> None:
        self.full = WSGIHandler()
        self.token = TokenHandler()

    def __call__(self, environ, start_response):
        handler = self.token if is_token_request(environ) else self.full
        return handler(environ, start_response)


def get_wsgi_application() -> Application:
    """As `django.core.wsgi.get_wsgi_application`, with the token chain."""
    import django

    django.setup(set_prefix=False)
    return Application()
