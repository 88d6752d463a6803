"""App passwords: created and shown once, stored as a digest, listed, revoked, by web and API."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError

from kith.contacts.actions import (
    app_password_authenticate,
    app_password_create,
    app_password_revoke,
)
from kith.contacts.models import AppPassword


def test_create_returns_the_plaintext_once_and_stores_a_digest(alice):
    app_password, plaintext = app_password_create(person=alice, name="  My phone ")
    assert re.fullmatch(r"([a-z2-9]{4}-){5}[a-z2-9]{4}", plaintext)
    stored = AppPassword.objects.get(pk=app_password.pk)
    assert stored.name == "My phone"
    assert stored.digest == hashlib.sha256(plaintext.replace("-", "").encode()).hexdigest()
    assert plaintext not in str(stored.__dict__)
    assert stored.prefix == plaintext[:4]


def test_authenticate(alice, bob):
    _, plaintext = app_password_create(person=alice, name="phone")
    assert app_password_authenticate(username="alice", password=plaintext) == alice
    assert app_password_authenticate(username="@Alice ", password=plaintext.upper()) == alice
    assert app_password_authenticate(username="alice@example.com", password=plaintext) == alice
    assert app_password_authenticate(username="bob", password=plaintext) is None
    assert app_password_authenticate(username="alice", password="x" * 500) is None
    assert AppPassword.objects.get(person=alice).last_used_at is not None


@pytest.mark.parametrize("name", ["", "   ", "x" * 61])
def test_a_name_is_required_and_short(alice, name):
    with pytest.raises(ValidationError):
        app_password_create(person=alice, name=name)


def test_live_app_passwords_are_limited(alice):
    for i in range(AppPassword.MAX_LIVE_PER_PERSON):
        app_password_create(person=alice, name=f"device {i}")
    with pytest.raises(ValidationError):
        app_password_create(person=alice, name="one too many")
    app_password_revoke(app_password=AppPassword.objects.filter(person=alice).first())
    app_password_create(person=alice, name="replacement")


def test_settings_page_creates_shows_once_lists_and_revokes(client, alice):
    client.force_login(alice)
    page = client.get("/settings/address-book/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "http://testserver/dav/" in html and "<code>alice</code>" in html
    assert 'href="/settings/address-book/"' in html  # linked from the settings nav

    created = client.post("/settings/address-book/", {"name": "Alice's iPhone"})
    assert created.status_code == 200
    match = re.search(r'data-testid="new-app-password">([^<]+)<', created.content.decode())
    plaintext = match.group(1)
    assert app_password_authenticate(username="alice", password=plaintext) == alice
    again = client.get("/settings/address-book/").content.decode()
    assert plaintext not in again and "Alice&#x27;s iPhone" in again

    app_password = AppPassword.objects.get(person=alice)
    response = client.post(f"/settings/address-book/passwords/{app_password.pk}/revoke/")
    assert response.status_code == 302
    assert app_password_authenticate(username="alice", password=plaintext) is None


def test_settings_page_refuses_bad_input_and_others_passwords(client, alice, bob):
    client.force_login(alice)
    assert client.post("/settings/address-book/", {"name": ""}).status_code == 400
    theirs, _ = app_password_create(person=bob, name="bob's")
    revoke = f"/settings/address-book/passwords/{theirs.pk}/revoke/"
    assert client.post(revoke).status_code == 404
    assert client.get(revoke).status_code == 405
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_settings_page_needs_a_login(client):
    assert client.get("/settings/address-book/").status_code == 302


def test_api_lists_creates_and_revokes(api, alice, bob, token_for):
    token = token_for(alice)
    created = api("POST", "/contacts/app-passwords", token=token, json={"name": "Tablet"})
    assert created.status_code == 201
    body = created.json()
    assert app_password_authenticate(username="alice", password=body["password"]) == alice
    listed = api("GET", "/contacts/app-passwords", token=token).json()
    assert [p["name"] for p in listed] == ["Tablet"] and "password" not in listed[0]

    theirs, _ = app_password_create(person=bob, name="bob's")
    assert api("DELETE", f"/contacts/app-passwords/{theirs.pk}", token=token).status_code == 404
    assert api("DELETE", "/contacts/app-passwords/nonsense", token=token).status_code == 404
    assert api("DELETE", f"/contacts/app-passwords/{body['id']}", token=token).status_code == 204
    assert api("GET", "/contacts/app-passwords", token=token).json()[0]["revoked_at"]

    assert api("POST", "/contacts/app-passwords", token=token, json={}).status_code == 422
    assert (
        api("POST", "/contacts/app-passwords", token=token, json={"name": " "}).status_code == 422
    )
    assert api("GET", "/contacts/app-passwords").status_code == 401


def test_api_carddav_account(api, alice, token_for):
    body = api("GET", "/contacts/carddav", token=token_for(alice)).json()
    assert body == {
        "server_url": "http://testserver/dav/",
        "username": "alice",
        "address_book_url": "http://testserver/dav/addressbooks/alice/connections/",
    }
