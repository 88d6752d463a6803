"""The unread count a live event carries is the count the notifications page and API show:
a notification about a post its reader may no longer see does not count."""

from __future__ import annotations

import json

import pytest

from kith.feeds.actions import notify
from kith.feeds.models import Notification, NotificationKind
from kith.live.asgi import counts_event
from kith.live.broker import InProcessBroker, set_broker
from kith.notify.selectors import unread_count
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.safety import block_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker():
    broker = InProcessBroker()
    old = set_broker(broker)
    yield broker
    set_broker(old)


def notification_events(broker, person) -> list[dict]:
    events = broker.since(person.pk, str(broker.first_id - 1)) or []
    return [json.loads(e.data) for e in events if e.event == "notification"]


def test_live_unread_count_leaves_out_notifications_about_posts_no_longer_visible(
    api, token_for, broker, alice, bob, carol, publish
):
    connection_create(person=alice, other=bob, how_met="worked_together")
    private = publish(alice, "Only for my connections", visibility="connections")
    public = publish(carol, "For everyone")
    for post in (private, public):
        notify(
            recipient=bob,
            kind=NotificationKind.REPLY,
            actor=post.author,
            text="a reply",
            url=post.get_absolute_url(),
            post=post,
        )
    assert [e["unread"] for e in notification_events(broker, bob)] == [1, 2]

    # bob may no longer see alice's post: its notification stays stored but does not count.
    block_create(blocker=alice, blocked=bob)
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 2
    assert unread_count(bob) == 1

    notify(recipient=bob, kind=NotificationKind.CONNECTED, text="no post")
    last = notification_events(broker, bob)[-1]
    assert last["kind"] == "connected"
    assert last["unread"] == 2 == unread_count(bob)
    assert api("get", "/notifications/unread", token=token_for(bob)).json() == {"unread": 2}
    # The counts a stream opens with agree.
    assert json.loads(counts_event(bob.pk).data)["notifications"] == 2
