"""Matching an imported LinkedIn export's email addresses against Kith people (optional).

The sample export (6 connections) gives the addresses of connections 0, 2 and 4:
ada.alvarez0@, chiara.alvarez2@ and esra.alvarez4@example.com. On Kith: Ada allows being found
by email (her address written in capitals), Chiara does not, Esra does but alice blocked her,
Bruno does but the export has no address of his, and Femi does with an address not in it.
Only Ada is suggested.
"""

from __future__ import annotations

import pytest

from kith.archives import samples
from kith.archives.actions import archive_import
from kith.archives.matching import email_suggestions
from kith.people import actions as people_actions
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.invitations import invitation_send
from kith.relationships.actions.safety import block_create
from tests.conftest import PASSWORD


def _person(handle: str, email: str, *, findable: bool, confirmed: bool = True):
    person = people_actions.person_create(
        handle=handle,
        display_name=handle.title(),
        email=email,
        password=PASSWORD,
        confirmed=confirmed,
    )
    if findable:
        people_actions.person_update_profile(person=person, findable_by_email=True)
    return person


@pytest.fixture
def imported(alice, tmp_path):
    archive, _ = archive_import(
        owner=alice,
        network="linkedin",
        path=samples.linkedin_zip(tmp_path / "l.zip", connections=6),
    )
    return archive


@pytest.fixture
def kith_people(alice):
    made = {
        "ada": _person("ada", "Ada.Alvarez0@Example.com", findable=True),
        "chiara": _person("chiara", "chiara.alvarez2@example.com", findable=False),
        "esra": _person("esra", "esra.alvarez4@example.com", findable=True),
        "bruno": _person("bruno", "bruno.alvarez1@example.com", findable=True),
        "femi": _person("femi", "femi@example.com", findable=True),
    }
    block_create(blocker=alice, blocked=made["esra"])
    return made


def test_only_people_who_allow_it_are_suggested(alice, imported, kith_people):
    [only] = email_suggestions(alice, imported)
    assert only["person"] == kith_people["ada"]
    assert only["name_in_archive"] == "Ada Alvarez0"
    assert only["work"] == "Engineer, Example Co"
    assert only["invitation_open"] is False
    assert only["how_known_detail"] == "We are connected on LinkedIn (Engineer, Example Co)."


def test_the_setting_is_off_by_default_and_can_be_switched(alice, imported, kith_people):
    chiara = kith_people["chiara"]
    assert chiara.findable_by_email is False
    people_actions.person_update_profile(person=chiara, findable_by_email=True)
    assert [s["person"].handle for s in email_suggestions(alice, imported)] == ["ada", "chiara"]
    people_actions.person_update_profile(person=kith_people["ada"], findable_by_email=False)
    assert [s["person"].handle for s in email_suggestions(alice, imported)] == ["chiara"]


def test_blocks_connections_invitations_and_unconfirmed_accounts(alice, imported, kith_people):
    ada = kith_people["ada"]
    invitation_send(sender=alice, recipient=ada, how_known="worked_together")
    assert email_suggestions(alice, imported)[0]["invitation_open"] is True
    connection_create(person=alice, other=ada, how_met="worked_together")
    assert email_suggestions(alice, imported) == []  # already connected
    kith_people["chiara"].delete()
    _person("chiara2", "chiara.alvarez2@example.com", findable=True, confirmed=False)
    assert email_suggestions(alice, imported) == []  # not confirmed: not visible


def test_someone_who_blocked_the_owner_is_not_suggested(alice, imported, kith_people):
    block_create(blocker=kith_people["ada"], blocked=alice)
    assert email_suggestions(alice, imported) == []


def test_the_page_the_invitation_and_the_api(
    client, api, token_for, alice, bob, imported, kith_people
):
    client.force_login(alice)
    archive_page = client.get(f"/archives/{imported.pk}/").content.decode()
    assert f'href="/archives/{imported.pk}/people"' in archive_page
    page = client.get(f"/archives/{imported.pk}/people").content.decode()
    assert "Ada" in page and "Ada Alvarez0 on LinkedIn" in page
    for hidden in ("chiara", "esra", "bruno", "femi"):
        assert hidden not in page.lower()
    assert "/@ada/invite/?how_known_detail=We%20are%20connected%20on%20LinkedIn" in page
    invite = client.get("/@ada/invite/?how_known_detail=We%20are%20connected%20on%20LinkedIn.")
    assert 'value="We are connected on LinkedIn."' in invite.content.decode()

    body = api("GET", f"/archives/{imported.pk}/suggestions", token=token_for(alice)).json()
    assert body == [
        {
            "handle": "ada",
            "display_name": "Ada",
            "url": "/@ada",
            "name_in_archive": "Ada Alvarez0",
            "work": "Engineer, Example Co",
            "invitation_open": False,
            "invite_url": "/api/kith/v1/people/ada/invitations",
            "how_known_detail": "We are connected on LinkedIn (Engineer, Example Co).",
        }
    ]
    assert (
        api("GET", f"/archives/{imported.pk}/suggestions", token=token_for(bob)).status_code == 404
    )
    client.force_login(bob)
    assert client.get(f"/archives/{imported.pk}/people").status_code == 404


def test_the_setting_on_the_web_and_in_the_api(client, api, token_for, carol):
    client.force_login(carol)
    page = client.get("/settings/profile/").content.decode()
    assert "Let people who have my email address find me" in page
    form = {
        "display_name": "Carol",
        "bio": "",
        "interests": "",
        "reading_capacity": "100",
        "invitation_policy": "anyone",
        "findable_by_email": "on",
    }
    assert client.post("/settings/profile/", form).status_code == 302
    carol.refresh_from_db()
    assert carol.findable_by_email is True
    token = token_for(carol)
    body = api("PATCH", "/me", token=token, json={"findable_by_email": False}).json()
    assert body["findable_by_email"] is False
    carol.refresh_from_db()
    assert carol.findable_by_email is False
