"""Blocks, mutes and private notes: their effects, expiry and privacy on every surface."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kith.feeds.models import Notification
from kith.relationships.access import active_mutes, muted_ids, standing_between
from kith.relationships.actions import follows
from kith.relationships.actions.safety import (
    block_create,
    block_remove,
    mute_create,
    mute_remove,
    note_set,
)
from kith.relationships.models import (
    Block,
    Connection,
    ConnectionRemoval,
    Follow,
    Invitation,
    InvitationStatus,
    Mute,
    PersonNote,
)
from tests.conftest import CARD_VALUES

NOTE = "Met at the pottery fair; owes me a glaze recipe."


# --- Blocks -----------------------------------------------------------------------------------


def test_block_ends_everything_between_the_two(alice, bob, carol):
    follows.follow_create(follower=alice, target=bob)
    follows.follow_create(follower=bob, target=alice)
    follows.follow_create(follower=carol, target=alice)  # not between the two: stays
    sent = Invitation.objects.create(sender=alice, recipient=bob, how_known="in_person")
    received = Invitation.objects.create(sender=bob, recipient=alice, how_known="call")
    Notification.objects.create(recipient=alice, actor=bob, kind="follow", text="x")
    block_create(blocker=alice, blocked=bob)
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    assert not Connection.objects.exists()
    removal = ConnectionRemoval.objects.get()  # address books drop the card on next sync
    assert {removal.person_a_id, removal.person_b_id} == {alice.pk, bob.pk}
    assert list(Follow.objects.values_list("follower__handle", flat=True)) == ["carol"]
    sent.refresh_from_db()
    received.refresh_from_db()
    assert sent.status == InvitationStatus.WITHDRAWN and sent.responded_at
    assert received.status == InvitationStatus.DECLINED
    assert not Notification.objects.filter(recipient=alice, actor=bob).exists()
    # Blocking again changes nothing more.
    block_create(blocker=alice, blocked=bob)
    assert Block.objects.count() == 1 and ConnectionRemoval.objects.count() == 1


def test_block_stops_new_follows_and_invitations(alice, bob):
    from kith.relationships.actions.invitations import invitation_send

    block_create(blocker=alice, blocked=bob)
    for follower, target in [(alice, bob), (bob, alice)]:
        with pytest.raises(ValidationError):
            follows.follow_create(follower=follower, target=target)
        with pytest.raises(ValidationError):
            invitation_send(sender=follower, recipient=target, how_known="in_person")
    assert not Follow.objects.exists() and not Invitation.objects.exists()


def test_cannot_block_yourself(alice):
    with pytest.raises(ValidationError):
        block_create(blocker=alice, blocked=alice)


def test_unblock_brings_nothing_back(alice, bob):
    block_create(blocker=alice, blocked=bob)
    assert block_remove(blocker=alice, blocked=bob)
    assert not Block.objects.exists() and not Connection.objects.exists()
    assert not block_remove(blocker=alice, blocked=bob)


@pytest.fixture
def blocked_view(client, api, alice, bob, token_for):
    """bob, blocked by alice, on the web (client) and the API (token)."""
    block_create(blocker=alice, blocked=bob)
    client.force_login(bob)
    return client, token_for(bob)


@pytest.mark.parametrize(
    "path",
    ["/@alice", "/@alice/card", "/@alice/follow/confirm/", "/@alice/invite/"],
)
def test_blocker_is_missing_to_the_blocked_on_the_web(blocked_view, path):
    client, _ = blocked_view
    assert client.get(path).status_code == 404
    people = client.get("/people/").content.decode()
    assert "@alice" not in people and "@bob" in people


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/people/alice"),
        ("GET", "/people/alice/relationship"),
        ("GET", "/people/alice/note"),
        ("POST", "/people/alice/follow"),
        ("POST", "/people/alice/block"),
        ("POST", "/people/alice/mute"),
        ("PUT", "/people/alice/note"),
    ],
)
def test_blocker_is_missing_to_the_blocked_in_the_api(api, blocked_view, method, path):
    _, token = blocked_view
    payload = {"body": "x"} if method == "PUT" else None
    response = api(method, path, token=token, json=payload)
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    handles = [p["handle"] for p in api("GET", "/people", token=token).json()]
    assert "alice" not in handles and "bob" in handles


def test_blocker_still_sees_the_blocked(client, api, alice, bob, token_for):
    block_create(blocker=alice, blocked=bob)
    client.force_login(alice)
    html = client.get("/@bob").content.decode()
    assert "You blocked Bob" in html and "Unblock" in html
    body = api("GET", "/people/bob/relationship", token=token_for(alice)).json()
    assert body["blocking"] and not body["connected"]


def test_mutual_blocks_can_each_be_undone(api, client, alice, bob, token_for):
    block_create(blocker=alice, blocked=bob)
    block_create(blocker=bob, blocked=alice)
    blocks = api("GET", "/me/blocks", token=token_for(alice)).json()
    assert [b["person"]["handle"] for b in blocks] == ["bob"]
    # alice cannot see bob (he blocked her) but can still lift her own block.
    assert api("DELETE", "/people/bob/block", token=token_for(alice)).status_code == 200
    client.force_login(bob)
    response = client.post("/@alice/unblock/")
    assert response.status_code == 302 and response["Location"] == "/settings/blocked/"
    assert not Block.objects.exists()
    assert api("DELETE", "/people/bob/block", token=token_for(alice)).status_code == 404


def test_api_block_and_unblock(api, alice, bob, token_for):
    token = token_for(alice)
    response = api("POST", "/people/bob/block", token=token)
    assert response.status_code == 200 and response.json()["blocking"]
    assert not Connection.objects.exists()
    response = api("DELETE", "/people/bob/block", token=token)
    assert response.status_code == 200 and not response.json()["blocking"]
    assert api("POST", "/people/alice/block", token=token).status_code == 422  # self


# --- Mutes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "length"),
    [("1h", timedelta(hours=1)), ("1d", timedelta(days=1)), ("7d", timedelta(days=7))],
)
def test_mute_expires(alice, carol, duration, length):
    mute = mute_create(muter=alice, muted=carol, duration=duration)
    assert abs(mute.expires_at - (timezone.now() + length)) < timedelta(seconds=5)
    assert muted_ids(alice) == {carol.pk}
    later = timezone.now() + length + timedelta(seconds=1)
    assert not active_mutes(alice, now=later).exists()
    assert active_mutes(alice, now=later - timedelta(minutes=1)).exists()


def test_mute_forever_and_unmute(alice, carol):
    mute = mute_create(muter=alice, muted=carol, duration="forever")
    assert mute.expires_at is None
    assert active_mutes(alice, now=timezone.now() + timedelta(days=3650)).exists()
    assert mute_remove(muter=alice, muted=carol)
    assert not Mute.objects.exists() and not mute_remove(muter=alice, muted=carol)


def test_muting_again_replaces_the_mute(alice, carol):
    mute_create(muter=alice, muted=carol, duration="1h")
    mute_create(muter=alice, muted=carol, duration="forever")
    assert Mute.objects.get().expires_at is None


def test_an_expired_mute_no_longer_counts_anywhere(api, client, alice, carol, token_for):
    mute_create(muter=alice, muted=carol, duration="1h")
    Mute.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not standing_between(alice, carol).muting and muted_ids(alice) == set()
    token = token_for(alice)
    assert api("GET", "/me/mutes", token=token).json() == []
    assert not api("GET", "/people/carol/relationship", token=token).json()["muting"]
    assert not mute_remove(muter=alice, muted=carol)  # nothing was in force


def test_api_mute(api, alice, carol, token_for):
    token = token_for(alice)
    response = api("POST", "/people/carol/mute", token=token, json={"duration": "1d"})
    body = response.json()
    assert response.status_code == 200 and body["muting"] and body["muting_expires_at"]
    mutes = api("GET", "/me/mutes", token=token).json()
    assert [m["person"]["handle"] for m in mutes] == ["carol"] and mutes[0]["expires_at"]
    response = api("POST", "/people/carol/mute", token=token)  # no body: until unmuted
    assert response.status_code == 200 and response.json()["muting_expires_at"] is None
    response = api("DELETE", "/people/carol/mute", token=token)
    assert response.status_code == 200 and not response.json()["muting"]


@pytest.mark.parametrize("payload", [{"duration": "2w"}, {"duration": 3600}, {"until": "x"}])
def test_api_mute_bad_input(api, alice, carol, token_for, payload):
    response = api("POST", "/people/carol/mute", token=token_for(alice), json=payload)
    assert response.status_code == 422 and response.json()["error"] == "invalid_request"
    assert not Mute.objects.exists()


def test_bad_duration_in_the_action(alice, carol):
    with pytest.raises(ValidationError):
        mute_create(muter=alice, muted=carol, duration="2w")


# --- Private notes ----------------------------------------------------------------------------


def test_note_set_and_remove(alice, bob):
    note = note_set(author=bob, subject=alice, body=f"  {NOTE}  ")
    assert note.body == NOTE
    assert note_set(author=bob, subject=alice, body="  ") is None
    assert not PersonNote.objects.exists()
    with pytest.raises(ValidationError):
        note_set(author=bob, subject=alice, body="x" * 5001)
    assert not PersonNote.objects.exists()


@pytest.fixture
def noted(alice, bob, carol, staff):
    """bob keeps a private note on alice; everyone else must never see it."""
    note_set(author=bob, subject=alice, body=NOTE)
    return alice


@pytest.mark.parametrize("viewer_name", ["bob", "alice", "carol", "staff", None])
def test_note_is_seen_by_its_author_only_on_the_web(client, noted, viewer_name, request):
    if viewer_name:
        client.force_login(request.getfixturevalue(viewer_name))
    page = client.get("/@alice").content.decode()
    assert (NOTE in page) == (viewer_name == "bob")
    card = client.get("/@alice/card").content.decode()
    assert NOTE not in card and CARD_VALUES["public"] in card
    if viewer_name:
        assert NOTE not in client.get("/@bob").content.decode()


@pytest.mark.parametrize("viewer_name", ["bob", "alice", "carol", "staff"])
def test_note_is_seen_by_its_author_only_in_the_api(api, noted, token_for, viewer_name, request):
    token = token_for(request.getfixturevalue(viewer_name))
    mine = viewer_name == "bob"
    profile = api("GET", "/people/alice", token=token).content.decode()
    assert NOTE not in profile
    note = api("GET", "/people/alice/note", token=token).json()
    assert (note["body"] == NOTE) == mine
    if viewer_name != "alice":
        relationship = api("GET", "/people/alice/relationship", token=token).json()
        assert (relationship["note"] == NOTE) == mine
    for path in ["/people/bob", "/people/bob/relationship", "/me"]:
        assert NOTE not in api("GET", path, token=token).content.decode()


def test_api_note(api, alice, carol, token_for):
    token = token_for(carol)
    response = api("PUT", "/people/alice/note", token=token, json={"body": NOTE})
    assert response.status_code == 200 and response.json()["body"] == NOTE
    response = api("PUT", "/people/alice/note", token=token, json={"body": "x" * 5001})
    assert response.status_code == 422 and response.json()["error"] == "invalid"
    assert PersonNote.objects.get().body == NOTE  # the bad write changed nothing
    assert api("PUT", "/people/alice/note", token=token, json={}).status_code == 422
    assert api("DELETE", "/people/alice/note", token=token).json()["body"] == ""
    assert not PersonNote.objects.exists()
