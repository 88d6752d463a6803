"""Privacy truth table of the address-book surfaces (CardDAV and .vcf): a connection's card
shows public and connections lines, never "only me"; nobody else's card is in the book; nobody
else's book is reachable; only live app passwords open it."""

from __future__ import annotations

import pytest
import vobject

from kith.contacts.actions import app_password_create, app_password_revoke
from kith.people import actions as people_actions
from kith.people.models import ContactField, Visibility
from kith.relationships.models import Block
from tests.conftest import CARD_VALUES, PASSWORD, make_person

from .conftest import (
    NS,
    PROPFIND_CARDS,
    multiget_body,
    prop,
    responses_by_href,
    sync_body,
    xml,
)

SEES = {Visibility.PUBLIC: True, Visibility.CONNECTIONS: True, Visibility.ONLY_ME: False}
BOB_BOOK = "/dav/addressbooks/bob/connections/"


def alice_href(alice) -> str:
    return f"{BOB_BOOK}{alice.pk}.vcf"


@pytest.fixture
def bob_password(bob):
    return app_password_create(person=bob, name="bob's phone")[1]


@pytest.fixture
def bob_dav(dav, bob_password):
    def call(method, path, body="", **headers):
        return dav(method, path, username="bob", password=bob_password, body=body, headers=headers)

    return call


def card_texts(bob_dav, client, api, token_for, bob, alice) -> dict[str, str]:
    """Return alice's card as bob gets it from every surface."""
    texts = {"dav get": bob_dav("GET", alice_href(alice)).content.decode()}
    multiget = responses_by_href(xml(bob_dav("REPORT", BOB_BOOK, multiget_body(alice_href(alice)))))
    texts["dav multiget"] = prop(multiget[alice_href(alice)], "card:address-data").text
    synced = responses_by_href(xml(bob_dav("REPORT", BOB_BOOK, sync_body())))
    texts["dav sync"] = prop(synced[alice_href(alice)], "card:address-data").text
    client.force_login(bob)
    texts["web vcf"] = client.get("/contacts.vcf?photos=1").content.decode()
    client.logout()
    texts["api vcf"] = api("GET", "/contacts.vcf", token=token_for(bob)).content.decode()
    return texts


@pytest.mark.parametrize("visibility", list(Visibility))
def test_connection_sees_public_and_connections_lines_never_only_me(
    bob_dav, client, api, token_for, alice, bob, visibility
):
    texts = card_texts(bob_dav, client, api, token_for, bob, alice)
    for surface, text in texts.items():
        cards = list(vobject.readComponents(text))
        assert len(cards) == 1, surface
        assert cards[0].fn.value == "Alice", surface
        shown = CARD_VALUES[visibility] in text
        assert shown == SEES[visibility], f"{visibility} on {surface}"


def test_switching_a_line_to_only_me_removes_it_everywhere(
    bob_dav, client, api, token_for, alice, bob
):
    phone = ContactField.objects.get(person=alice, value=CARD_VALUES[Visibility.CONNECTIONS])
    people_actions.contact_field_update(field=phone, visibility=Visibility.ONLY_ME)
    for surface, text in card_texts(bob_dav, client, api, token_for, bob, alice).items():
        assert CARD_VALUES[Visibility.CONNECTIONS] not in text, surface


def test_a_non_connection_is_never_in_the_book(bob_dav, alice, bob, carol):
    listing = responses_by_href(xml(bob_dav("PROPFIND", BOB_BOOK, PROPFIND_CARDS, depth="1")))
    assert set(listing) == {BOB_BOOK, alice_href(alice)}
    carol_href = f"{BOB_BOOK}{carol.pk}.vcf"
    assert bob_dav("GET", carol_href).status_code == 404
    found = responses_by_href(xml(bob_dav("REPORT", BOB_BOOK, multiget_body(carol_href))))
    assert found[carol_href].findtext("d:status", namespaces=NS).endswith("404 Not Found")
    assert set(responses_by_href(xml(bob_dav("REPORT", BOB_BOOK, sync_body())))) == {
        alice_href(alice)
    }


