"""The web shell: settings pages, htmx partials, security headers, static files, admin."""

from __future__ import annotations

import re

import pytest

from kith.people.models import AccessToken, ContactChange, ContactField, FieldKind


def test_security_headers(client, db):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_htmx_is_served_locally_and_csrf_is_set_once(client, alice):
    client.force_login(alice)
    html = client.get("/settings/card/").content.decode()
    src = re.search(r'<script src="([^"]+htmx[^"]+)"', html).group(1)
    assert src.startswith("/static/")
    assert client.get(src).status_code == 200
    assert html.count('hx-headers=\'{"X-CSRFToken"') == 1
    assert "<script>" not in html  # no inline script: the CSP forbids it


def test_pages_have_landmarks_and_labels(client, db):
    html = client.get("/signup/").content.decode()
    assert "<main" in html and "<nav" in html and 'class="skip"' in html
    for name in ["handle", "display_name", "email", "password"]:
        assert f'<label for="id_{name}"' in html


def test_add_field_through_the_web(client, alice):
    client.force_login(alice)
    response = client.post(
        "/settings/card/",
        {
            "kind": "job_title",
            "value": "Gardener",
            "visibility": "public",
            "announce": "on",
        },
    )
    assert response.status_code == 302
    field = ContactField.objects.get(person=alice, kind=FieldKind.JOB_TITLE)
    assert ContactChange.objects.get(field=field).announced
    assert "Gardener" in client.get("/@alice").content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "email", "value": "nope", "visibility": "public"}, "valid email"),
        ({"kind": "mood", "value": "x", "visibility": "public"}, "Select a valid choice"),
        ({"kind": "custom", "value": "x", "visibility": "public"}, "needs a label"),
        ({"kind": "location", "value": "x" * 201, "visibility": "public"}, "At most 200"),
    ],
)
def test_add_field_bad_input(client, alice, data, message):
    client.force_login(alice)
    before = ContactField.objects.count()
    response = client.post("/settings/card/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ContactField.objects.count() == before


def test_inline_edit_returns_the_row_partial(client, alice):
    client.force_login(alice)
    field = ContactField.objects.get(person=alice, kind=FieldKind.PHONE)
    prefix = f"f{field.pk}"
    response = client.post(
        f"/settings/card/{field.pk}/",
        {f"{prefix}-value": "+44 7999 000111", f"{prefix}-visibility": "public"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and "Saved" in html and "<html" not in html
    field.refresh_from_db()
    assert (field.value, field.visibility) == ("+44 7999 000111", "public")
    response = client.post(
        f"/settings/card/{field.pk}/",
        {f"{prefix}-value": "no digits here", f"{prefix}-visibility": "public"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400 and "phone number" in response.content.decode()
    field.refresh_from_db()
    assert field.value == "+44 7999 000111"


def test_cannot_edit_someone_elses_field_on_the_web(client, alice, carol):
    client.force_login(carol)
    field = ContactField.objects.filter(person=alice).first()
    assert client.post(f"/settings/card/{field.pk}/delete/").status_code == 404
    assert client.post(f"/settings/card/{field.pk}/", {}).status_code == 404
    assert ContactField.objects.filter(pk=field.pk).exists()
    assert client.post("/settings/card/99999999999999999999999/delete/").status_code == 404


def test_delete_and_move_on_the_web(client, alice):
    client.force_login(alice)
    ids = list(ContactField.objects.filter(person=alice).values_list("id", flat=True))
    client.post(f"/settings/card/{ids[2]}/move/", {"direction": "up"})
    assert list(ContactField.objects.filter(person=alice).values_list("id", flat=True)) == [
        ids[0],
        ids[2],
        ids[1],
    ]
    response = client.post(f"/settings/card/{ids[0]}/delete/", headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.content == b""
    assert not ContactField.objects.filter(pk=ids[0]).exists()


def test_tokens_are_shown_once_and_revocable(client, alice):
    client.force_login(alice)
    response = client.post("/settings/tokens/", {"name": "my script"})
    plaintext = re.search(r'data-testid="new-token">([^<]+)<', response.content.decode()).group(1)
    assert (
        client.get("/api/kith/v1/me", headers={"Authorization": f"Bearer {plaintext}"}).status_code
        == 200
    )
    assert plaintext not in client.get("/settings/tokens/").content.decode()
    token = AccessToken.objects.get()
    client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert (
        client.get("/api/kith/v1/me", headers={"Authorization": f"Bearer {plaintext}"}).status_code
        == 401
    )
    assert client.post("/settings/tokens/", {"name": ""}).status_code == 400


def test_profile_settings(client, alice):
    client.force_login(alice)
    response = client.post(
        "/settings/profile/",
        {
            "display_name": "Alice Liddell",
            "bio": "Down the rabbit hole",
            "interests": "Tea, croquet",
            "reading_capacity": "40",
            "invitation_policy": "met",
        },
    )
    assert response.status_code == 302
    html = client.get("/@alice").content.decode()
    assert "Alice Liddell" in html and "#croquet" in html
    response = client.post(
        "/settings/profile/",
        {
            "display_name": "A",
            "bio": "",
            "interests": "bad tag!",
            "reading_capacity": "40",
            "invitation_policy": "met",
        },
    )
    assert response.status_code == 400 and "not a valid interest" in response.content.decode()


def test_settings_need_login(client, db):
    response = client.get("/settings/card/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_admin_is_for_staff(client, staff, carol):
    client.force_login(staff)
    assert client.get("/admin/people/person/").status_code == 200
    client.force_login(carol)
    assert client.get("/admin/people/person/").status_code == 302


def test_health_and_not_found(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
    response = client.get("/@nobody")
    assert response.status_code == 404 and "not shared with you" in response.content.decode()
