"""No feed ever carries a post its reader may not see: visibility × relationship, for the
entries written (fan-out, write time) and for every feed read (Latest, Conversations, a list,
the web page, the API), and again after the relationship changes under an entry."""

from __future__ import annotations

import pytest

from kith.conversations import actions
from kith.conversations.access import visible_posts
from kith.feeds import actions as feed_actions
from kith.feeds import selectors
from kith.feeds.models import FeedEntry
from kith.relationships.actions.safety import block_create
from tests.conversations.visibility_cases import CASES, SEES, viewers  # noqa: F401

BODY = "Plans for the allotment, @mo"


def _home_post_ids(viewer) -> set[int]:
    ids = set()
    for mode in selectors.MODES:
        ids |= {item.shown.pk for item in selectors.home_feed(viewer, mode=mode)}
    return ids


def _list_post_ids(viewer) -> set[int]:
    """The posts of a list of everyone around alice (alice on it), as `viewer` reads it."""
    ids = set()
    person_list = feed_actions.person_list_create(owner=viewer, name="All")
    for other in ("alice", "bob", "fiona", "mo", "blake", "carol"):
        from kith.people.models import Person

        person = Person.objects.get(handle=other)
        if person.pk != viewer.pk:
            feed_actions.person_list_add(person_list=person_list, person=person)
    ids |= {item.shown.pk for item in selectors.list_feed(viewer, person_list)}
    return ids


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_no_feed_carries_a_post_its_reader_may_not_see(
    alice,
    viewers,  # noqa: F811
    fanned,
    visibility,
    relationship,
):
    viewer = viewers[relationship]
    post = fanned(actions.post_publish, author=alice, body=BODY, visibility=visibility)
    expected = relationship in SEES[visibility]
    if viewer is None:
        assert visible_posts(None).filter(pk=post.pk).exists() is expected
        return
    # Everyone who may see it and has a reason (a stranger has none) gets an entry.
    in_home = expected and relationship != "stranger"
    assert FeedEntry.objects.filter(owner=viewer, post=post).exists() is in_home
    assert (post.pk in _home_post_ids(viewer)) is in_home
    # A list of people is read straight from the posts, through the same rule.
    assert (post.pk in _list_post_ids(viewer)) is (expected and viewer != alice)


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_a_repost_reaches_only_who_may_see_both(
    alice,
    bob,
    viewers,  # noqa: F811
    fanned,
    visibility,
    relationship,
):
    """bob (alice's connection) reposts her public post with `visibility`: the repost
    reaches who may see the repost and its original."""
    viewer = viewers[relationship]
    if viewer is None or viewer == bob:
        return
    from kith.relationships.actions.follows import follow_create

    post = fanned(actions.post_publish, author=alice, body="For everyone")
    if relationship not in ("author", "blocked"):
        follow_create(follower=viewer, target=bob)
    if visibility == "mentioned":
        return  # a repost is public, followers or connections
    repost = fanned(actions.post_repost, person=bob, post=post, visibility=visibility)
    for item in selectors.home_feed(viewer).items:
        assert visible_posts(viewer).filter(pk=item.post.pk).exists()
        assert visible_posts(viewer).filter(pk=item.shown.pk).exists()
    entry = FeedEntry.objects.filter(owner=viewer, via_post=repost).first()
    if entry is not None:
        assert visible_posts(viewer).filter(pk=repost.pk).exists()


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_after_a_block_no_feed_carries_the_post(
    alice,
    viewers,  # noqa: F811
    fanned,
    visibility,
    relationship,
):
    viewer = viewers[relationship]
    if viewer is None or viewer == alice:
        return
    post = fanned(actions.post_publish, author=alice, body=BODY, visibility=visibility)
    block_create(blocker=viewer, blocked=alice)
    assert not FeedEntry.objects.filter(owner=viewer, post=post).exists()
    assert post.pk not in _home_post_ids(viewer)
    assert post.pk not in _list_post_ids(viewer)


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_web_and_api_feeds_agree_with_the_rule(
    client,
    api,
    token_for,
    alice,
    viewers,  # noqa: F811
    fanned,
    visibility,
    relationship,
):
    viewer = viewers[relationship]
    if viewer is None:
        assert client.get("/feed/").status_code == 302
        assert api("GET", "/feed").status_code == 401
        return
    post = fanned(actions.post_publish, author=alice, body=BODY, visibility=visibility)
    expected = relationship in SEES[visibility] and relationship != "stranger"
    client.force_login(viewer)
    assert (f'id="post-{post.pk}"' in client.get("/").content.decode()) is expected
    items = api("GET", "/feed", token=token_for(viewer)).json()
    assert (str(post.pk) in {i["post"]["id"] for i in items}) is expected


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_a_post_removed_from_its_community_leaves_only_the_feeds_with_another_reason(
    alice,
    viewers,  # noqa: F811
    fanned,
    visibility,
    relationship,
):
    """Every viewer is a member of alice's community; a moderator removes her post from it:
    the entries it had from the community go (the community feed, live replays too), those
    with a reason of their own (following, connected, mentioned) stay."""
    from kith.communities import actions as communities
    from kith.communities.selectors import community_feed
    from kith.live.access import visible_only
    from kith.live.broker import Event
    from tests.conftest import make_person

    viewer = viewers[relationship]
    if viewer is None:
        return
    olga = make_person("olga")
    community = communities.community_create(by=olga, slug="potters", name="Potters")
    communities.community_join(person=alice, community=community)
    communities.community_join(person=viewer, community=community)
    post = fanned(
        actions.post_publish, author=alice, body=BODY, visibility=visibility, community=community
    )
    may_see = relationship in SEES[visibility]
    assert FeedEntry.objects.filter(owner=viewer, post=post).exists() is may_see
    event = Event(id="1", person_id=viewer.pk, event="feed_entry", data="{}", post_id=post.pk)

    fanned(communities.post_remove, by=olga, post=post, reason="Off topic")
    kept = may_see and relationship in ("follower", "connection", "mentioned", "author")
    assert FeedEntry.objects.filter(owner=viewer, post=post).exists() is kept
    assert (post.pk in _home_post_ids(viewer)) is kept
    assert post.pk not in {p.pk for p in community_feed(viewer, community)}
    assert bool(visible_only(viewer.pk, [event])) is kept
    if kept and relationship != "author":
        entry = FeedEntry.objects.get(owner=viewer, post=post)
        assert entry.reason != "community"

    fanned(communities.post_restore, by=olga, post=post)
    assert FeedEntry.objects.filter(owner=viewer, post=post).exists() is may_see
