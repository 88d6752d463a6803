"""Poll: the shape the documentation gives (schemas/Poll.json) and what the viewer sees of
Kith's polls (hidden totals, own votes), in statuses and in the poll-ended notification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from kith.conversations import actions
from kith.conversations.access import annotate_light, light_posts_by_ids
from kith.conversations.actions.polls import poll_vote, polls_end_due
from kith.mastodon import entities
from kith.notify.selectors import visible_notifications
from tests.mastodon.conftest import load
from tests.mastodon.schema import check
from tests.mastodon.test_entity_queries import PLAIN


def one(viewer, post) -> dict:
    (data,) = entities.statuses(load(viewer, post), viewer)
    return check("Status", data)


def ask(author, **poll):
    return actions.post_publish(
        author=author,
        body="Which glaze?",
        poll={"options": ["Celadon", "Tenmoku", "Shino"], "expires_in": 3600, **poll},
    )


def test_a_poll_in_a_status(alice, bob, carol):
    post = ask(alice)
    poll_vote(person=bob, post=post, choices=[1])
    data = check("Poll", one(bob, post)["poll"])
    assert [o["title"] for o in data["options"]] == ["Celadon", "Tenmoku", "Shino"]
    assert [o["votes_count"] for o in data["options"]] == [0, 1, 0]
    assert data["votes_count"] == 1 and data["voters_count"] is None  # single choice
    assert data["multiple"] is False and data["expired"] is False
    assert data["voted"] is True and data["own_votes"] == [1]
    assert one(carol, post)["poll"]["voted"] is False
    anonymous = one(None, post)["poll"]
    assert "voted" not in anonymous and "own_votes" not in anonymous
    assert one(bob, actions.post_publish(author=alice, body="No poll"))["poll"] is None


def test_hidden_totals_and_multiple_choice(alice, bob, carol):
    post = ask(alice, hide_totals=True, multiple=True)
    poll_vote(person=bob, post=post, choices=[0, 2])
    hidden = one(carol, post)["poll"]
    assert [o["votes_count"] for o in hidden["options"]] == [None, None, None]
    assert hidden["voters_count"] == 1 and hidden["votes_count"] == 2
    assert [o["votes_count"] for o in one(alice, post)["poll"]["options"]] == [1, 0, 1]


def test_a_vote_shows_at_once_through_the_cache(alice, bob, carol):
    post = ask(alice)
    assert one(carol, post)["poll"]["votes_count"] == 0
    poll_vote(person=bob, post=post, choices=[0])
    assert one(carol, post)["poll"]["votes_count"] == 1


def test_light_posts_with_polls_read_as_full_ones(alice, bob, carol):
    post = ask(alice)
    poll_vote(person=bob, post=post, choices=[2])
    repost = actions.post_repost(person=carol, post=post)
    full = entities.statuses(load(bob, repost, post), bob)
    cache.clear()
    light = light_posts_by_ids(bob, [repost.pk, post.pk])
    light = annotate_light(bob, [light[repost.pk], light[post.pk]])
    assert entities.statuses(light, bob) == full
    assert full[0]["reblog"]["poll"]["own_votes"] == [2]


def test_the_end_of_a_poll_notifies_with_poll(alice, bob):
    post = ask(alice)
    poll_vote(person=bob, post=post, choices=[0])
    polls_end_due(now=dt.datetime.now(dt.UTC) + dt.timedelta(hours=2))
    for person in (alice, bob):
        items = list(visible_notifications(person).order_by("-id"))
        found = [n for n in entities.notifications(items, person) if n["type"] == "poll"]
        assert len(found) == 1, person
        check("Notification", found[0])
        assert found[0]["account"]["acct"] == "alice"  # the poll's author, for both
        assert found[0]["status"]["id"] == str(post.pk) and found[0]["status"]["poll"]


@pytest.mark.parametrize("size", [1, 10])
def test_polls_cost_one_query_more_whatever_their_number(
    alice, bob, size, django_assert_num_queries
):
    posts = [ask(alice) for _ in range(size)]
    loaded = load(bob, *posts)
    # the page of plain posts (test_entity_queries.PLAIN) and the viewer's votes
    with django_assert_num_queries(PLAIN + 1):
        assert len(entities.statuses(loaded, bob)) == size
