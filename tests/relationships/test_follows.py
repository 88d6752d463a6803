"""Follows: every path through the actions and the native API (Mastodon's model)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kith.feeds.models import Notification, NotificationKind
from kith.people import actions as people_actions
from kith.relationships.actions import follows
from kith.relationships.actions.safety import block_create
from kith.relationships.models import Follow, FollowStatus
from tests.conftest import make_person


def lock(person):
    people_actions.person_update_profile(person=person, is_locked=True)
    return person


def code_of(call) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    return error.value.code


# --- Actions ----------------------------------------------------------------------------------


def test_follow_is_one_way_and_notifies_once(alice, carol):
    follow = follows.follow_create(follower=carol, target=alice)
    assert follow.status == FollowStatus.ACTIVE
    assert not Follow.objects.filter(follower=alice, target_person=carol).exists()
    note = Notification.objects.get(recipient=alice)
    assert (note.kind, note.actor, note.url) == (NotificationKind.FOLLOW, carol, "/@carol")
    assert follows.follow_create(follower=carol, target=alice).pk == follow.pk
    # Unfollow and follow again while the notification is unread: still one notification.
    follows.follow_remove(follower=carol, target=alice)
    follows.follow_create(follower=carol, target=alice)
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_no_follow_notification_from_someone_muted(alice, carol):
    from kith.relationships.actions.safety import mute_create

    mute_create(muter=alice, muted=carol, duration="1d")
    follows.follow_create(follower=carol, target=alice)
    assert Follow.objects.exists() and not Notification.objects.exists()


def test_self_follow_is_refused(alice):
    assert code_of(lambda: follows.follow_create(follower=alice, target=alice)) == "self_follow"
    assert not Follow.objects.exists()


def test_locked_account_gets_a_request_it_approves(alice, carol):
    lock(alice)
    follow = follows.follow_create(follower=carol, target=alice)
    assert follow.status == FollowStatus.REQUESTED
    assert Notification.objects.get(recipient=alice).kind == NotificationKind.FOLLOW_REQUEST
    follows.follow_request_approve(person=alice, follow=follow)
    follow.refresh_from_db()
    assert follow.status == FollowStatus.ACTIVE
    assert not Notification.objects.filter(recipient=alice).exists()  # answered: gone


def test_rejected_request_is_removed_silently(alice, carol):
    lock(alice)
    follow = follows.follow_create(follower=carol, target=alice)
    follows.follow_request_reject(person=alice, follow=follow)
    assert not Follow.objects.exists()
    assert not Notification.objects.exists()


def test_only_the_target_answers_a_request(alice, bob, carol):
    lock(alice)
    follow = follows.follow_create(follower=carol, target=alice)
    assert (
        code_of(lambda: follows.follow_request_approve(person=bob, follow=follow)) == "no_request"
    )
    active = follows.follow_create(follower=bob, target=carol)
    assert (
        code_of(lambda: follows.follow_request_reject(person=carol, follow=active)) == "no_request"
    )


def test_withdrawing_a_request_removes_its_notification(alice, carol):
    lock(alice)
    follows.follow_create(follower=carol, target=alice)
    assert follows.follow_remove(follower=carol, target=alice)
    assert not Follow.objects.exists() and not Notification.objects.exists()
    assert not follows.follow_remove(follower=carol, target=alice)


def test_remove_follower(alice, carol):
    follows.follow_create(follower=carol, target=alice)
    assert follows.follower_remove(person=alice, follower=carol)
    assert not Follow.objects.exists()
    assert not follows.follower_remove(person=alice, follower=carol)


def test_unlocking_approves_waiting_requests(alice, bob, carol):
    lock(alice)
    follows.follow_create(follower=carol, target=alice)
    follows.follow_create(follower=bob, target=alice)
    people_actions.person_update_profile(person=alice, is_locked=False)
    assert set(Follow.objects.values_list("status", flat=True)) == {FollowStatus.ACTIVE}
    assert not Notification.objects.filter(kind=NotificationKind.FOLLOW_REQUEST).exists()


def test_follow_cap_grows_with_followers(settings, carol):
    settings.KITH_FOLLOW_CAP_BASE = 2
    settings.KITH_FOLLOW_CAP_RATIO = 1.5
    others = [make_person(f"p{i}") for i in range(4)]
    follows.follow_create(follower=carol, target=others[0])
    lock(others[1])
    follows.follow_create(follower=carol, target=others[1])  # a pending request counts
    assert follows.follow_cap(carol) == 2
    assert code_of(lambda: follows.follow_create(follower=carol, target=others[2])) == "follow_cap"
    assert Follow.objects.filter(follower=carol).count() == 2
    # Two followers: the cap is now max(2, 1.5 × 2) = 3.
    follows.follow_create(follower=others[2], target=carol)
    follows.follow_create(follower=others[3], target=carol)
    assert follows.follow_cap(carol) == 3
    follows.follow_create(follower=carol, target=others[2])
    assert code_of(lambda: follows.follow_create(follower=carol, target=others[3])) == "follow_cap"


def test_default_cap_is_mastodons():
    from django.conf import settings

    assert settings.KITH_FOLLOW_CAP_BASE == 7500
    assert settings.KITH_FOLLOW_CAP_RATIO == 1.1


def test_blocks_stop_follows_both_ways(alice, carol):
    block_create(blocker=alice, blocked=carol)
    assert code_of(lambda: follows.follow_create(follower=alice, target=carol)) == "blocked"
    assert code_of(lambda: follows.follow_create(follower=carol, target=alice)) == "blocked"
    assert not Follow.objects.exists()


# --- API --------------------------------------------------------------------------------------


def test_api_follow_unfollow_and_relationship(api, alice, carol, token_for):
    token = token_for(carol)
    response = api("POST", "/people/alice/follow", token=token)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["following"] and not body["requested"] and body["person"]["handle"] == "alice"
    assert set(body["attention"]) == {"load", "cost", "capacity"}
    relationship = api("GET", "/people/alice/relationship", token=token).json()
    assert relationship["following"] and not relationship["followed_by"]
    mirror = api("GET", "/people/carol/relationship", token=token_for(alice)).json()
    assert mirror["followed_by"] and not mirror["following"]
    response = api("DELETE", "/people/alice/follow", token=token)
    assert response.status_code == 200 and not response.json()["following"]
    assert not Follow.objects.exists()


def test_api_locked_account_requests(api, alice, carol, token_for):
    alice_token, carol_token = token_for(alice), token_for(carol)
    response = api("PATCH", "/me", token=alice_token, json={"is_locked": True})
    assert response.status_code == 200 and response.json()["is_locked"] is True
    body = api("POST", "/people/alice/follow", token=carol_token).json()
    assert body["requested"] and not body["following"]
    requests = api("GET", "/me/follow_requests", token=alice_token).json()
    assert [r["person"]["handle"] for r in requests] == ["carol"]
    assert api("GET", "/people/carol/relationship", token=alice_token).json()["requested_by"]
    response = api("POST", "/me/follow_requests/carol/approve", token=alice_token)
    assert response.status_code == 200 and response.json()["followed_by"]
    # Nothing left to answer: the same request is now a 404.
    response = api("POST", "/me/follow_requests/carol/reject", token=alice_token)
    assert response.status_code == 404 and response.json()["error"] == "not_found"


def test_api_reject_request(api, alice, carol, token_for):
    lock(alice)
    api("POST", "/people/alice/follow", token=token_for(carol))
    response = api("POST", "/me/follow_requests/carol/reject", token=token_for(alice))
    assert response.status_code == 200 and not response.json()["requested_by"]
    assert not Follow.objects.exists()


def test_api_remove_follower(api, alice, carol, token_for):
    follows.follow_create(follower=carol, target=alice)
    token = token_for(alice)
    assert [f["person"]["handle"] for f in api("GET", "/me/followers", token=token).json()] == [
        "carol"
    ]
    response = api("DELETE", "/me/followers/carol", token=token)
    assert response.status_code == 200 and not response.json()["followed_by"]
    assert api("GET", "/me/followers", token=token).json() == []


def test_api_lists_page_with_max_id(api, carol, token_for):
    people = [make_person(f"p{i}") for i in range(5)]
    for person in people:
        follows.follow_create(follower=carol, target=person)
    token = token_for(carol)
    first = api("GET", "/me/following?limit=2", token=token).json()
    assert [f["person"]["handle"] for f in first] == ["p4", "p3"]
    second = api("GET", f"/me/following?limit=2&max_id={first[-1]['id']}", token=token).json()
    assert [f["person"]["handle"] for f in second] == ["p2", "p1"]
    assert len(api("GET", "/me/following?limit=1000", token=token).json()) == 5


@pytest.mark.parametrize(
    ("method", "path", "payload", "status", "error"),
    [
        ("POST", "/people/carol/follow", None, 422, "invalid"),  # self
        ("POST", "/people/nobody/follow", None, 404, "not_found"),
        ("POST", "/people/alice/follow?confirm_over_budget=maybe", None, 422, "invalid_request"),
        ("POST", "/people/alice/follow", {"confirm": True}, 422, "invalid_request"),
        ("POST", "/me/follow_requests/alice/approve", None, 404, "not_found"),
        ("DELETE", "/me/followers/nobody", None, 404, "not_found"),
        ("GET", "/me/following?sort=popular", None, 422, "invalid_request"),
        ("GET", "/me/following?max_id=abc", None, 422, "invalid_request"),
    ],
)
def test_api_bad_input_changes_nothing(
    api, alice, carol, token_for, method, path, payload, status, error
):
    response = api(method, path, token=token_for(carol), json=payload)
    assert response.status_code == status, response.content
    assert response.json()["error"] == error
    assert not Follow.objects.exists()


def test_api_needs_a_token(api, alice):
    response = api("POST", "/people/alice/follow")
    assert response.status_code == 401 and response.json()["error"] == "unauthorized"
    assert api("GET", "/me/following").status_code == 401


def test_api_session_writes_need_csrf(alice, carol):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    response = client.post("/api/kith/v1/people/alice/follow")
    assert response.status_code == 403
    assert not Follow.objects.exists()


def test_following_a_blocker_is_404_everywhere(api, client, alice, carol, token_for):
    block_create(blocker=alice, blocked=carol)
    response = api("POST", "/people/alice/follow", token=token_for(carol))
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    # The same answer as for someone who does not exist.
    missing = api("POST", "/people/nobody/follow", token=token_for(carol)).json()
    assert response.json() == {**missing, "detail": response.json()["detail"]}
    client.force_login(carol)
    assert client.post("/@alice/follow/").status_code == 404
    assert client.get("/@alice/follow/confirm/").status_code == 404
    assert not Follow.objects.exists()


def test_blocker_following_the_blocked_is_a_clear_422(api, alice, carol, token_for):
    block_create(blocker=alice, blocked=carol)
    response = api("POST", "/people/carol/follow", token=token_for(alice))
    assert response.status_code == 422
    assert "unblock" in response.json()["detail"][0]
