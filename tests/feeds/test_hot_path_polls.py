"""Polls on the home feed's hot path: the light path shows what the full path shows, a
vote is never served stale from the cached fragments (it raises the post's version), and
a page with polls costs one query more (the viewer's votes), whatever the number of polls."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.conversations import actions
from tests.feeds import test_hot_path
from tests.feeds.test_hot_path import _both, _shown

feed = test_hot_path.feed  # the fixture

POLL = {"options": ["Red", "Blue"], "expires_in": 3600}


def test_light_path_shows_polls_as_the_full_path(alice, bob, carol, feed, fanned):
    post = fanned(actions.post_publish, author=alice, body="Which?", poll=POLL)
    hidden = fanned(
        actions.post_publish, author=alice, body="Secret?", poll={**POLL, "hide_totals": True}
    )
    actions.poll_vote(person=bob, post=post, choices=[1])
    actions.poll_vote(person=carol, post=hidden, choices=[0])
    fanned(actions.post_repost, person=carol, post=post)
    light, full = _both(bob)
    assert light == full
    again, full = _both(bob)  # from the cached fragments
    assert again == full == light
    shown = _shown(bob, post)["poll"]
    assert shown["own_votes"] == [1] and [o["votes_count"] for o in shown["options"]] == [0, 1]
    secret = _shown(bob, hidden)["poll"]
    assert [o["votes_count"] for o in secret["options"]] == [None, None]
    assert secret["can_vote"] is True


def test_a_vote_is_never_served_stale(alice, bob, carol, feed, fanned):
    post = fanned(actions.post_publish, author=alice, body="Which?", poll=POLL)
    assert [o["votes_count"] for o in _shown(bob, post)["poll"]["options"]] == [0, 0]
    actions.poll_vote(person=carol, post=post, choices=[0])
    seen = _shown(bob, post)["poll"]
    assert [o["votes_count"] for o in seen["options"]] == [1, 0] and seen["voted"] is False
    actions.poll_vote(person=bob, post=post, choices=[1])
    seen = _shown(bob, post)["poll"]
    assert [o["votes_count"] for o in seen["options"]] == [1, 1] and seen["own_votes"] == [1]


def test_a_page_with_polls_costs_one_query_more(alice, bob, feed, fanned, token_for):
    headers = {"Authorization": f"Bearer {token_for(bob)}"}
    from django.test import Client

    client = Client()
    client.get("/api/kith/v1/feed", headers=headers)
    with CaptureQueriesContext(connection) as plain:
        client.get("/api/kith/v1/feed", headers=headers)
    for i in range(3):
        fanned(actions.post_publish, author=alice, body=f"Poll {i}", poll=POLL)
    client.get("/api/kith/v1/feed", headers=headers)
    with CaptureQueriesContext(connection) as polls:
        items = client.get("/api/kith/v1/feed", headers=headers).json()
    assert sum(1 for item in items if item["post"]["poll"]) == 3
    assert len(polls) == len(plain) + 1, [q["sql"][:80] for q in polls.captured_queries]
