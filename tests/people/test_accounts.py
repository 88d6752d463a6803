"""Sign up, email confirmation, log in (rate-limited), password reset."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail

from kith.people.models import Person
from tests.conftest import PASSWORD

SIGN_UP = {
    "handle": "Dana.K",
    "display_name": "Dana Kovač",
    "email": "Dana@Example.com",
    "password": "a long enough passphrase",
}


def _link(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def test_sign_up_confirm_and_log_in(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/signup/", SIGN_UP)
    assert response.status_code == 302 and response["Location"] == "/signup/sent/"
    person = Person.objects.get(handle="dana.k")
    assert person.email == "dana@example.com"
    assert not person.email_confirmed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["dana@example.com"]

    # Not confirmed yet: log-in is refused with a clear message.
    response = client.post("/login/", {"username": "dana.k", "password": SIGN_UP["password"]})
    assert response.status_code == 400
    assert "Confirm your email address first" in response.content.decode()

    response = client.get(_link(mail.outbox[0]))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email_confirmed
    assert client.get("/settings/card/").status_code == 200  # the link logged them in

    client.post("/logout/")
    response = client.post(
        "/login/", {"username": "dana@example.com", "password": SIGN_UP["password"]}
    )
    assert response.status_code == 302


def test_tampered_confirmation_link_is_refused(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/signup/", SIGN_UP)
    link = _link(mail.outbox[0])
    response = client.get(link[:-3] + "xyz/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not Person.objects.get(handle="dana.k").email_confirmed


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"handle": "bad handle!"}, "handle", "1–30 characters"),
        ({"handle": "x" * 31}, "handle", "1–30 characters"),
        ({"handle": ""}, "handle", "This field is required"),
        ({"handle": "admin"}, "handle", "reserved"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"password": "short"}, "password", "too short"),
        ({"display_name": "x" * 81}, "display_name", "At most 80 characters"),
    ],
)
def test_sign_up_bad_input_is_refused_whole(client, db, changes, field, message):
    response = client.post("/signup/", {**SIGN_UP, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Person.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"handle": "ALICE"}, "That handle is taken."),
        ({"email": "ALICE@example.com"}, "An account with that email already exists."),
    ],
)
def test_duplicates_are_refused_case_insensitively(client, alice, changes, message):
    response = client.post("/signup/", {**SIGN_UP, **changes})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Person.objects.count() == 1


def test_login_is_rate_limited_per_handle(client, alice, settings):
    settings.KITH_LOGIN_ATTEMPTS = 3
    for _ in range(3):
        response = client.post("/login/", {"username": "alice", "password": "wrong"})
        assert response.status_code == 400
    # Even the right password is refused until the window passes.
    response = client.post("/login/", {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed log-ins" in response.content.decode()


def test_password_reset_by_email(client, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password/reset/", {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    response = client.get(_link(mail.outbox[0]), follow=True)
    new = "another fine passphrase"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_passwords_are_hashed_with_argon2_in_production():
    from kith import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_profile_page_and_directory(client, alice, bob):
    response = client.get("/@alice")
    assert response.status_code == 200
    assert "Alice" in response.content.decode()
    assert client.get("/people/").status_code == 200
    assert settings.AUTH_USER_MODEL == "people.Person"
