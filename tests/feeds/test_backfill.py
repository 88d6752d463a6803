"""Backfill: a reader back after 30 days away gets what the fan-out would have written for
them, reason by reason: each case sets up two readers alike, one away and one here, and
the one coming back must end with the same entry (reason, detail, score) as the other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kith.communities import actions as communities
from kith.conversations import actions
from kith.feeds import actions as feed_actions
from kith.feeds.actions import feed_seen
from kith.feeds.backfill import feed_backfill
from kith.feeds.models import FeedEntry, FeedState
from kith.people.models import Person
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.follows import follow_create, follow_settings_set
from tests.conftest import make_person


def _away(person, days=40):
    then = timezone.now() - timedelta(days=days)
    Person.objects.filter(pk=person.pk).update(last_login=then, date_joined=then)
    FeedState.objects.update_or_create(person=person, defaults={"last_seen_at": then})


def _entry(reader, post):
    shown = post.repost_of if post.repost_of_id else post
    row = (
        FeedEntry.objects.filter(owner=reader, post=shown)
        .values_list("reason", "reason_detail", "score_relationship", "via_post_id", "sharer_id")
        .first()
    )
    return row


def _follow(alice, reader, **_):
    follow_create(follower=reader, target=alice)
    return lambda: actions.post_publish(author=alice, body="Followed")


def _connection(alice, reader, **_):
    connection_create(person=alice, other=reader, how_met="worked_together")
    return lambda: actions.post_publish(author=alice, body="Connected", visibility="connections")


def _topic(alice, reader, **_):
    communities.tag_follow(person=reader, tag="glazes")
    return lambda: actions.post_publish(author=alice, body="New #glazes")


def _named_topic(alice, reader, topic, **_):
    communities.topic_follow(person=reader, topic=topic)
    return lambda: actions.post_publish(author=alice, body="About #kilns")


def _community(alice, reader, community, **_):
    communities.community_join(person=reader, community=community)
    return lambda: actions.post_publish(author=alice, body="Hello potters", community=community)


def _mention(alice, reader, **_):
    return lambda: actions.post_publish(author=alice, body=f"Hello @{reader.handle}")


def _question(alice, reader, bob, **_):
    # Routed to people who offered to answer #glazes, near the asker (a connection of
    # a connection here).
    connection_create(person=bob, other=reader, how_met="worked_together")
    feed_actions.answer_offer_add(person=reader, tag="glazes")
    return lambda: actions.post_publish(author=alice, body="Why do #glazes crawl?", kind="question")


def _repost(alice, reader, carol, **_):
    follow_create(follower=reader, target=carol)
    original = actions.post_publish(author=alice, body="Worth sharing")
    return lambda: actions.post_repost(person=carol, post=original)


def _reply_seen_via_show_replies(alice, reader, carol, **_):
    follow_create(follower=reader, target=carol)
    follow_settings_set(follower=reader, target=carol, show_replies=True)
    root = actions.post_publish(author=alice, body="A question of taste")
    return lambda: actions.post_reply(author=carol, to=root, body="Mine is simple")


CASES = {
    "follow": (_follow, "follow"),
    "connection": (_connection, "connection"),
    "topic": (_topic, "topic"),
    "named topic": (_named_topic, "topic"),
    "community": (_community, "community"),
    "mention": (_mention, "mention"),
    "question": (_question, "question"),
    "repost": (_repost, "repost"),
    "reply (show replies)": (_reply_seen_via_show_replies, "follow"),
}


@pytest.fixture
def topic(db, alice):
    return communities.topic_create(by=alice, slug="kilns", name="Kilns", tags=["kilns"])


@pytest.fixture
def community(db, alice):
    return communities.community_create(by=alice, slug="potters", name="Potters")


@pytest.mark.parametrize("case", list(CASES))
def test_a_returning_reader_gets_what_the_fan_out_would_have_written(
    alice, bob, carol, topic, community, fanned, case
):
    setup, reason = CASES[case]
    connection_create(person=alice, other=bob, how_met="worked_together")
    here, away = make_person("sam"), make_person("ruth")
    publishers = [
        setup(alice, reader, bob=bob, carol=carol, topic=topic, community=community)
        for reader in (here, away)
    ]
    _away(away)
    post = fanned(publishers[0])
    # Each reader is mentioned by a post of their own; otherwise both read the same post.
    other = fanned(publishers[1]) if case == "mention" else post
    expected = _entry(here, post)
    assert expected is not None and expected[0] == reason
    assert _entry(away, other) is None  # skipped while away

    assert feed_seen(person=away) is True
    assert _entry(away, other) == expected
    assert feed_backfill(person=away) == 0  # idempotent


def test_a_reply_to_you_comes_back(alice, carol, fanned):
    away = make_person("ruth")
    mine = actions.post_publish(author=away, body="My question")
    _away(away)
    reply = fanned(actions.post_reply, author=carol, to=mine, body="An answer")
    assert _entry(away, reply) is None
    feed_seen(person=away)
    assert _entry(away, reply)[0] == "reply"


def test_backfill_brings_nothing_the_reader_may_not_see_or_has_no_reason_for(
    alice, bob, carol, community, fanned
):
    away = make_person("ruth")
    follow_create(follower=away, target=alice)
    communities.community_join(person=away, community=community)
    _away(away)
    fanned(actions.post_publish, author=alice, body="Connections only", visibility="connections")
    fanned(actions.post_publish, author=carol, body="A stranger's post")
    bobs = actions.post_publish(author=bob, body="x")
    fanned(actions.post_reply, author=carol, to=bobs, body="y")
    removed = fanned(actions.post_publish, author=alice, body="Off topic", community=community)
    communities.post_remove(by=alice, post=removed, reason="Off topic")
    old = fanned(actions.post_publish, author=alice, body="Long ago")
    FeedEntry.objects.filter(post=old).delete()
    from kith.conversations.models import Post

    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=45))
    feed_seen(person=away)
    reasons = dict(FeedEntry.objects.filter(owner=away).values_list("post__body", "reason"))
    # alice's public post in the community reaches her as a follower, not as a member.
    assert reasons == {"Off topic": "follow"}
