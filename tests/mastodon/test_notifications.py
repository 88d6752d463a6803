"""`/api/v1/notifications…` and the grouped `/api/v2/notifications…`."""

from __future__ import annotations

import pytest
from django.test import Client

from kith.conversations import actions
from kith.feeds.models import Notification, NotificationKind
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.invitations import invitation_send
from tests.conftest import make_person
from tests.mastodon.oauth_helpers import bearer, user_token
from tests.mastodon.schema import check

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(alice, bob, carol):
    """alice's notifications: a favourite from bob and carol, a reblog, a follow, a mention,
    an invitation (Kith-only) and one about a post she may not see."""
    post = actions.post_publish(author=alice, body="Glaze notes #kiln")
    actions.helpful_mark(person=bob, post=post)
    actions.helpful_mark(person=carol, post=post)
    actions.post_repost(person=carol, post=post)
    follow_create(follower=carol, target=alice)
    actions.post_publish(author=bob, body="Hello @alice")
    invitation_send(sender=make_person("dana"), recipient=alice, how_known="in_person")
    hidden = actions.post_publish(author=carol, body="Just me", visibility="mentioned")
    Notification.objects.create(
        recipient=alice, kind=NotificationKind.MENTION, actor=carol, post=hidden, text="x"
    )
    return post


@pytest.fixture
def reader(alice):
    client = Client()
    client.defaults.update(bearer(user_token(alice, scope="read write")))
    return client


def test_list_shows_what_a_mastodon_app_knows_and_may_see(reader, alice, busy):
    answer = reader.get("/api/v1/notifications")
    assert answer.status_code == 200
    found = [check("Notification", n) for n in answer.json()]
    assert sorted(n["type"] for n in found) == [
        "favourite",
        "favourite",
        "follow",
        "mention",
        "reblog",
    ]
    assert all(n.get("status", {}).get("id") != "" for n in found)
    hidden_ids = set(
        Notification.objects.filter(
            recipient=alice, post__author__handle="carol", kind=NotificationKind.MENTION
        ).values_list("pk", flat=True)
    )
    assert not {int(n["id"]) for n in found} & hidden_ids


def test_types_exclude_types_and_account_id(reader, bob, busy):
    only = reader.get("/api/v1/notifications?types[]=favourite&types[]=follow").json()
    assert sorted(n["type"] for n in only) == ["favourite", "favourite", "follow"]
    without = reader.get("/api/v1/notifications?exclude_types[]=favourite").json()
    assert "favourite" not in {n["type"] for n in without} and len(without) == 3
    bobs = reader.get(f"/api/v1/notifications?account_id={bob.pk}").json()
    assert {n["account"]["id"] for n in bobs} == {str(bob.pk)}
    bad = reader.get("/api/v1/notifications?types[]=nonsense")
    assert bad.status_code == 422 and bad.json()["error"].startswith("Validation failed")
    assert reader.get("/api/v1/notifications?max_id=abc").status_code == 422


def test_pagination_link_header(reader, busy):
    first = reader.get("/api/v1/notifications?limit=2")
    assert len(first.json()) == 2
    link = first["Link"]
    assert 'rel="next"' in link and 'rel="prev"' in link and "limit=2" in link
    older = reader.get(f"/api/v1/notifications?limit=2&max_id={first.json()[-1]['id']}").json()
    assert int(older[0]["id"]) < int(first.json()[-1]["id"])
    newer = reader.get(f"/api/v1/notifications?min_id={older[0]['id']}&limit=1").json()
    assert newer[0]["id"] == first.json()[-1]["id"]


