"""Schemathesis against the Mastodon API's own description (/api/mastodon/openapi.json).

Every operation is called with requests generated from its schema (valid and invalid
values, unknown ids, wrong types), signed with a real token of a person who has posts, a
list and media, through Kith's WSGI application (the token chain the servers run). No
answer may be a 5xx, and every 4xx must be Mastodon's error shape `{"error": "…"}`.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from kith.conversations import actions as posts
from kith.feeds.actions import person_list_create
from kith.wsgi import application
from tests.conftest import make_person
from tests.mastodon.oauth_helpers import user_token

# Enough to reach each operation's invalid and edge values: 113 operations took 228 s with
# -n 2 on this 2-core machine at load 9 (most of it the per-operation fixture).
EXAMPLES = 12


@pytest.fixture
def in_process(signed_in):
    """Keep the test's database connection open across the requests, as Django's test client
    does: the WSGI handler otherwise closes it (and the test's transaction) after each one.
    After `signed_in`, whose test-client requests connect the closing again when done."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded once when the module is collected (the description needs no database).
schema = schemathesis.openapi.from_wsgi("/api/mastodon/openapi.json", application)


@pytest.fixture
def signed_in(db) -> dict:
    """A person with something to act on: posts (one a question), a list, someone to follow."""
    person = make_person("sage")
    other = make_person("rowan")
    posts.post_publish(author=other, body="Hello #kith")
    question = posts.post_publish(author=other, body="What helps?", kind="question")
    posts.post_reply(author=person, to=question, body="Walking")
    person_list_create(owner=person, name="Friends")
    token = user_token(person, scope="read write follow push")
    return {"Authorization": f"Bearer {token}"}


def mastodon_error_shape(ctx, response, case) -> bool | None:
    """A 4xx answers `{"error": "<text>"}` (OAuth's own errors are outside this API)."""
    if 400 <= response.status_code < 500:
        content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type")
        assert "application/json" in str(content_type), (
            f"{case.method} {case.formatted_path} → {response.status_code} {response.text[:300]!r}"
        )
        body = response.json()
        assert isinstance(body, dict) and isinstance(body.get("error"), str), (
            f"{case.method} {case.formatted_path} → {response.status_code} {body!r}"
        )
        assert body["error"].strip()
    return None


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors_and_mastodon_error_shapes(case, signed_in, in_process):
    case.call_and_validate(headers=signed_in, checks=[not_a_server_error, mastodon_error_shape])
