"""OAuth 2 the way Mastodon apps use it: register, authorize (oob or redirect, with or without
PKCE), exchange the code, refresh, revoke, client credentials, the password grant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application

from kith.mastodon.models import ClientApp
from tests.conftest import PASSWORD
from tests.mastodon.oauth_helpers import (
    CALLBACK,
    OOB,
    authorize,
    bearer,
    pkce_pair,
    register_app,
    token_for,
)
from tests.mastodon.schema import check


def whoami(token: str):
    return Client().get("/api/v1/apps/verify_credentials", **bearer(token))


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- POST /api/v1/apps ------------------------------------------------------------------------
def test_registering_an_app_returns_its_credentials_once(db):
    app = register_app(Client(), scopes="read write:media")
    assert app["name"] == "Test App"
    assert app["scopes"] == ["read", "write:media"]
    assert app["redirect_uris"] == [OOB]
    assert app["client_secret_expires_at"] == 0
    assert app["vapid_key"] == ""  # Kith sends no Web Push
    check("Application", app)
    stored = Application.objects.get(client_id=app["client_id"])
    assert stored.client_secret != app["client_secret"]  # kept hashed
    assert ClientApp.objects.get(application=stored).scopes == "read write:media"


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"client_name": "", "redirect_uris": OOB}, "client_name"),
        ({"client_name": "x" * 61, "redirect_uris": OOB}, "client_name"),
        ({"client_name": "A"}, "redirect_uris"),
        ({"client_name": "A", "redirect_uris": "javascript:alert(1)"}, "redirect_uris"),
        ({"client_name": "A", "redirect_uris": "https://a.example/cb#frag"}, "redirect_uris"),
        ({"client_name": "A", "redirect_uris": "not a uri"}, "redirect_uris"),
        ({"client_name": "A", "redirect_uris": OOB, "scopes": "read launch"}, "scopes"),
        ({"client_name": "A", "redirect_uris": OOB, "website": "ftp://x"}, "website"),
        ({"client_name": ["a", "b"], "redirect_uris": OOB}, "client_name"),
    ],
)
def test_bad_registrations_are_422_and_create_nothing(db, fields, fragment):
    response = Client().post("/api/v1/apps", fields, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert list(body) == ["error"]
    assert body["error"].startswith("Validation failed")
    assert fragment in body["error"]
    assert not Application.objects.exists()


# --- authorize + token --------------------------------------------------------------------------
def test_oob_flow_gives_a_token_bound_to_the_person(alice):
    client = signed_in(alice)
    app = register_app(Client())
    code = authorize(client, app, scope="read write")
    assert code
    token = token_for(client, app, code)
    check("Token", token)
    assert token["token_type"] == "Bearer"
    assert token["scope"] == "read write"
    assert isinstance(token["created_at"], int)
    assert token["refresh_token"]
    stored = AccessToken.objects.get()
    assert stored.user_id == alice.pk
    assert stored.token == ""  # only the checksum is kept
    response = whoami(token["access_token"])
    assert response.status_code == 200
    assert check("Application", response.json())["name"] == "Test App"
    assert "client_secret" not in response.json()


def test_redirect_flow_with_pkce_s256(alice):
    client = signed_in(alice)
    app = register_app(Client(), uris=CALLBACK)
    verifier, challenge = pkce_pair()
    code = authorize(client, app, redirect_uri=CALLBACK, challenge=challenge)
    wrong = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": CALLBACK,
            "code_verifier": "not-the-verifier-" + "x" * 40,
        },
    )
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"
    # the failed attempt used up the code (as RFC 6749 wants), so authorize again
    code = authorize(client, app, redirect_uri=CALLBACK, challenge=challenge)
    token = token_for(client, app, code, redirect_uri=CALLBACK, code_verifier=verifier)
    assert whoami(token["access_token"]).status_code == 200


def test_pkce_plain_is_refused(alice):
    client = signed_in(alice)
    app = register_app(Client(), uris=CALLBACK)
    page = client.get(
        "/oauth/authorize",
        {
            "client_id": app["client_id"],
            "response_type": "code",
            "redirect_uri": CALLBACK,
            "code_challenge": "a" * 43,
            "code_challenge_method": "plain",
        },
    )
    assert page.status_code == 400
    assert "S256" in page.content.decode()


def test_app_redirect_with_its_own_scheme(alice):
    client = signed_in(alice)
    app = register_app(Client(), uris="ivory-test://oauth")
    code = authorize(client, app, redirect_uri="ivory-test://oauth")
    assert code


def test_authorize_asks_anonymous_visitors_to_log_in_first(db):
    app = register_app(Client())
    response = Client().get(
        "/oauth/authorize",
        {"client_id": app["client_id"], "response_type": "code", "redirect_uri": OOB},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/oauth/authorize")


def test_consent_page_names_the_app_and_the_scopes(alice):
    app = register_app(Client(), uris=CALLBACK)
    page = signed_in(alice).get(
        "/oauth/authorize",
        {
            "client_id": app["client_id"],
            "response_type": "code",
            "redirect_uri": CALLBACK,
            "scope": "read write:media",
        },
    )
    html = page.content.decode()
    assert "Test App" in html and "@alice" in html
    assert "write:media" in html
    # the consent form's answer may redirect to the app (CSP form-action allows its origin)
    assert "form-action 'self' https://app.example" in page["Content-Security-Policy"]


def test_denying_returns_access_denied_to_the_app(alice):
    client = signed_in(alice)
    app = register_app(Client(), uris=CALLBACK)
    code = authorize(client, app, redirect_uri=CALLBACK, allow=False)
    assert code == ""
    assert not AccessToken.objects.exists()


def test_denying_an_oob_request_says_so(alice):
    client = signed_in(alice)
    app = register_app(Client())
    page = client.get(
        "/oauth/authorize",
        {"client_id": app["client_id"], "response_type": "code", "redirect_uri": OOB},
    )
    data = {
        name: page.context["form"].initial.get(name) or "" for name in page.context["form"].fields
    }
    data.pop("allow")
    answer = client.post("/oauth/authorize", data)
    assert answer.status_code == 200
    assert "Access denied" in answer.content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"client_id": "nope", "response_type": "code", "redirect_uri": OOB}, 400),
        ({"response_type": "code", "redirect_uri": OOB}, 400),
    ],
)
def test_authorize_with_an_unknown_client_shows_an_error_page(alice, query, status):
    page = signed_in(alice).get("/oauth/authorize", query)
    assert page.status_code == status
    assert "cannot sign you in" in page.content.decode()


def test_unregistered_redirect_uri_is_refused(alice):
    app = register_app(Client(), uris=CALLBACK)
    page = signed_in(alice).get(
        "/oauth/authorize",
        {
            "client_id": app["client_id"],
            "response_type": "code",
            "redirect_uri": "https://evil.example/cb",
        },
    )
    assert page.status_code == 400


def test_scopes_beyond_the_registration_are_refused(alice):
    client = signed_in(alice)
    app = register_app(Client(), scopes="read")
    page = client.get(
        "/oauth/authorize",
        {
            "client_id": app["client_id"],
            "response_type": "code",
            "redirect_uri": OOB,
            "scope": "read write",
        },
    )
    assert page.status_code == 200
    assert "invalid_scope" in page.content.decode()
    # a narrower granular scope of a registered one is fine
    assert authorize(client, app, scope="read:statuses")


@pytest.mark.parametrize("value", ["true", "True", "1"])
def test_force_login_signs_out_first(alice, value):
    client = signed_in(alice)
    app = register_app(Client())
    response = client.get(
        "/oauth/authorize",
        {
            "client_id": app["client_id"],
            "response_type": "code",
            "redirect_uri": OOB,
            "force_login": value,
        },
    )
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith("/login/")


def test_force_login_false_keeps_you_signed_in(alice):
    client = signed_in(alice)
    app = register_app(Client())
    query = {"client_id": app["client_id"], "response_type": "code", "redirect_uri": OOB}
    response = client.get("/oauth/authorize", {**query, "force_login": "False"})
    assert response.status_code == 200 and response.context["user"] == alice


def test_a_code_works_once_and_for_its_app_only(alice):
    client = signed_in(alice)
    app = register_app(Client())
    other = register_app(Client())
    code = authorize(client, app)
    stolen = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": other["client_id"],
            "client_secret": other["client_secret"],
            "redirect_uri": OOB,
        },
    )
    assert stolen.status_code == 400
    token_for(client, app, code)
    again = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": OOB,
        },
    )
    assert again.status_code == 400
    assert set(again.json()) >= {"error"}


def test_wrong_client_secret_is_invalid_client(alice):
    client = signed_in(alice)
    app = register_app(Client())
    code = authorize(client, app)
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": "wrong",
            "redirect_uri": OOB,
        },
    )
    assert response.status_code == 401
    assert check("Error", response.json())["error"] == "invalid_client"
    assert "error_description" in response.json()


def test_token_request_in_json(alice):
    client = signed_in(alice)
    app = register_app(Client())
    code = authorize(client, app)
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "redirect_uri": OOB,
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert whoami(response.json()["access_token"]).status_code == 200


# --- refresh, revoke, expiry --------------------------------------------------------------------
def test_refresh_gives_a_new_token_and_retires_the_old(alice):
    client = signed_in(alice)
    app = register_app(Client())
    first = token_for(client, app, authorize(client, app))
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": first["refresh_token"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert response.status_code == 200, response.content
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert whoami(second["access_token"]).status_code == 200
    assert whoami(first["access_token"]).status_code == 401


def test_revoke_ends_the_token_at_once(alice):
    client = signed_in(alice)
    app = register_app(Client())
    token = token_for(client, app, authorize(client, app))
    assert whoami(token["access_token"]).status_code == 200
    response = Client().post(
        "/oauth/revoke",
        {
            "token": token["access_token"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert response.status_code == 200
    assert response.json() == {}
    gone = whoami(token["access_token"])
    assert gone.status_code == 401
    assert gone.json() == {"error": "The access token is invalid"}


def test_revoke_by_another_app_does_nothing(alice):
    client = signed_in(alice)
    app = register_app(Client())
    other = register_app(Client())
    token = token_for(client, app, authorize(client, app))
    Client().post(
        "/oauth/revoke",
        {
            "token": token["access_token"],
            "client_id": other["client_id"],
            "client_secret": other["client_secret"],
        },
    )
    assert whoami(token["access_token"]).status_code == 200


def test_expired_token_is_401(alice):
    client = signed_in(alice)
    app = register_app(Client())
    token = token_for(client, app, authorize(client, app))
    AccessToken.objects.update(expires=timezone.now() - dt.timedelta(seconds=1))
    response = whoami(token["access_token"])
    assert response.status_code == 401
    assert response.json() == {"error": "The access token expired"}


# --- client credentials and password grants -----------------------------------------------------
def test_client_credentials_token_identifies_the_app_not_a_person(db):
    app = register_app(Client())
    response = Client().post(
        "/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read",
        },
    )
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    assert AccessToken.objects.get().user_id is None
    assert whoami(token).status_code == 200
    # an endpoint that needs a person answers as Mastodon does
    needs_person = Client().get("/api/v1/endorsements", **bearer(token))
    assert needs_person.status_code == 422
    assert needs_person.json() == {"error": "This method requires an authenticated user"}


def _password_grant(app, username="alice", password=PASSWORD):
    return Client().post(
        "/oauth/token",
        {
            "grant_type": "password",
            "username": username,
            "password": password,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
            "scope": "read",
        },
    )


def test_password_grant_is_off_by_default(alice):
    app = register_app(Client())
    response = _password_grant(app)
    assert response.status_code in (400, 401)
    assert response.json()["error"] == "unauthorized_client"
    assert not AccessToken.objects.exists()


def test_password_grant_when_the_setting_allows_it(alice, settings):
    settings.KITH_OAUTH_PASSWORD_GRANT = True
    app = register_app(Client())
    response = _password_grant(app)
    assert response.status_code == 200, response.content
    token = response.json()["access_token"]
    assert AccessToken.objects.get().user_id == alice.pk
    assert Client().get("/api/v1/announcements", **bearer(token)).status_code == 200
    wrong = _password_grant(app, password="wrong password")
    assert wrong.status_code == 400
    assert wrong.json()["error"] == "invalid_grant"


def test_password_grant_counts_failed_logins(alice, settings):
    settings.KITH_OAUTH_PASSWORD_GRANT = True
    settings.KITH_LOGIN_ATTEMPTS = 2
    app = register_app(Client())
    for _ in range(2):
        assert _password_grant(app, password="wrong password").status_code == 400
    # past the limit even the right password is refused until the window ends
    assert _password_grant(app).status_code == 400


# --- discovery ----------------------------------------------------------------------------------
def test_authorization_server_metadata(db, settings):
    response = Client().get("/.well-known/oauth-authorization-server")
    meta = response.json()
    assert meta["authorization_endpoint"] == "http://testserver/oauth/authorize"
    assert meta["token_endpoint"] == "http://testserver/oauth/token"
    assert meta["revocation_endpoint"] == "http://testserver/oauth/revoke"
    assert meta["app_registration_endpoint"] == "http://testserver/api/v1/apps"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert "read:statuses" in meta["scopes_supported"]
    assert "password" not in meta["grant_types_supported"]
    settings.KITH_OAUTH_PASSWORD_GRANT = True
    meta = Client().get("/.well-known/oauth-authorization-server").json()
    assert "password" in meta["grant_types_supported"]


@pytest.mark.parametrize("content_type", ["form", "json"])
def test_nul_in_token_requests_is_an_oauth_error(db, content_type):
    app = register_app(Client())
    data = {
        "grant_type": "client_credentials",
        "client_id": app["client_id"] + "\x00",
        "client_secret": app["client_secret"],
    }
    if content_type == "json":
        response = Client().post("/oauth/token", data, content_type="application/json")
    else:
        response = Client().post("/oauth/token", data)
    assert response.status_code in (400, 401)
    assert {"error", "error_description"} <= set(response.json())
    assert not AccessToken.objects.exists()


def test_nul_in_authorize_is_refused(alice):
    response = signed_in(alice).get("/oauth/authorize", {"client_id": "x\x00"})
    assert response.status_code == 400
