"""The native API: the caller's profile, card fields and tokens, with clear 4xx errors."""

from __future__ import annotations

import pytest

from kith.people.models import AccessToken, ContactChange, ContactField, Person


def test_me_requires_a_token(api, db):
    response = api("GET", "/me")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    "header", ["Bearer kith_nope", "Bearer ", "Basic YWxpY2U6eA==", "Bearer " + "x" * 500]
)
def test_bad_token_is_401(client, alice, header):
    response = client.get("/api/kith/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"
    # A bad token is refused even where anonymous reading is allowed.
    response = client.get("/api/kith/v1/people/alice", headers={"Authorization": header})
    assert response.status_code == 401


def test_revoked_token_stops_working(api, alice, token_for):
    token = token_for(alice)
    assert api("GET", "/me", token=token).status_code == 200
    token_id = api("GET", "/me/tokens", token=token).json()[0]["id"]
    assert api("DELETE", f"/me/tokens/{token_id}", token=token).status_code == 204
    assert api("GET", "/me", token=token).status_code == 401
    assert AccessToken.objects.get().revoked_at is not None


def test_tokens_are_stored_hashed(alice, token_for):
    plaintext = token_for(alice)
    stored = AccessToken.objects.get()
    assert plaintext not in (stored.digest, stored.prefix) and len(stored.digest) == 64


def test_get_and_patch_me(api, alice, token_for):
    token = token_for(alice)
    me = api("GET", "/me", token=token).json()
    assert me["handle"] == "alice" and me["email"] == "alice@example.com"
    assert len(me["fields"]) == 3
    response = api(
        "PATCH",
        "/me",
        token=token,
        json={
            "display_name": "Alice A.",
            "interests": ["Jazz", "rust"],
            "reading_capacity": 60,
            "invitation_policy": "intro_call",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["display_name"],
        body["interests"],
        body["reading_capacity"],
        body["invitation_policy"],
    ) == ("Alice A.", ["jazz", "rust"], 60, "intro_call")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"bio": "b" * 2001}, "bio"),
        ({"reading_capacity": 0}, "reading_capacity"),
        ({"reading_capacity": "lots"}, "reading_capacity"),
        ({"invitation_policy": "nobody"}, "invitation_policy"),
        ({"interests": ["ok", "no way!"]}, "interests"),
        ({"handle": "newname"}, "handle"),
    ],
)
def test_patch_me_bad_input_changes_nothing(api, alice, token_for, payload, field):
    token = token_for(alice)
    before = api("GET", "/me", token=token).json()
    response = api("PATCH", "/me", token=token, json=payload)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["error"] in {"invalid", "invalid_request"}
    assert field in str(body["detail"])
    assert api("GET", "/me", token=token).json() == before


def test_malformed_json_is_a_4xx(client, alice, token_for):
    response = client.patch(
        "/api/kith/v1/me",
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(alice)}"},
    )
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_card_field_crud(api, alice, token_for):
    token = token_for(alice)
    response = api(
        "POST",
        "/me/card",
        token=token,
        json={
            "kind": "custom",
            "label": "Pronouns",
            "value": "she/her",
            "visibility": "public",
        },
    )
    assert response.status_code == 201
    field_id = response.json()["id"]
    assert isinstance(field_id, str)
    response = api("PATCH", f"/me/card/{field_id}", token=token, json={"value": "they/them"})
    assert response.json()["value"] == "they/them"
    ids = [f["id"] for f in api("GET", "/me/card", token=token).json()]
    assert ids[-1] == field_id
    response = api("PUT", "/me/card/order", token=token, json={"field_ids": ids[::-1]})
    assert [f["id"] for f in response.json()] == ids[::-1]
    assert api("DELETE", f"/me/card/{field_id}", token=token).status_code == 204
    assert api("GET", f"/me/card/{field_id}", token=token).status_code == 404


@pytest.mark.parametrize(
    "payload",
    [
        {"kind": "favourite_colour", "value": "blue"},
        {"kind": "email", "value": "nope"},
        {"kind": "website", "value": "javascript:alert(1)"},
        {"kind": "location", "value": "x" * 201},
        {"kind": "location", "value": "Lisbon", "visibility": "everyone"},
        {"kind": "custom", "value": "x"},
        {"kind": "location"},
        {"kind": "location", "value": "Lisbon", "colour": "red"},
    ],
)
def test_card_field_bad_input(api, alice, token_for, payload):
    token = token_for(alice)
    before = ContactField.objects.count(), ContactChange.objects.count()
    response = api("POST", "/me/card", token=token, json=payload)
    assert response.status_code == 422, response.content
    assert response.json()["error"] in {"invalid", "invalid_request"}
    assert response.json()["detail"]
    assert (ContactField.objects.count(), ContactChange.objects.count()) == before


@pytest.mark.parametrize("field_id", ["0", "abc", "99999999999999999999999", "-5"])
def test_unknown_field_ids_are_404(api, alice, token_for, field_id):
    token = token_for(alice)
    assert api("GET", f"/me/card/{field_id}", token=token).status_code == 404
    assert api("PATCH", f"/me/card/{field_id}", token=token, json={"value": "x"}).status_code == 404


def test_cannot_touch_someone_elses_field(api, alice, bob, token_for):
    field_id = str(ContactField.objects.filter(person=alice).first().pk)
    token = token_for(bob)
    assert api("GET", f"/me/card/{field_id}", token=token).status_code == 404
    assert api("DELETE", f"/me/card/{field_id}", token=token).status_code == 404
    assert ContactField.objects.filter(pk=field_id).exists()


def test_people_list_pages_by_id_with_a_capped_limit(api, db, settings):
    from tests.conftest import make_person

    for i in range(7):
        make_person(f"p{i}")
    settings.KITH_API_PAGE_MAX = 5
    first = api("GET", "/people?limit=1000").json()
    assert len(first) == 5
    rest = api("GET", f"/people?limit=1000&max_id={first[-1]['id']}").json()
    assert len(rest) == 2
    assert {p["handle"] for p in first + rest} == {f"p{i}" for i in range(7)}
    assert api("GET", "/people?limit=0").status_code == 422
    assert api("GET", "/people?max_id=abc").status_code == 422


def test_session_auth_needs_csrf_for_writes(db, alice):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.get("/api/kith/v1/me").status_code == 200
    response = client.patch("/api/kith/v1/me", data='{"bio": "x"}', content_type="application/json")
    assert response.status_code == 403
    assert Person.objects.get(pk=alice.pk).bio == ""


def test_openapi_and_offline_docs(client, db):
    schema = client.get("/api/kith/openapi.json").json()
    assert "/api/kith/v1/people/{handle}" in schema["paths"]
    assert "/api/kith/v1/me/card" in schema["paths"]
    docs = client.get("/api/kith/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
