"""A repost shows its original inside it, so it may be seen only by those who may see its
original: narrowing the original (only public posts can be reposted) takes its reposts off
every surface for everyone it no longer reaches — the rule, the hot path, the feeds, the API."""

from __future__ import annotations

import pytest

from kith.conversations import actions
from kith.conversations.access import light_posts_by_ids, posts_by_ids, visible_posts
from kith.feeds import selectors
from kith.relationships.actions.follows import follow_create


@pytest.fixture
def shared(alice, bob, carol, django_capture_on_commit_callbacks):
    """alice's public post, reposted by bob (her connection); carol follows bob only."""
    follow_create(follower=carol, target=bob)
    with django_capture_on_commit_callbacks(execute=True):
        original = actions.post_publish(author=alice, body="Public at first")
    with django_capture_on_commit_callbacks(execute=True):
        repost = actions.post_repost(person=bob, post=original)
    return original, repost


def _feed_ids(viewer, **options):
    return [item.post.pk for item in selectors.home_feed(viewer, **options).items]


def test_the_repost_is_seen_while_the_original_is_public(carol, shared):
    _original, repost = shared
    assert visible_posts(carol).filter(pk=repost.pk).exists()
    assert repost.pk in light_posts_by_ids(carol, [repost.pk])
    assert repost.pk in _feed_ids(carol) and repost.pk in _feed_ids(carol, light=True)


@pytest.mark.parametrize("visibility", ["followers", "connections", "mentioned"])
def test_narrowing_the_original_hides_its_reposts_everywhere(
    alice, bob, carol, shared, token_for, api, visibility
):
    original, repost = shared
    actions.post_set_visibility(post=original, by=alice, visibility=visibility)
    for viewer in (carol, None):
        assert not visible_posts(viewer).filter(pk__in=[original.pk, repost.pk]).exists()
    assert repost.pk not in posts_by_ids(carol, [repost.pk])
    assert repost.pk not in light_posts_by_ids(carol, [repost.pk])
    assert repost.pk not in _feed_ids(carol)
    assert repost.pk not in _feed_ids(carol, light=True)
    token = token_for(carol)
    assert api("GET", f"/posts/{repost.pk}", token=token).status_code == 404
    body = api("GET", "/feed?limit=20", token=token).json()
    assert "Public at first" not in str(body)
    # alice, and bob (her connection, the sharer) still see it where the new audience allows
    assert visible_posts(alice).filter(pk__in=[original.pk, repost.pk]).count() == 2
    bob_sees = visibility in ("followers", "connections")
    assert visible_posts(bob).filter(pk=repost.pk).exists() == bob_sees
    assert (repost.pk in light_posts_by_ids(bob, [repost.pk])) == bob_sees


def test_widening_it_again_brings_the_repost_back(alice, carol, shared):
    original, repost = shared
    actions.post_set_visibility(post=original, by=alice, visibility="connections")
    actions.post_set_visibility(post=original, by=alice, visibility="public")
    assert visible_posts(carol).filter(pk=repost.pk).exists()
    assert repost.pk in light_posts_by_ids(carol, [repost.pk])
