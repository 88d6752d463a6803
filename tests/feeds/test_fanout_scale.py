"""Fan-out at scale: a fixed number of queries whatever the number of readers, and every
query on the feed table served by one of its indexes (SQLite's query plan)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.conversations import actions
from kith.feeds import fanout, selectors
from kith.feeds.actions import (
    fan_out_post,
    feed_prune_between,
    feed_prune_block,
    feed_recheck_post,
    feed_remove_post,
)
from kith.feeds.models import FeedEntry
from kith.people.models import Person
from kith.relationships.models import Follow
from tests.feeds.conftest import reasons


def add_followers(target, count: int, prefix: str) -> list[Person]:
    Person.objects.bulk_create(
        [
            Person(handle=f"{prefix}{i}", display_name=prefix, email=f"{prefix}{i}@example.org")
            for i in range(count)
        ]
    )
    people = list(Person.objects.filter(handle__startswith=prefix))
    Follow.objects.bulk_create([Follow(follower=p, target_person=target) for p in people])
    return people


def fan_out_queries(post) -> tuple[int, int]:
    FeedEntry.objects.filter(post=post).delete()
    with CaptureQueriesContext(connection) as queries:
        written = fan_out_post(post=post)
    return written, len(queries)


def test_the_fan_out_costs_the_same_queries_for_3_or_300_readers(alice, fanned):
    add_followers(alice, 3, "few")
    few = fanned(actions.post_publish, author=alice, body="To a few")
    written_few, queries_few = fan_out_queries(few)
    add_followers(alice, 297, "many")
    many = fanned(actions.post_publish, author=alice, body="To many")
    written_many, queries_many = fan_out_queries(many)
    assert (written_few, written_many) == (4, 301)  # with alice's own entry
    assert queries_many == queries_few
    assert set(reasons(many).values()) == {"own", "follow"}


def test_follow_settings_reach_the_plan_among_many_followers(alice, bob, fanned):
    """Followers are read as ids, then the few who changed a setting: both count."""
    people = add_followers(alice, 50, "reader")
    Follow.objects.filter(follower=people[7]).update(hide_reposts=True)
    Follow.objects.filter(follower=people[9]).update(show_replies=True)
    circle = fanout.circle_of(alice.pk)
    assert circle.followers[people[7].pk] == (True, False)
    assert circle.followers[people[9].pk] == (False, True)
    assert circle.followers[people[8].pk] == (False, False)
    assert set(circle.connections) == {bob.pk}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_every_query_on_the_feed_table_uses_an_index(alice, bob, carol, fanned):
    add_followers(alice, 30, "reader")
    post = fanned(actions.post_publish, author=alice, body="Indexed #kiln")
    fanned(actions.post_repost, person=bob, post=post)
    reply = fanned(actions.post_reply, author=bob, to=post, body="Indexed too")
    with CaptureQueriesContext(connection) as queries:
        fan_out_post(post=reply)
        for mode in (selectors.LATEST, selectors.CONVERSATIONS):
            selectors.home_feed(bob, mode=mode)
        selectors.home_feed(bob, max_id=str(post.pk + 1))
        feed_recheck_post(post=post)
        feed_prune_between(reader=carol, other=alice)
        feed_prune_block(blocker_id=carol.pk, blocked_id=alice.pk)
        feed_remove_post(post=reply)
    on_feed = [
        q["sql"] for q in queries if "feeds_feedentry" in q["sql"] and "INSERT INTO" not in q["sql"]
    ]
    assert len(on_feed) >= 8
    with connection.cursor() as cursor:
        for sql in on_feed:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " | ".join(row[-1] for row in cursor.fetchall())
            full_scans = [s for s in plan.split(" | ") if s.startswith("SCAN feeds_feedentry")]
            assert "USING INDEX feed_entry_" in plan and not full_scans, (sql, plan)
