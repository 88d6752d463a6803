"""Account, CredentialAccount, MutedAccount, Field and Relationship: the shape the
documentation gives (schemas/) and what each field says, from real people."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from kith.conversations import actions
from kith.mastodon import entities
from kith.people.actions.profile import person_set_avatar, person_update_profile
from kith.relationships.access import mutes_of
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.invitations import invitation_send
from kith.relationships.actions.safety import block_create, mute_create, note_set
from tests.conftest import CARD_VALUES, make_person
from tests.mastodon.conftest import png
from tests.mastodon.schema import check


def account(person, viewer) -> dict:
    return check("Account", entities.account(person, viewer))


def relationship(viewer, person) -> dict:
    return check("Relationship", entities.relationship(viewer, person))


def test_an_account_field_for_field(alice, bob):
    person_update_profile(person=alice, bio="Potter.\n\nGlazes <b>& kilns</b>", is_locked=True)
    data = account(alice, bob)
    assert data["id"] == str(alice.pk) and data["username"] == data["acct"] == "alice"
    assert data["url"] == f"{settings.BASE_URL}/@alice"
    assert data["display_name"] == "Alice" and data["locked"] is True
    assert data["note"] == "<p>Potter.</p>\n\n<p>Glazes &lt;b&gt;&amp; kilns&lt;/b&gt;</p>"
    assert re.match(r"^\d{4}-\d\d-\d\dT00:00:00\.000Z$", data["created_at"])
    assert data["bot"] is False and data["group"] is False and data["emojis"] == []


def test_an_account_shows_only_public_contact_fields(alice, bob):
    fields = account(alice, bob)["fields"]  # bob is her connection: still only public ones
    assert [(f["name"], f["value"]) for f in fields] == [("Organisation", CARD_VALUES["public"])]
    assert CARD_VALUES["connections"] not in str(account(alice, bob))
    assert CARD_VALUES["only_me"] not in str(account(alice, alice))


def test_an_account_without_an_avatar_has_the_missing_image(alice, carol):
    data = account(carol, alice)
    assert data["avatar"] == f"{settings.BASE_URL}/static/kith/mastodon/avatar-missing.png"
    assert data["avatar_static"] == data["avatar"]
    assert data["header"].endswith("/static/kith/mastodon/header-missing.png")
    person_set_avatar(person=carol, data=png(200, 200))
    carol.refresh_from_db()
    with_avatar = account(carol, alice)
    assert with_avatar["avatar"] == f"{settings.BASE_URL}/media/{carol.avatar}"


def test_counts_take_connections_as_follows_both_ways(alice, bob, carol, fiona):
    follow_create(follower=carol, target=alice)
    follow_create(follower=alice, target=carol)
    follow_create(follower=bob, target=alice)  # a connection who also follows: counted once
    actions.post_publish(author=alice, body="Public one")
    actions.post_publish(author=alice, body="Followers only", visibility="followers")
    gone = actions.post_publish(author=alice, body="Deleted")
    actions.post_delete(post=gone, by=alice)
    data = account(alice, carol)
    assert data["followers_count"] == 3  # bob (connection), carol, fiona
    assert data["following_count"] == 2  # bob (connection), carol
    assert data["statuses_count"] == 1  # public and live only
    assert re.match(r"^\d{4}-\d\d-\d\d$", data["last_status_at"])
    assert account(carol, alice)["last_status_at"] is None


def test_the_kith_extension_is_the_viewers_connection(alice, bob, carol):
    kith = account(alice, bob)["kith"]
    assert kith["connected"] is True and kith["how_met"] == "in_person"
    assert kith["connected_since"] is not None
    assert account(alice, carol)["kith"] == {
        "connected": False,
        "connected_since": None,
        "how_met": None,
    }


def test_credential_account_has_source_and_role(alice, bob):
    follow_request = make_person("eve")
    person_update_profile(person=alice, bio="Potter", is_locked=True)
    follow_create(follower=follow_request, target=alice)
    data = check("Account", entities.credential_account(alice, follow_requests_count=1))
    assert data["source"]["note"] == "Potter" and data["source"]["privacy"] == "public"
    assert data["source"]["fields"] == [
        {"name": "Organisation", "value": CARD_VALUES["public"], "verified_at": None}
    ]
    assert data["source"]["follow_requests_count"] == 1
    assert set(data["role"]) == {"id", "name", "permissions", "color", "highlighted"}


def test_muted_accounts_say_until_when(alice, carol):
    mute_create(muter=alice, muted=carol, duration="1d")
    (data,) = entities.muted_accounts(mutes_of(alice), alice)
    check("Account", data)
    assert data["id"] == str(carol.pk) and data["mute_expires_at"].endswith("Z")


def test_website_and_email_fields_are_links(alice, bob):
    from kith.people import actions as people

    people.contact_field_add(
        person=alice, kind="website", value="https://pots.example", visibility="public"
    )
    people.contact_field_add(
        person=alice, kind="email", value="a@pots.example", visibility="public"
    )
    people.contact_field_add(
        person=alice, kind="custom", label="Motto", value="<script>x</script>", visibility="public"
    )
    values = {f["name"]: f["value"] for f in account(alice, bob)["fields"]}
    assert values["Website"].startswith('<a href="https://pots.example"')
    assert values["Email"].startswith('<a href="mailto:a@pots.example"')
    assert values["Motto"] == "&lt;script&gt;x&lt;/script&gt;"


# --- Relationship --------------------------------------------------------------------------------


def test_a_connection_reads_as_mutual_follows(alice, bob):
    data = relationship(alice, bob)
    assert data["id"] == str(bob.pk)
    assert data["following"] is data["followed_by"] is data["showing_reblogs"] is True
    assert data["requested"] is data["blocking"] is data["muting"] is False
    assert data["kith"]["connected"] is True and data["kith"]["follows"] is False


def test_follows_requests_and_reposts(alice, carol):
    follow_create(follower=carol, target=alice)
    assert relationship(carol, alice)["following"] is True
    assert relationship(alice, carol)["followed_by"] is True
    assert relationship(alice, carol)["following"] is False
    person_update_profile(person=carol, is_locked=True)
    follow_create(follower=alice, target=carol)
    assert relationship(alice, carol)["requested"] is True
    assert relationship(carol, alice)["requested_by"] is True
    assert relationship(carol, alice)["following"] is True


def test_blocked_by_is_never_told(alice, carol):
    block_create(blocker=carol, blocked=alice)
    assert relationship(carol, alice)["blocking"] is True
    assert relationship(alice, carol)["blocked_by"] is False


def test_mutes_and_private_notes_are_the_viewers_own(alice, carol):
    mute_create(muter=alice, muted=carol)
    note_set(author=alice, subject=carol, body="Met at the fair")
    mine = relationship(alice, carol)
    assert mine["muting"] is mine["muting_notifications"] is True
    assert mine["note"] == "Met at the fair"
    theirs = relationship(carol, alice)
    assert theirs["muting"] is False and theirs["note"] == ""


def test_an_open_invitation_shows_in_the_kith_extension(alice, carol):
    invitation_send(sender=carol, recipient=alice, how_known="in_person")
    assert relationship(carol, alice)["kith"]["invitation"] == "sent"
    assert relationship(alice, carol)["kith"]["invitation"] == "received"


@pytest.mark.parametrize("size", [1, 20])
def test_accounts_and_relationships_take_a_fixed_number_of_queries(
    alice, size, django_assert_num_queries
):
    people = [make_person(f"p{i}") for i in range(size)]
    for person in people[::2]:
        follow_create(follower=person, target=alice)
    # the people, their public fields, their counts, alice's connections to them
    with django_assert_num_queries(4):
        assert len(entities.accounts(people, alice)) == size
    with django_assert_num_queries(3):  # the counts are cached for a minute
        assert len(entities.accounts(people, alice)) == size
    # alice's standing to them, her connections to them, open invitations between them
    with django_assert_num_queries(3):
        assert len(entities.relationships(alice, people)) == size
