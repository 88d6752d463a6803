"""A page of statuses costs the same number of queries whether it holds 1 or 20, with
reblogs, quotes, media, mentions and tags; cached parts save the four that build them."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from kith.conversations import actions
from kith.conversations.access import annotate_light, light_posts_by_ids
from kith.conversations.actions.media import media_upload
from kith.feeds.actions import keyword_filter_add
from kith.mastodon import entities
from tests.conftest import make_person
from tests.mastodon.conftest import load, png

# The viewer's reactions and reposts 2, the cached parts 4, accounts 4 (people, public
# fields, counts, the viewer's connections), keyword filters 1, the viewer's bookmarks 1...
PLAIN = 12
# ...plus one when the page holds a reblog (its original, checked again for the viewer) and
# one when it holds a quote (which quoted posts the viewer may see).
MIXED = PLAIN + 2
# ...and five fewer once the posts' parts and the accounts' counts are in the cache.
WARM = 5
# Light posts annotated by the caller, parts cached: reblog originals, accounts, filters,
# bookmarks.
LIGHT_WARM = 6


@pytest.fixture
def page(alice, bob, carol):
    """Twenty posts by several authors: with images, mentions, tags, reblogs and quotes."""
    keyword_filter_add(owner=bob, phrase="never matches")
    authors = [alice, carol] + [make_person(f"writer{i}") for i in range(4)]
    posts = []
    for i in range(20):
        author = authors[i % len(authors)]
        kind = i % 4
        if kind == 0:
            image = media_upload(owner=author, data=png(), alt_text=f"Image {i}")
            posts.append(
                actions.post_publish(
                    author=author, body=f"Post {i} for @bob #tag{i}", media_ids=[image.pk]
                )
            )
        elif kind == 1:
            original = actions.post_publish(author=authors[(i + 1) % 6], body=f"Shared {i}")
            posts.append(actions.post_repost(person=author, post=original))
        elif kind == 2:
            quoted = actions.post_publish(author=authors[(i + 2) % 6], body=f"Quoted {i} #q")
            posts.append(actions.post_quote(author=author, post=quoted, body=f"Quote {i}"))
        else:
            posts.append(actions.post_publish(author=author, body=f"Plain {i} @alice"))
    return posts


def _count(django_assert_num_queries, expected, posts, viewer):
    with django_assert_num_queries(expected):
        found = entities.statuses(posts, viewer)
    assert len(found) == len(posts)
    return found


@pytest.mark.parametrize(("size", "queries"), [(1, PLAIN), (4, MIXED), (20, MIXED)])
def test_a_page_of_statuses_takes_a_fixed_number_of_queries(
    bob, page, size, queries, django_assert_num_queries
):
    chosen = page[-size:]  # 1: a plain post; 4 and 20: every kind of post
    cache.clear()
    _count(django_assert_num_queries, queries, load(bob, *chosen), bob)
    _count(django_assert_num_queries, queries - WARM, load(bob, *chosen), bob)


def test_light_posts_annotated_by_the_caller_cost_the_fewest(bob, page, django_assert_num_queries):
    plain = [p for p in page if p.quote_of_id is None]  # the light path holds no quotes
    entities.statuses(load(bob, *plain), bob)  # warms the cache
    light = light_posts_by_ids(bob, [p.pk for p in plain])
    light = annotate_light(bob, [light[p.pk] for p in plain])
    _count(django_assert_num_queries, LIGHT_WARM, light, bob)