def test_get_dismiss_and_clear(reader, alice, bob, busy):
    listed = reader.get("/api/v1/notifications").json()
    one = listed[0]
    assert reader.get(f"/api/v1/notifications/{one['id']}").json()["id"] == one["id"]
    # someone else's notification is not found and cannot be dismissed
    bobs = Notification.objects.create(
        recipient=bob, kind=NotificationKind.FOLLOW, actor=alice, text="x"
    )
    assert reader.get(f"/api/v1/notifications/{bobs.pk}").status_code == 404
    refused = reader.post(f"/api/v1/notifications/{bobs.pk}/dismiss")
    assert (refused.status_code, refused.json()) == (404, {"error": "Record not found"})
    assert Notification.objects.filter(pk=bobs.pk).exists()
    assert reader.get("/api/v1/notifications/nonsense").status_code == 404
    assert reader.post(f"/api/v1/notifications/{one['id']}/dismiss").json() == {}
    assert not Notification.objects.filter(pk=one["id"]).exists()
    assert reader.post("/api/v1/notifications/clear").json() == {}
    assert reader.get("/api/v1/notifications").json() == []
    # Kith-only kinds are not Mastodon's to clear
    assert Notification.objects.filter(recipient=alice, kind=NotificationKind.INVITATION).exists()
    assert Notification.objects.filter(pk=bobs.pk).exists()


def test_unread_count(reader, alice, busy):
    assert reader.get("/api/v1/notifications/unread_count").json() == {"count": 5}
    assert reader.get("/api/v1/notifications/unread_count?limit=2").json() == {"count": 2}
    Notification.objects.filter(recipient=alice).update(read_at="2026-01-01T00:00Z")
    assert reader.get("/api/v2/notifications/unread_count").json() == {"count": 0}


def test_scopes(alice, busy):
    statuses_only = Client()
    statuses_only.defaults.update(bearer(user_token(alice, scope="read:statuses")))
    answer = statuses_only.get("/api/v1/notifications")
    assert answer.status_code == 403
    assert answer.json() == {"error": "This action is outside the authorized scopes"}
    read_only = Client()
    read_only.defaults.update(bearer(user_token(alice, scope="read")))
    before = Notification.objects.count()
    assert read_only.post("/api/v1/notifications/clear").status_code == 403
    some = Notification.objects.filter(recipient=alice).first()
    assert read_only.post(f"/api/v1/notifications/{some.pk}/dismiss").status_code == 403
    assert Notification.objects.count() == before
    assert Client().get("/api/v1/notifications").status_code == 401


def test_grouped_v2(reader, alice, busy):
    answer = reader.get("/api/v2/notifications")
    assert answer.status_code == 200
    result = check("GroupedNotificationsResults", answer.json())
    favourites = [g for g in result["notification_groups"] if g["type"] == "favourite"]
    assert len(favourites) == 1 and favourites[0]["notifications_count"] == 2
    key = favourites[0]["group_key"]
    one = reader.get(f"/api/v2/notifications/{key}").json()
    assert [g["group_key"] for g in one["notification_groups"]] == [key]
    accounts = reader.get(f"/api/v2/notifications/{key}/accounts").json()
    assert len(accounts) == 2
    ungrouped = reader.get("/api/v2/notifications?grouped_types[]=reblog").json()
    assert len([g for g in ungrouped["notification_groups"] if g["type"] == "favourite"]) == 2
    assert reader.get("/api/v2/notifications/nonsense-1-2").status_code == 404
    assert reader.get("/api/v2/notifications/favourite-x-1").status_code == 404
    assert reader.post(f"/api/v2/notifications/{key}/dismiss").json() == {}
    assert reader.get(f"/api/v2/notifications/{key}").status_code == 404
    assert reader.get("/api/v2/notifications/policy").json()["for_not_following"] == "accept"
    assert reader.get("/api/v1/notifications/requests").json() == []


def test_query_count_is_pinned(reader, busy, django_assert_num_queries, alice, bob, carol):
    reader.get("/api/v1/notifications")  # warm the caches a response fills
    with django_assert_num_queries(QUERIES_V1):
        assert len(reader.get("/api/v1/notifications").json()) == 5
    # more notifications, same count
    for _ in range(5):
        post = actions.post_publish(author=alice, body="More")
        actions.helpful_mark(person=bob, post=post)
    reader.get("/api/v1/notifications")
    with django_assert_num_queries(QUERIES_V1):
        assert len(reader.get("/api/v1/notifications").json()) == 10


QUERIES_V1 = (
    11  # token, page, then the entities (posts, statuses with bookmarks, accounts) once each
)
