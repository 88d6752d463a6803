"""A post reaching feeds is announced live to its readers ("1 new post"), and only to them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from kith.conversations import actions
from kith.feeds.actions import feed_seen
from kith.feeds.models import FeedEntry, FeedState
from kith.live.broker import InProcessBroker, set_broker
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.safety import block_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker():
    cache.clear()  # feed_seen's once-an-hour key
    broker = InProcessBroker()
    old = set_broker(broker)
    yield broker
    set_broker(old)


def feed_events(broker, person) -> list[dict]:
    events = broker.since(person.pk, str(broker.first_id - 1)) or []
    return [json.loads(e.data) for e in events if e.event == "feed_entry"]


def test_fan_out_announces_the_post_to_its_readers_only(broker, alice, bob, carol):
    connection_create(person=alice, other=bob, how_met="worked_together")
    for person in (alice, bob, carol):
        feed_seen(person=person)
    post = actions.post_publish(author=bob, body="Saturday's plan", visibility="connections")
    assert feed_events(broker, alice) == [{"post": str(post.pk), "via": None}]
    assert feed_events(broker, bob) == []  # the author is not told of their own post
    assert feed_events(broker, carol) == []  # a stranger: not a reader, nothing announced


def test_a_repost_is_announced_with_the_post_it_shares(broker, alice, bob, carol):
    connection_create(person=alice, other=bob, how_met="worked_together")
    feed_seen(person=alice)
    original = actions.post_publish(author=carol, body="Worth reading")
    repost = actions.post_repost(person=bob, post=original)
    assert feed_events(broker, alice) == [{"post": str(original.pk), "via": str(repost.pk)}]


def test_a_blocked_reader_hears_nothing(broker, alice, bob):
    connection_create(person=alice, other=bob, how_met="worked_together")
    block_create(blocker=bob, blocked=alice)
    feed_seen(person=alice)
    actions.post_publish(author=bob, body="Not for alice")
    assert feed_events(broker, alice) == []


def test_only_readers_who_opened_their_feed_lately_are_told(broker, alice, bob):
    connection_create(person=alice, other=bob, how_met="worked_together")
    feed_seen(person=alice)
    FeedState.objects.filter(person=alice).update(last_seen_at=timezone.now() - timedelta(hours=3))
    post = actions.post_publish(author=bob, body="Nobody is looking")
    assert feed_events(broker, alice) == []  # the entry is written all the same
    assert FeedEntry.objects.filter(owner=alice, post=post).exists()
