"""Who sees a post: visibility × relationship, through every read the access module offers.

The post mentions @mo (and tries @blake and @bart, whom blocks keep out). 0 leaks.
"""

from __future__ import annotations

import pytest
from django.http import Http404

from kith.conversations import actions
from kith.conversations.access import (
    access_post,
    audience,
    audience_among,
    can_see,
    visible_posts,
)
from kith.conversations.models import Mention
from kith.people.models import Person

RELATIONSHIPS = [
    "anonymous",
    "stranger",
    "follower",
    "connection",
    "mentioned",
    "blocked",
    "blocker",
    "author",
]
SEES = {
    "public": {"anonymous", "stranger", "follower", "connection", "mentioned", "author"},
    "followers": {"follower", "connection", "mentioned", "author"},
    "connections": {"connection", "mentioned", "author"},
    "mentioned": {"mentioned", "author"},
}
BODY = "Secret plans for the allotment, @mo @blake @bart"


@pytest.fixture
def viewers(alice, bob, carol, fiona, mo, blake, bart):
    return {
        "anonymous": None,
        "stranger": carol,
        "follower": fiona,
        "connection": bob,
        "mentioned": mo,
        "blocked": blake,
        "blocker": bart,
        "author": alice,
    }


@pytest.mark.parametrize("visibility", list(SEES))
def test_blocked_people_are_never_mentioned(alice, viewers, publish, visibility):
    post = publish(alice, BODY, visibility=visibility)
    assert set(Mention.objects.filter(post=post).values_list("person__handle", flat=True)) == {"mo"}
    assert 'class="mention"' in post.html and "@blake" in post.html
    assert post.html.count('class="mention"') == 1


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_truth_table(alice, viewers, publish, visibility, relationship):
    viewer = viewers[relationship]
    post = publish(alice, BODY, visibility=visibility)
    expected = relationship in SEES[visibility]

    assert visible_posts(viewer).filter(pk=post.pk).exists() is expected
    assert can_see(viewer, post) is expected
    if expected:
        assert access_post(viewer, post.pk).body == BODY
        assert access_post(viewer, str(post.pk)).pk == post.pk
    else:
        with pytest.raises(Http404) as missing:
            access_post(viewer, post.pk)
        # forbidden reads exactly like missing
        with pytest.raises(Http404) as absent:
            access_post(viewer, post.pk + 1)
        assert str(missing.value) == str(absent.value)
    if viewer is not None:
        assert (viewer.pk in audience_among(post, [viewer.pk])) is expected


@pytest.mark.parametrize("visibility", list(SEES))
def test_audience_among_everyone_at_once_is_the_table(alice, viewers, publish, visibility):
    """The fan-out asks once for thousands of people: the same answer as one by one."""
    post = publish(alice, BODY, visibility=visibility)
    people = {name: v.pk for name, v in viewers.items() if v is not None}
    expected = {people[name] for name in SEES[visibility] if name in people}
    assert audience_among(post, set(people.values())) == expected
    among = Person.objects.filter(audience(post), pk__in=people.values())
    assert set(among.values_list("pk", flat=True)) == expected


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_tombstones_follow_the_same_rule(alice, viewers, publish, visibility, relationship):
    viewer = viewers[relationship]
    post = publish(alice, BODY, visibility=visibility)
    actions.post_delete(post=post, by=alice)
    with pytest.raises(Http404):
        access_post(viewer, post.pk)
    expected = relationship in SEES[visibility]
    assert visible_posts(viewer, include_deleted=True).filter(pk=post.pk).exists() is expected
    if expected:
        assert access_post(viewer, post.pk, include_deleted=True).body == ""


@pytest.mark.parametrize("raw", ["", "abc", "-1", None, "9" * 30, 0])
def test_bad_ids_are_missing(alice, raw):
    with pytest.raises(Http404):
        access_post(alice, raw)


def test_deactivated_authors_disappear(alice, bob, publish):
    post = publish(alice)
    alice.is_active = False
    alice.save()
    assert not visible_posts(bob).filter(pk=post.pk).exists()
    assert not visible_posts(None).filter(pk=post.pk).exists()


def test_a_repost_is_hidden_with_its_original(alice, bob, carol, publish):
    post = publish(alice)
    repost = actions.post_repost(person=bob, post=post)
    assert visible_posts(carol).filter(pk=repost.pk).exists()
    from kith.relationships.actions.safety import block_create

    block_create(blocker=carol, blocked=alice)
    assert not visible_posts(carol).filter(pk=repost.pk).exists()
    alice.is_active = False
    alice.save()
    assert not visible_posts(None).filter(pk=repost.pk).exists()


def test_following_requests_do_not_count(alice, carol, publish):
    from kith.people.actions import person_update_profile
    from kith.relationships.actions.follows import follow_create

    person_update_profile(person=alice, is_locked=True)
    follow_create(follower=carol, target=alice)  # a request, not a follow
    post = publish(alice, visibility="followers")
    assert not can_see(carol, post)


def test_ones_own_repost_goes_with_a_block(alice, carol, publish):
    from kith.relationships.actions.safety import block_create

    repost = actions.post_repost(person=carol, post=publish(alice))
    assert can_see(carol, repost)
    block_create(blocker=alice, blocked=carol)
    assert not can_see(carol, repost)
    assert not visible_posts(carol).filter(pk=repost.pk).exists()


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_live_events_follow_the_truth_table(
    alice, viewers, publish, visibility, relationship, django_capture_on_commit_callbacks
):
    """A live event carrying the post reaches the viewer iff they may see it; so does a replay."""
    from kith import live
    from kith.live.access import visible_only
    from kith.live.broker import Event, InProcessBroker, set_broker

    viewer = viewers[relationship]
    if viewer is None:
        return  # no stream without a person (401, tests/live)
    post = publish(alice, BODY, visibility=visibility)
    broker = InProcessBroker()
    old = set_broker(broker)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            live.publish([viewer.pk], "feed_entry", {"post": str(post.pk)}, post=post)
    finally:
        set_broker(old)
    expected = relationship in SEES[visibility]
    delivered = broker.since(viewer.pk, str(broker.first_id - 1))
    assert [e.post_id for e in delivered] == ([post.pk] if expected else [])
    # (A replayed `feed_entry` event also needs its feed entry: tests/feeds/test_truth_table.)
    replay = [Event("1", viewer.pk, "notification", "{}", post.pk)]
    assert bool(visible_only(viewer.pk, replay)) is expected
