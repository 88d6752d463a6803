"""The WSGI application (`kith.core.handlers`): API requests with a Bearer token take a shorter
middleware chain and answer exactly what the full chain answers; everything else is unchanged."""

from __future__ import annotations

import io

import orjson
import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from kith.conversations import actions
from kith.core.handlers import (
    SKIPPED_FOR_TOKENS,
    Application,
    TokenHandler,
    is_token_request,
    token_middleware,
)


def _environ(path: str, query: str = "", **headers) -> dict:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.url_scheme": "http",
    }
    environ.update(headers)
    return environ


def _call(app, environ) -> tuple[int, dict, bytes]:
    """Call the WSGI application as a server does; like Django's test client, keep the test's
    database connection (a real request closes old connections when it starts and ends)."""
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        body = app(environ, start_response)
        try:
            content = b"".join(body)
        finally:
            body.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], content


@pytest.fixture
def app():
    return Application()


def test_only_api_requests_with_a_bearer_token_take_the_token_chain():
    assert is_token_request(_environ("/api/kith/v1/feed", HTTP_AUTHORIZATION="Bearer kith_x"))
    assert is_token_request(_environ("/api/v1/timelines/home", HTTP_AUTHORIZATION="bearer x"))
    assert not is_token_request(_environ("/api/kith/v1/feed"))
    assert not is_token_request(_environ("/api/kith/v1/feed", HTTP_AUTHORIZATION="Basic eA=="))
    assert not is_token_request(_environ("/", HTTP_AUTHORIZATION="Bearer kith_x"))


def test_the_token_chain_keeps_every_middleware_but_the_session_ones():
    chain = token_middleware()
    kept = [name for name in settings.MIDDLEWARE if name not in SKIPPED_FOR_TOKENS]
    assert chain[:-1] == kept
    assert "django.middleware.security.SecurityMiddleware" in chain
    assert "django.middleware.common.CommonMiddleware" in chain
    assert not set(chain) & SKIPPED_FOR_TOKENS
    # building the token handler leaves the settings as they were
    before = list(settings.MIDDLEWARE)
    TokenHandler()
    assert list(settings.MIDDLEWARE) == before


def test_the_feed_over_the_token_chain_equals_the_full_chain(
    app, client, alice, bob, fanned, token_for
):
    for i in range(3):
        fanned(actions.post_publish, author=alice, body=f"Post {i} #pots")
    token = token_for(bob)
    status, headers, body = _call(
        app, _environ("/api/kith/v1/feed", "limit=20", HTTP_AUTHORIZATION=f"Bearer {token}")
    )
    assert status == 200
    full = client.get("/api/kith/v1/feed?limit=20", headers={"Authorization": f"Bearer {token}"})
    assert orjson.loads(body) == orjson.loads(full.content)
    assert len(orjson.loads(body)) == 3
    # the security headers of every response are there
    assert headers["Content-Security-Policy"] == full.headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Set-Cookie" not in headers


def test_a_bad_token_is_refused_on_the_token_chain(app, bob):
    status, _, body = _call(
        app, _environ("/api/kith/v1/feed", HTTP_AUTHORIZATION="Bearer kith_not_a_token")
    )
    assert status == 401
    assert orjson.loads(body)["error"] == "invalid_token"


def test_an_unknown_host_is_refused_on_the_token_chain(app, bob, token_for):
    environ = _environ(
        "/api/kith/v1/feed", HTTP_AUTHORIZATION=f"Bearer {token_for(bob)}", HTTP_HOST="evil.example"
    )
    status, _, _ = _call(app, environ)
    assert status == 400


def test_a_session_still_works_without_a_token(app, client, bob):
    client.force_login(bob)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    status, _, body = _call(app, _environ("/api/kith/v1/feed", HTTP_COOKIE=cookie))
    assert status == 200
    assert orjson.loads(body) == []
    # and without either, the API asks for a token
    status, _, _ = _call(app, _environ("/api/kith/v1/feed"))
    assert status == 401
