"""Follow, block, mute and note in the web UI (with and without htmx), the Following,
Followers and Requests pages, and query-count bounds of the list endpoints."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.people.models import Person
from kith.relationships.actions import follows
from kith.relationships.actions.connections import connection_create
from kith.relationships.models import (
    Block,
    Connection,
    Follow,
    FollowStatus,
    Invitation,
    InvitationMessage,
    Mute,
    PersonNote,
)
from tests.conftest import make_person
from tests.relationships.test_attention import posting

HTMX = {"HX-Request": "true"}


def test_follow_and_unfollow_without_javascript(client, alice, carol):
    client.force_login(carol)
    html = client.get("/@alice").content.decode()
    assert 'data-testid="follow"' in html and "posts a day" in html
    response = client.post("/@alice/follow/")
    assert response.status_code == 302 and response["Location"] == "/@alice"
    assert Follow.objects.filter(follower=carol, target_person=alice).exists()
    html = client.get("/@alice").content.decode()
    assert "Following · Unfollow" in html and "You follow Alice" in html
    assert client.post("/@alice/unfollow/").status_code == 302
    assert not Follow.objects.exists()


def test_follow_box_swaps_in_place_with_htmx(client, alice, carol):
    client.force_login(carol)
    response = client.post("/@alice/follow/", headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="follow-actions"' in html and "Following · Unfollow" in html
    html = client.post("/@alice/unfollow/", headers=HTMX).content.decode()
    assert 'data-testid="follow"' in html


def test_follow_errors_are_shown(client, settings, alice, carol):
    settings.KITH_FOLLOW_CAP_BASE = 0
    settings.KITH_FOLLOW_CAP_RATIO = 0
    client.force_login(carol)
    html = client.post("/@alice/follow/", headers=HTMX).content.decode()
    assert 'role="alert"' in html and "the most you can" in html
    response = client.post("/@alice/follow/", follow=True)
    assert "the most you can" in response.content.decode()
    assert not Follow.objects.exists()


def test_next_only_redirects_locally(client, alice, carol):
    client.force_login(carol)
    response = client.post("/@alice/follow/", {"next": "https://evil.example/"})
    assert response["Location"] == "/@alice"
    response = client.post("/@alice/unfollow/", {"next": "/following/"})
    assert response["Location"] == "/following/"


def test_locked_account_flow_on_the_web(client, alice, carol):
    client.force_login(alice)
    data = {
        "display_name": "Alice",
        "bio": "",
        "interests": "",
        "reading_capacity": 100,
        "invitation_policy": "anyone",
        "is_locked": "on",
    }
    assert client.post("/settings/profile/", data).status_code == 302
    alice.refresh_from_db()
    assert alice.is_locked
    assert 'name="is_locked"' in client.get("/settings/profile/").content.decode()
    client.force_login(carol)
    assert "Ask to follow" in client.get("/@alice").content.decode()
    client.post("/@alice/follow/")
    assert "Requested · Withdraw" in client.get("/@alice").content.decode()
    client.force_login(alice)
    assert "Asked to follow you" in client.get("/@carol").content.decode()
    html = client.get("/followers/requests/").content.decode()
    assert 'data-handle="carol"' in html and "Requests (1)" in html
    html = client.get("/followers/").content.decode()
    assert "Waiting for your answer" in html and 'data-handle="carol"' in html
    response = client.post("/@carol/follow-request/approve/")
    assert response.status_code == 302 and response["Location"] == "/followers/requests/"
    assert Follow.objects.get().status == FollowStatus.ACTIVE
    assert "Follows you" in client.get("/@carol").content.decode()


def test_reject_from_the_profile_with_htmx(client, alice, carol):
    alice.is_locked = True
    alice.save()
    follows.follow_create(follower=carol, target=alice)
    client.force_login(alice)
    html = client.post("/@carol/follow-request/reject/", headers=HTMX).content.decode()
    assert 'id="follow-actions"' in html and "Asked to follow you" not in html
    assert not Follow.objects.exists()
    assert client.post("/@carol/follow-request/reject/").status_code == 404


def test_unlocking_in_settings_approves_requests(client, alice, carol):
    alice.is_locked = True
    alice.save()
    follows.follow_create(follower=carol, target=alice)
    client.force_login(alice)
    data = {
        "display_name": "Alice",
        "reading_capacity": 100,
        "invitation_policy": "anyone",
    }
    assert client.post("/settings/profile/", data).status_code == 302
    assert Follow.objects.get().status == FollowStatus.ACTIVE


def test_followers_page_removes_a_follower(client, alice, bob, carol):
    follows.follow_create(follower=carol, target=alice)
    follows.follow_create(follower=bob, target=alice)
    follows.follow_create(follower=alice, target=bob)
    client.force_login(alice)
    html = client.get("/followers/").content.decode()
    assert 'data-handle="carol"' in html and 'data-handle="bob"' in html
    assert "You follow them" in html
    response = client.post("/@carol/remove-follower/", {"next": "/followers/"})
    assert response.status_code == 302 and response["Location"] == "/followers/"
    assert not Follow.objects.filter(follower=carol).exists()
    assert 'data-handle="carol"' not in client.get("/followers/").content.decode()


def test_pages_need_a_login(client, alice):
    for path in ["/following/", "/followers/", "/followers/requests/", "/settings/blocked/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post("/@alice/follow/").status_code == 302
    assert not Follow.objects.exists()


def test_follow_links_in_the_navigation(client, alice):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'href="/following/"' in html
    assert 'href="/settings/blocked/"' in client.get("/settings/profile/").content.decode()


def test_block_and_unblock_on_the_web(client, alice, bob):
    client.force_login(alice)
    response = client.post("/@bob/block/")
    assert response.status_code == 302 and response["Location"] == "/@bob"
    assert Block.objects.filter(blocker=alice, blocked=bob).exists()
    assert not Connection.objects.exists()
    html = client.get("/settings/blocked/").content.decode()
    assert 'data-handle="bob"' in html
    client.post("/@bob/unblock/")
    assert not Block.objects.exists()


def test_mute_on_the_web_with_and_without_htmx(client, alice, carol):
    client.force_login(alice)
    assert client.post("/@carol/mute/", {"duration": "1h"}).status_code == 302
    assert Mute.objects.get().expires_at is not None
    html = client.get("/settings/blocked/").content.decode()
    assert 'data-handle="carol"' in html and "until" in html
    html = client.post("/@carol/unmute/", headers=HTMX).content.decode()
    assert 'id="safety-actions"' in html and not Mute.objects.exists()
    html = client.post("/@carol/mute/", {"duration": "forever"}, headers=HTMX).content.decode()
    assert "Unmute" in html and Mute.objects.get().expires_at is None
    client.post("/@carol/mute/", {"duration": "2w"})
    assert Mute.objects.get().expires_at is None  # a bad duration changed nothing


def test_note_on_the_web(client, alice, carol):
    client.force_login(carol)
    html = client.post("/@alice/note/", {"body": "Loves raku"}, headers=HTMX).content.decode()
    assert "Loves raku" in html and 'id="safety-actions"' in html
    response = client.post("/@alice/note/", {"body": "x" * 5001}, headers=HTMX)
    assert "at most 5000 characters" in response.content.decode().lower()
    assert PersonNote.objects.get().body == "Loves raku"
    assert client.post("/@alice/note/", {"body": ""}).status_code == 302
    assert not PersonNote.objects.exists()


def test_own_profile_has_no_follow_or_safety_box(client, alice):
    client.force_login(alice)
    html = client.get("/@alice").content.decode()
    assert 'id="follow-actions"' not in html and 'id="safety-actions"' not in html


def test_profile_page_query_count_with_follow_and_safety_boxes(client, alice, carol):
    client.force_login(carol)
    with CaptureQueriesContext(connection) as context:
        assert client.get("/@alice").status_code == 200
    mine = [
        q["sql"]
        for q in context.captured_queries
        if ("relationships_follow" in q["sql"] or "people_postingday" in q["sql"])
        and "conversations_post" not in q["sql"]  # the posts listed (their visibility rule)
    ]
    # One for the standing (follows both ways, block, mute, note), one for the figures.
    assert len(mine) == 2


# --- Query-count bounds of the list endpoints ------------------------------------------------


def _network(reader: Person, size: int) -> None:
    """`reader` follows `size` people, is followed back and asked to follow by others,
    blocks and mutes some, has talked with some, and all of them post."""
    start = Person.objects.count()
    for i in range(size):
        other = make_person(f"n{start + i}")
        posting(other, i % 4, days=3)
        follows.follow_create(follower=reader, target=other, confirm_over_budget=True)
        follows.follow_create(follower=other, target=reader)
        if i % 2:
            connection_create(person=reader, other=other, how_met="call")
        if i % 3 == 0:
            invitation = Invitation.objects.create(sender=other, recipient=reader, how_known="call")
            InvitationMessage.objects.create(invitation=invitation, author=other, body="hi")
        from kith.relationships.actions.safety import mute_create

        mute_create(muter=reader, muted=other, duration="1d")
    reader.is_locked = True
    reader.save()
    for i in range(size):
        follows.follow_create(follower=make_person(f"r{start + i}"), target=reader)


LIST_PATHS = [
    "/me/following",
    "/me/following?sort=cost",
    "/me/following?sort=interaction",
    "/me/followers",
    "/me/follow_requests",
    "/me/mutes",
    "/me/blocks",
    "/me/attention",
]


@pytest.mark.parametrize("path", LIST_PATHS)
def test_list_endpoints_make_a_fixed_number_of_queries(
    api, carol, token_for, path, django_assert_max_num_queries
):
    token = token_for(carol)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            response = api("GET", path, token=token)
        assert response.status_code == 200, response.content
        return len(context.captured_queries)

    _network(carol, 3)
    count()  # the first use of a token records it (once a minute)
    small = count()
    _network(carol, 12)
    assert count() == small
    with django_assert_max_num_queries(9):
        api("GET", path, token=token)


@pytest.mark.parametrize(
    "path", ["/following/", "/following/?sort=interaction", "/followers/", "/followers/requests/"]
)
def test_list_pages_make_a_fixed_number_of_queries(client, carol, path):
    client.force_login(carol)

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        return len(context.captured_queries)

    _network(carol, 3)
    small = count()
    _network(carol, 12)
    assert count() == small
