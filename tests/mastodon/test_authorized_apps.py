"""Settings → Apps: the Mastodon apps a person let in, and taking their access back."""

from __future__ import annotations

from django.test import Client
from oauth2_provider.models import AccessToken, RefreshToken

from kith.mastodon.oauth.authorizations import app_access_revoke, authorized_apps
from tests.mastodon.oauth_helpers import authorize, bearer, register_app, token_for


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def grant(person, *, scope="read"):
    client = signed_in(person)
    app = register_app(Client())
    token = token_for(client, app, authorize(client, app, scope=scope))
    return app, token


def test_the_page_lists_the_apps_with_what_they_may_do(alice, bob):
    grant(alice, scope="read write")
    grant(bob)
    page = signed_in(alice).get("/settings/apps/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Test App" in html
    assert "read everything your account can see" in html
    assert len(page.context["apps"]) == 1  # bob's app is bob's


def test_revoking_signs_the_app_out_at_once(alice):
    app, token = grant(alice)
    assert (
        Client().get("/api/v1/apps/verify_credentials", **bearer(token["access_token"])).status_code
        == 200
    )
    application_id = authorized_apps(alice)[0].application_id
    response = signed_in(alice).post(f"/settings/apps/{application_id}/revoke/")
    assert response.status_code == 302
    assert (
        Client().get("/api/v1/apps/verify_credentials", **bearer(token["access_token"])).status_code
        == 401
    )
    assert not AccessToken.objects.filter(user=alice).exists()
    assert not RefreshToken.objects.filter(user=alice).exists()
    refreshed = Client().post(
        "/oauth/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": token["refresh_token"],
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert refreshed.status_code == 400
    assert authorized_apps(alice) == []


def test_one_cannot_revoke_another_persons_app(alice, bob):
    _, token = grant(bob)
    application_id = authorized_apps(bob)[0].application_id
    response = signed_in(alice).post(f"/settings/apps/{application_id}/revoke/")
    assert response.status_code == 404
    assert (
        Client().get("/api/v1/apps/verify_credentials", **bearer(token["access_token"])).status_code
        == 200
    )
    assert app_access_revoke(person=alice, application_id=application_id) is False


def test_the_page_needs_a_log_in(db):
    response = Client().get("/settings/apps/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert Client().post("/settings/apps/1/revoke/").status_code == 302
