"""The truth table (tests/conversations/visibility_cases.py) through the Mastodon entities:
a post's text reaches a viewer in a Status, a reblog or a quote only when the access rule
lets them see the post, including when its author narrowed its visibility after it was
shared or quoted."""

from __future__ import annotations

import pytest

from kith.conversations import actions
from kith.mastodon import entities
from tests.conftest import make_person
from tests.conversations.visibility_cases import CASES, SEES
from tests.mastodon.conftest import load


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_a_status(alice, viewers, visibility, relationship):
    post = actions.post_publish(author=alice, body="Secret words @mo", visibility=visibility)
    viewer = viewers[relationship]
    shown = entities.statuses(load(viewer, post), viewer)
    assert ("Secret words" in str(shown)) == (relationship in SEES[visibility])


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_a_reblog_of_a_post_narrowed_after_it_was_shared(alice, viewers, visibility, relationship):
    post = actions.post_publish(author=alice, body="Secret words @mo")
    repost = actions.post_repost(person=make_person("sharer"), post=post)
    actions.post_set_visibility(post=post, by=alice, visibility=visibility)
    viewer = viewers[relationship]
    shown = entities.statuses(load(viewer, repost), viewer)
    assert ("Secret words" in str(shown)) == (relationship in SEES[visibility])


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_a_quote_of_a_post_narrowed_after_it_was_quoted(alice, viewers, visibility, relationship):
    post = actions.post_publish(author=alice, body="Secret words @mo")
    quote = actions.post_quote(author=make_person("quoter"), post=post, body="Look at this")
    actions.post_set_visibility(post=post, by=alice, visibility=visibility)
    viewer = viewers[relationship]
    shown = entities.statuses(load(viewer, quote), viewer)
    assert "Look at this" in str(shown) or relationship == "blocked"
    assert ("Secret words" in str(shown)) == (relationship in SEES[visibility])
