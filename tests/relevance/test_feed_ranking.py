"""The ranked home feed ("Conversations") scores interest with the embeddings' relevance."""

from __future__ import annotations

from kith.feeds import selectors
from kith.relationships.actions.follows import follow_create
from tests.relevance.conftest import FOOTBALL, GARDEN, set_interests


def test_conversations_mode_ranks_what_matches_the_readers_interests_first(alice, bob, publish):
    follow_create(follower=bob, target=alice)
    set_interests(bob, "gardening", "vegetables")
    garden = publish(alice, GARDEN)
    football = publish(alice, FOOTBALL)  # newer: first in Latest
    latest = selectors.home_feed(bob, mode=selectors.LATEST)
    assert [item.post.pk for item in latest.items] == [football.pk, garden.pk]
    ranked = selectors.home_feed(bob, mode=selectors.CONVERSATIONS)
    assert [item.post.pk for item in ranked.items] == [garden.pk, football.pk]
    scores = {item.post.pk: item.score.interest for item in ranked.items}
    assert scores[garden.pk] > scores[football.pk]
    assert scores[garden.pk] > 0.5  # 2.0 × a cosine well above the football post's


def test_a_reader_without_interests_keeps_the_stored_overlap(alice, bob, publish):
    follow_create(follower=bob, target=alice)
    post = publish(alice, "#pottery glazes that work at cone 6")
    [item] = selectors.home_feed(bob, mode=selectors.CONVERSATIONS).items
    assert item.post.pk == post.pk and item.score.interest == 0.0