def test_a_blocker_or_deactivated_connection_leaves_the_book(bob_dav, alice, bob):
    dora = make_person("dora")
    from kith.relationships.actions.connections import connection_create

    connection_create(person=bob, other=dora, how_met="call")
    root = xml(bob_dav("REPORT", BOB_BOOK, sync_body()))
    token = root.findtext("d:sync-token", namespaces=NS)
    Block.objects.create(blocker=alice, blocked=bob)
    dora.is_active = False
    dora.save(update_fields=["is_active"])
    root = xml(bob_dav("REPORT", BOB_BOOK, sync_body(token)))
    found = responses_by_href(root)
    assert set(found) == {alice_href(alice), f"{BOB_BOOK}{dora.pk}.vcf"}
    assert all(
        r.findtext("d:status", namespaces=NS).endswith("404 Not Found") for r in found.values()
    )
    assert bob_dav("GET", alice_href(alice)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/dav/addressbooks/alice/connections/",
        "/dav/addressbooks/alice/",
        "/dav/principals/alice/",
        "/dav/addressbooks/alice/connections/{bob}.vcf",
    ],
)
def test_another_persons_urls_answer_like_missing_ones(bob_dav, alice, bob, path):
    theirs = bob_dav("PROPFIND", path.format(bob=bob.pk), PROPFIND_CARDS, depth="1")
    nobody = bob_dav(
        "PROPFIND", path.replace("alice", "nobody").format(bob=bob.pk), PROPFIND_CARDS, depth="1"
    )
    assert theirs.status_code == nobody.status_code == 404
    assert theirs.content == nobody.content
    assert bob_dav("GET", path.format(bob=bob.pk)).status_code == 404
    assert bob_dav("REPORT", path.format(bob=bob.pk), sync_body()).status_code == 404


def _status(dav, username, password, path=BOB_BOOK):
    return dav("PROPFIND", path, username=username, password=password, body=PROPFIND_CARDS)


def test_only_a_live_app_password_of_that_person_works(dav, client, alice, bob, bob_password):
    assert _status(dav, "bob", bob_password).status_code == 207
    assert _status(dav, "BOB", bob_password.upper().replace("-", "")).status_code == 207
    assert _status(dav, "bob@example.com", bob_password).status_code == 207
    refused = [
        ("bob", PASSWORD),  # the login password
        ("bob", bob_password[:-1] + ("a" if bob_password[-1] != "a" else "b")),
        ("alice", bob_password),  # someone else's user name
        ("bob", ""),
        ("", bob_password),
        ("nobody", bob_password),
    ]
    for username, password in refused:
        response = _status(dav, username, password)
        assert response.status_code == 401, (username, password)
        assert response["WWW-Authenticate"].startswith("Basic ")
    app_password_revoke(app_password=bob.app_passwords.get())
    assert _status(dav, "bob", bob_password).status_code == 401


@pytest.mark.parametrize("header", ["", "Bearer abc", "Basic !!!", "Basic " + "YWJj", "Basic //79"])
def test_malformed_or_missing_credentials_are_401(client, bob, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.generic("PROPFIND", BOB_BOOK, PROPFIND_CARDS, **extra)
    assert response.status_code == 401
    assert "WWW-Authenticate" in response


@pytest.mark.parametrize(("field", "value"), [("is_active", False), ("email_confirmed_at", None)])
def test_unconfirmed_or_inactive_accounts_cannot_sync(dav, bob, bob_password, field, value):
    setattr(bob, field, value)
    bob.save(update_fields=[field])
    assert _status(dav, "bob", bob_password).status_code == 401


def test_failed_sign_ins_are_rate_limited(dav, bob, bob_password, settings):
    settings.KITH_LOGIN_ATTEMPTS = 3
    for _ in range(3):
        assert _status(dav, "bob", "wrong").status_code == 401
    response = _status(dav, "bob", bob_password)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_the_login_session_does_not_open_the_address_book(client, bob):
    client.force_login(bob)
    assert client.generic("PROPFIND", BOB_BOOK, PROPFIND_CARDS).status_code == 401


def test_vcf_download_needs_a_login(client, api, bob):
    assert client.get("/contacts.vcf").status_code == 302
    assert api("GET", "/contacts.vcf").status_code == 401
    assert api("GET", "/contacts.vcf", token="kith_nope").status_code == 401
