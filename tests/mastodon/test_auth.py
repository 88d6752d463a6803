"""Tokens and scopes on the Mastodon API: one query per request, 401 without a live token,
403 outside the approved scopes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kith.mastodon import scopes
from kith.mastodon.auth import MastodonAuth, lookup_token, mastodon_auth
from kith.mastodon.errors import MastodonError
from kith.people.actions import access_token_create
from kith.people.actions.tokens import access_token_revoke
from tests.mastodon.oauth_helpers import bearer, user_token
from tests.mastodon.schema import check


@pytest.mark.parametrize(
    ("held", "wanted", "allowed"),
    [
        ({"read"}, "read:statuses", True),
        ({"read"}, "read:accounts", True),
        ({"read"}, "write:statuses", False),
        ({"write"}, "write:media", True),
        ({"write"}, "read:statuses", False),
        ({"read:statuses"}, "read:statuses", True),
        ({"read:statuses"}, "read:accounts", False),
        ({"read:statuses"}, "read", False),
        ({"follow"}, "read:follows", True),
        ({"follow"}, "write:blocks", True),
        ({"follow"}, "read:mutes", True),
        ({"follow"}, "read:statuses", False),
        ({"follow"}, "write:statuses", False),
        ({"profile"}, "profile", True),
        ({"profile"}, "read:accounts", False),
        ({"push"}, "push", True),
        ({"admin:read"}, "admin:read:accounts", True),
        ({"admin:read"}, "admin:write:accounts", False),
        ({"read"}, "admin:read:accounts", False),
        (set(), "read", False),
    ],
)
def test_scope_grants(held, wanted, allowed):
    assert scopes.grants(held, wanted) is allowed


@pytest.mark.parametrize(
    ("registered", "asked", "covered"),
    [
        ({"read", "write"}, ["read:statuses", "write"], True),
        ({"read"}, ["read", "write"], False),
        ({"read:statuses"}, ["read"], False),
        ({"read", "write"}, ["follow"], True),  # follow's six scopes are all covered
        ({"read"}, ["follow"], False),
        ({"admin:read"}, ["admin:read:reports"], True),
    ],
)
def test_what_an_app_may_ask_for(registered, asked, covered):
    assert scopes.covers(registered, asked) is covered


def test_scope_strings_with_pluses_and_repeats():
    assert scopes.parse("read+write read") == ["read", "write"]
    assert scopes.unknown(["read", "launch:missiles"]) == ["launch:missiles"]


def test_an_auth_naming_an_unknown_scope_is_a_programming_error():
    with pytest.raises(ValueError):
        MastodonAuth("read:everything")


def test_token_lookup_is_one_query(alice):
    token = user_token(alice, scope="read")
    lookup_token(token)  # compiled once per process
    with CaptureQueriesContext(connection) as queries:
        found = lookup_token(token)
    assert len(queries) == 1
    assert found.person.pk == alice.pk
    assert found.person.handle == "alice"
    assert found.scopes == frozenset({"read"})


def test_endpoint_with_a_token_runs_one_query_for_auth(alice):
    token = user_token(alice, scope="read")
    client = Client()
    client.get("/api/v1/endorsements", **bearer(token))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/endorsements", **bearer(token))
    assert response.status_code == 200
    assert len(queries) == 1


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "The access token is invalid"),
        ("Bearer ", "The access token is invalid"),
        ("Bearer not-a-token", "The access token is invalid"),
        ("Basic YWxpY2U6cHc=", "The access token is invalid"),
        ("Bearer " + "x" * 600, "The access token is invalid"),
    ],
)
def test_missing_or_unknown_token_is_401(db, header, message):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = Client().get("/api/v1/endorsements", **extra)
    assert response.status_code == 401
    assert check("Error", response.json()) == {"error": message}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_insufficient_scope_is_403(alice):
    token = user_token(alice, scope="read:statuses")
    response = Client().get("/api/v1/endorsements", **bearer(token))  # needs read:accounts
    assert response.status_code == 403
    assert response.json() == {"error": "This action is outside the authorized scopes"}
    assert Client().get("/api/v1/announcements", **bearer(token)).status_code == 403


def test_granular_and_parent_scopes_both_open_the_endpoint(alice):
    for scope in ("read", "read:accounts"):
        token = user_token(alice, scope=scope)
        assert Client().get("/api/v1/endorsements", **bearer(token)).status_code == 200


def test_deactivated_person_is_403(alice):
    token = user_token(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    response = Client().get("/api/v1/endorsements", **bearer(token))
    assert response.status_code == 403
    assert response.json() == {"error": "Your login is currently disabled"}


def test_personal_access_tokens_work_until_revoked(alice):
    token, plaintext = access_token_create(person=alice, name="bot")
    assert Client().get("/api/v1/endorsements", **bearer(plaintext)).status_code == 200
    access_token_revoke(token=token)
    assert Client().get("/api/v1/endorsements", **bearer(plaintext)).status_code == 401


def test_optional_auth_lets_anonymous_readers_through_but_not_bad_tokens(db, rf):
    auth = mastodon_auth("read:statuses", optional=True)
    assert not auth(rf.get("/")).is_authenticated
    with pytest.raises(MastodonError) as raised:
        auth(rf.get("/", HTTP_AUTHORIZATION="Bearer nope"))
    assert raised.value.status == 401


def test_auth_object_answers_for_the_request(alice, rf):
    token = user_token(alice, scope="write")
    request = rf.get("/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert mastodon_auth("write:statuses")(request).pk == alice.pk
    assert request.mastodon_token.allows("write:media")
    with pytest.raises(MastodonError) as raised:
        mastodon_auth("read:statuses")(request)
    assert raised.value.status == 403


def test_an_unconfirmed_account_is_403_where_a_person_is_needed(db, rf):
    """A token of an account whose email address is not confirmed yet (the one
    POST /api/v1/accounts answers) gets Mastodon's 403 until it is; public reads answer."""
    from kith.people.actions.accounts import confirmation_token, person_confirm_email
    from tests.conftest import make_person

    newbie = make_person("newbie", confirmed=False)
    token = user_token(newbie, scope="read write")
    unconfirmed = {"error": "Your login is missing a confirmed e-mail address"}
    for method, path in [
        ("get", "/api/v1/accounts/verify_credentials"),
        ("get", "/api/v1/timelines/home"),
        ("post", "/api/v1/statuses"),
    ]:
        response = getattr(Client(), method)(path, {"status": "hello"}, **bearer(token))
        assert (response.status_code, response.json()) == (403, unconfirmed), path
    assert Client().get("/api/v1/timelines/public", **bearer(token)).status_code == 200
    person_confirm_email(token=confirmation_token(newbie))
    answer = Client().get("/api/v1/accounts/verify_credentials", **bearer(token))
    assert answer.status_code == 200 and answer.json()["id"] == str(newbie.pk)


@pytest.mark.django_db(transaction=True)
def test_an_unconfirmed_account_cannot_open_a_stream():
    """Streaming closes stale connections around its look-up: a transactional test."""
    from kith.mastodon.streaming import StreamError, authenticate
    from kith.people.actions.accounts import confirmation_token, person_confirm_email
    from tests.conftest import make_person

    newbie = make_person("newbie", confirmed=False)
    token = user_token(newbie, scope="read")
    with pytest.raises(StreamError) as refused:
        authenticate(token)
    assert (refused.value.status, refused.value.message) == (
        403,
        "Your login is missing a confirmed e-mail address",
    )
    person_confirm_email(token=confirmation_token(newbie))
    assert authenticate(token).person_id == newbie.pk
