"""A post reaching feeds is announced live to its readers ("1 new post"), and only to them."""

from __future__ import annotations

import json

import pytest

from kith.conversations import actions
from kith.live.broker import InProcessBroker, set_broker
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.safety import block_create

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker():
    broker = InProcessBroker()
    old = set_broker(broker)
    yield broker
    set_broker(old)


def feed_events(broker, person) -> list[dict]:
    events = broker.since(person.pk, str(broker.first_id - 1)) or []
    return [json.loads(e.data) for e in events if e.event == "feed_entry"]


def test_fan_out_announces_the_post_to_its_readers_only(broker, alice, bob, carol):
    connection_create(person=alice, other=bob, how_met="worked_together")
    post = actions.post_publish(author=bob, body="Saturday's plan", visibility="connections")
    assert feed_events(broker, alice) == [{"post": str(post.pk), "via": None}]
    assert feed_events(broker, bob) == []  # the author is not told of their own post
    assert feed_events(broker, carol) == []  # a stranger: not a reader, nothing announced


def test_a_repost_is_announced_with_the_post_it_shares(broker, alice, bob, carol):
    connection_create(person=alice, other=bob, how_met="worked_together")
    original = actions.post_publish(author=carol, body="Worth reading")
    repost = actions.post_repost(person=bob, post=original)
    assert feed_events(broker, alice) == [{"post": str(original.pk), "via": str(repost.pk)}]


def test_a_blocked_reader_hears_nothing(broker, alice, bob):
    connection_create(person=alice, other=bob, how_met="worked_together")
    block_create(blocker=bob, blocked=alice)
    actions.post_publish(author=bob, body="Not for alice")
    assert feed_events(broker, alice) == []
