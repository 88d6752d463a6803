"""Notification (v1) and GroupedNotificationsResults (v2) from the notifications Kith's
actions store: type mapping, Kith-only kinds left out, access checked again at read time."""

from __future__ import annotations

import pytest

from kith.conversations import actions
from kith.feeds.models import Notification, NotificationKind
from kith.mastodon import entities
from kith.notify.selectors import visible_notifications
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.invitations import invitation_send
from tests.conftest import make_person
from tests.mastodon.schema import check


def mine(person) -> list[Notification]:
    return list(visible_notifications(person).order_by("-id"))


@pytest.fixture
def busy(alice, bob, carol):
    """alice's notifications: one of each kind a Mastodon app knows, and an invitation."""
    post = actions.post_publish(author=alice, body="Glaze notes #kiln")
    actions.post_publish(author=bob, body="Hello @alice")  # mention
    actions.post_reply(author=bob, to=post, body="Thanks")  # reply
    actions.helpful_mark(person=bob, post=post)  # helpful
    actions.helpful_mark(person=carol, post=post)
    actions.post_repost(person=carol, post=post)  # repost
    actions.post_quote(author=carol, post=post, body="Read this")  # quote
    follow_create(follower=carol, target=alice)  # follow
    invitation_send(sender=make_person("dana"), recipient=alice, how_known="in_person")
    return post


def test_notification_types_follow_the_mapping(alice, busy):
    found = [check("Notification", n) for n in entities.notifications(mine(alice), alice)]
    types = sorted(n["type"] for n in found)
    assert types == sorted(
        ["mention", "mention", "favourite", "favourite", "reblog", "quote", "follow"]
    )
    assert NotificationKind.INVITATION in {n.kind for n in mine(alice)}  # stored, not shown
    favourite = next(n for n in found if n["type"] == "favourite")
    assert favourite["status"]["id"] == str(busy.pk)
    assert favourite["group_key"].startswith(f"favourite-{busy.pk}-")
    follow = next(n for n in found if n["type"] == "follow")
    assert "status" not in follow and follow["account"]["acct"] == "carol"
    mention = next(n for n in found if n["type"] == "mention" and n["status"]["in_reply_to_id"])
    assert mention["group_key"] == f"ungrouped-{mention['id']}"


def test_mapping_table_and_kinds_for_types():
    assert entities.notification_type("helpful") == "favourite"
    assert entities.notification_type("connected") == "follow"
    assert entities.notification_type("edit") == "update"
    assert entities.notification_type("invitation") is None
    assert entities.notification_type("used_it") is None
    assert set(entities.mastodon_kinds(["favourite", "follow"])) == {
        "helpful", "follow", "connected"
    }  # fmt: skip
    assert "helpful" not in entities.mastodon_kinds(exclude=["favourite"])
    assert entities.mastodon_kinds(["admin.report"]) == []


def test_a_notification_about_a_post_the_reader_can_no_longer_see_is_left_out(alice, carol):
    post = actions.post_publish(author=carol, body="Hi @alice")
    assert [n["type"] for n in entities.notifications(mine(alice), alice)] == ["mention"]
    stored = mine(alice)
    actions.post_delete(post=post, by=carol)
    assert entities.notifications(stored, alice) == []


def test_an_edit_notifies_with_update(alice, bob):
    post = actions.post_publish(author=alice, body="Draft")
    actions.post_reply(author=bob, to=post, body="Reply")
    actions.post_edit(post=post, by=alice, body="Final")
    (update,) = [n for n in entities.notifications(mine(bob), bob) if n["type"] == "update"]
    check("Notification", update)
    assert "Final" in update["status"]["content"]


def test_a_new_connection_notifies_as_a_follow(alice):
    from kith.feeds.actions import notify

    other = make_person("eve")
    notify(recipient=alice, kind="connected", actor=other, text="You are connected")
    (data,) = entities.notifications(mine(alice), alice)
    assert data["type"] == "follow" and data["account"]["acct"] == "eve"


def test_grouped_notifications_fold_favourites_and_reblogs(alice, bob, carol, busy):
    grouped = check(
        "GroupedNotificationsResults", entities.grouped_notifications(mine(alice), alice)
    )
    groups = {g["type"]: g for g in grouped["notification_groups"] if g["type"] == "favourite"}
    favourites = groups["favourite"]
    assert favourites["notifications_count"] == 2
    assert favourites["sample_account_ids"] == [str(carol.pk), str(bob.pk)]
    assert favourites["status_id"] == str(busy.pk)
    assert {a["acct"] for a in grouped["accounts"]} == {"bob", "carol"}
    assert len({s["id"] for s in grouped["statuses"]}) == len(grouped["statuses"])
    assert len(grouped["notification_groups"]) == 6  # two favourites fold into one
    ungrouped = entities.grouped_notifications(mine(alice), alice, grouped_types=[])
    assert len(ungrouped["notification_groups"]) == 7
    assert all(g["group_key"].startswith("ungrouped-") for g in ungrouped["notification_groups"])


@pytest.mark.parametrize("size", [1, 20])
def test_notifications_take_a_fixed_number_of_queries(alice, size, django_assert_num_queries):
    for i in range(size):
        person = make_person(f"fan{i}")
        post = actions.post_publish(author=alice, body=f"Post {i}")
        actions.helpful_mark(person=person, post=post)
        actions.post_publish(author=person, body=f"Hi @alice {i}")
    items = mine(alice)
    assert len(items) == 2 * size
    # posts through the access rule 2 (with their tags), statuses 8 (with the viewer's
    # bookmarks), accounts (actors and authors at once) 4
    with django_assert_num_queries(14):
        assert len(entities.notifications(items, alice)) == 2 * size
