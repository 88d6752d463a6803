"""Suggested posts: public, recent, from outside the viewer's network, on their interests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.safety import mute_create
from kith.relevance.models import PostEmbedding
from kith.relevance.selectors import suggested_posts
from tests.conftest import make_person
from tests.conversations.visibility_cases import CASES, SEES, viewers  # noqa: F401
from tests.relevance.conftest import FOOTBALL, GARDEN, GARDEN_2, PYTHON, set_interests


def suggested_ids(viewer) -> list[int]:
    return [s.post.pk for s in suggested_posts(viewer)]


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_suggestions_never_show_a_post_the_viewer_may_not_see(
    publish,
    alice,
    mo,
    viewers,  # noqa: F811
    visibility,
    relationship,
):
    viewer = viewers[relationship]
    post = publish(alice, f"{GARDEN} @mo", visibility=visibility)
    if viewer is None:
        assert suggested_ids(viewer) == []
        return
    set_interests(viewer, "gardening", "tomatoes")
    shown = post.pk in suggested_ids(viewer)
    if shown:
        assert relationship in SEES[visibility]
    # Only public posts, and only from outside the network: the author herself, her
    # connection (bob) and her follower (fiona) already have her; blake is blocked.
    expected = visibility == "public" and relationship in {"stranger", "mentioned"}
    assert shown == expected


def test_on_interest_posts_come_first_and_off_interest_ones_not_at_all(publish, carol):
    author = make_person("gardener")
    garden, python = publish(author, GARDEN), publish(author, PYTHON)
    garden_2, football = publish(author, GARDEN_2), publish(author, FOOTBALL)
    set_interests(carol, "gardening", "vegetables")
    suggestions = suggested_posts(carol)
    ids = [s.post.pk for s in suggestions]
    assert set(ids[:2]) == {garden.pk, garden_2.pk}
    assert python.pk not in ids and football.pk not in ids
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_nothing_is_suggested_without_interests(publish, carol):
    publish(make_person("gardener"), GARDEN)
    assert suggested_posts(carol) == []


def test_followed_and_muted_authors_and_replies_are_left_out(publish, carol, committed):
    from kith.conversations import actions

    followed, muted, other = make_person("followed"), make_person("muted"), make_person("other")
    follow_create(follower=carol, target=followed)
    mute_create(muter=carol, muted=muted)
    publish(followed, GARDEN)
    publish(muted, GARDEN)
    root = publish(other, FOOTBALL)
    with committed():
        reply = actions.post_reply(author=other, to=root, body=GARDEN_2)
    set_interests(carol, "gardening")
    authors = {s.post.author_id for s in suggested_posts(carol)}
    assert followed.pk not in authors and muted.pk not in authors
    assert reply.pk not in suggested_ids(carol)


def test_posts_older_than_the_window_and_deleted_posts_are_not_suggested(
    publish, carol, committed, settings
):
    from kith.conversations import actions

    author = make_person("gardener")
    old, gone = publish(author, GARDEN), publish(author, GARDEN_2)
    long_ago = timezone.now() - timedelta(days=settings.KITH_RELEVANCE_WINDOW_DAYS + 1)
    PostEmbedding.objects.filter(post_id=old.pk).update(posted_at=long_ago)
    with committed():
        actions.post_delete(post=gone, by=author)
    set_interests(carol, "gardening")
    assert suggested_ids(carol) == []


def test_the_index_follows_new_posts_and_edits(publish, carol, committed):
    from kith.conversations import actions

    author = make_person("writer")
    set_interests(carol, "gardening")
    assert suggested_ids(carol) == []
    post = publish(author, PYTHON)
    assert suggested_ids(carol) == []
    with committed():
        actions.post_edit(post=post, by=author, body=GARDEN)
    assert suggested_ids(carol) == [post.pk]


def test_a_post_removed_from_its_community_is_not_suggested(publish, alice, carol):
    from kith.communities import actions as communities

    set_interests(carol, "gardening", "tomatoes")
    grower = make_person("grower")
    community = communities.community_create(by=alice, slug="growers", name="Growers")
    communities.community_join(person=grower, community=community)
    kept = publish(grower, GARDEN)
    placed = publish(grower, GARDEN_2, community=community)
    assert {kept.pk, placed.pk} <= set(suggested_ids(carol))
    communities.post_remove(by=alice, post=placed, reason="Spam")
    assert placed.pk not in suggested_ids(carol)
    assert kept.pk in suggested_ids(carol)
