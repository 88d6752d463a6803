"""Fan-out: who gets a feed entry for a post, with which reason, and what takes it away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kith.conversations import actions
from kith.feeds import selectors
from kith.feeds.actions import fan_out_post, feed_seen
from kith.feeds.models import FeedEntry, FeedState
from kith.people.models import Person
from kith.relationships.actions.connections import connection_remove
from kith.relationships.actions.follows import follow_create, follow_remove, follow_settings_set
from kith.relationships.actions.safety import block_create, mute_create, mute_remove
from tests.conftest import make_person
from tests.feeds.conftest import reasons


def home_ids(person, mode=selectors.LATEST) -> list[int]:
    return [item.shown.pk for item in selectors.home_feed(person, mode=mode)]


def test_each_reader_gets_one_entry_with_the_strongest_reason(alice, bob, carol, fiona, mo, fanned):
    follow_create(follower=bob, target=alice)  # connected and following: connection wins
    post = fanned(actions.post_publish, author=alice, body="Hello @mo, and hello all")
    assert reasons(post) == {
        "alice": "own",
        "bob": "connection",
        "fiona": "follow",
        "mo": "mention",
    }
    assert FeedEntry.objects.filter(post=post).count() == 4


def test_fan_out_is_idempotent(alice, bob, fiona, fanned):
    post = fanned(actions.post_publish, author=alice, body="Once")
    assert fan_out_post(post=post) == 0
    assert FeedEntry.objects.filter(post=post).count() == 3


def test_a_reply_reaches_the_person_replied_to_and_readers_who_know_them(
    alice, bob, carol, fiona, fanned
):
    follow_create(follower=carol, target=bob)
    post = fanned(actions.post_publish, author=alice, body="A question of taste")
    reply = fanned(actions.post_reply, author=bob, to=post, body="Mine is simple")
    # alice: replied to; carol follows bob but does not know alice: not hers.
    assert reasons(reply) == {"alice": "reply", "bob": "own"}
    follow_create(follower=carol, target=alice)
    second = fanned(actions.post_reply, author=bob, to=post, body="And another thing")
    assert reasons(second) == {"alice": "reply", "bob": "own", "carol": "follow"}


def test_show_replies_brings_all_their_replies(alice, bob, carol, mo, fanned):
    follow_create(follower=mo, target=bob)
    post = fanned(actions.post_publish, author=alice, body="Hi")
    fanned(follow_settings_set, follower=mo, target=bob, show_replies=True)
    reply = fanned(actions.post_reply, author=bob, to=post, body="Hello back")
    assert reasons(reply)["mo"] == "follow"


def test_a_reply_from_someone_you_know_counts_on_your_entry(alice, bob, fiona, fanned):
    post = fanned(actions.post_publish, author=alice, body="What do you think?")
    follow_create(follower=fiona, target=bob)
    fanned(actions.post_reply, author=bob, to=post, body="Good question")
    assert FeedEntry.objects.get(post=post, owner=fiona).known_replies == 1
    assert FeedEntry.objects.get(post=post, owner=alice).known_replies == 1  # bob is hers


@pytest.mark.parametrize(
    ("visibility", "expected"),
    [
        ("public", {"alice", "bob", "fiona", "mo"}),
        ("followers", {"alice", "bob", "fiona", "mo"}),
        ("connections", {"alice", "bob", "mo"}),
        ("mentioned", {"alice", "mo"}),
    ],
)
def test_only_readers_who_may_see_it_get_an_entry(
    alice, bob, carol, fiona, mo, blake, fanned, visibility, expected
):
    follow_create(follower=carol, target=bob)
    post = fanned(actions.post_publish, author=alice, body="Hi @mo @blake", visibility=visibility)
    assert set(reasons(post)) == expected


def test_unfollow_removes_their_entries(alice, fiona, fanned):
    post = fanned(actions.post_publish, author=alice, body="Hi")
    follow_remove(follower=fiona, target=alice)
    assert "fiona" not in reasons(post)


def test_unfollow_keeps_entries_with_a_reason_of_their_own(alice, fiona, fanned):
    post = fanned(actions.post_publish, author=alice, body="Hi @fiona")
    follow_remove(follower=fiona, target=alice)
    assert reasons(post)["fiona"] == "mention"


def test_disconnect_removes_entries_both_ways(alice, bob, fanned):
    hers = fanned(actions.post_publish, author=alice, body="From alice")
    his = fanned(actions.post_publish, author=bob, body="From bob")
    connection_remove(person=alice, other=bob)
    assert "bob" not in reasons(hers)
    assert "alice" not in reasons(his)


def test_disconnect_while_following_removes_only_what_is_no_longer_visible(alice, bob, fanned):
    follow_create(follower=bob, target=alice)
    public = fanned(actions.post_publish, author=alice, body="For all")
    private = fanned(
        actions.post_publish, author=alice, body="For friends", visibility="connections"
    )
    connection_remove(person=alice, other=bob)
    assert "bob" in reasons(public)
    assert "bob" not in reasons(private)


def test_block_removes_entries_both_ways(alice, bob, fanned):
    hers = fanned(actions.post_publish, author=alice, body="From alice")
    his = fanned(actions.post_publish, author=bob, body="From bob")
    block_create(blocker=bob, blocked=alice)
    assert "bob" not in reasons(hers)
    assert "alice" not in reasons(his)


def test_mute_hides_entries_until_unmuted(alice, bob, fanned):
    post = fanned(actions.post_publish, author=alice, body="From alice")
    mute_create(muter=bob, muted=alice)
    assert post.pk not in home_ids(bob)
    assert post.pk not in home_ids(bob, selectors.CONVERSATIONS)
    mute_remove(muter=bob, muted=alice)
    assert post.pk in home_ids(bob)


def test_an_expired_mute_shows_entries_again(alice, bob, fanned):
    post = fanned(actions.post_publish, author=alice, body="From alice")
    mute = mute_create(muter=bob, muted=alice, duration="1h")
    assert post.pk not in home_ids(bob)
    mute.expires_at = timezone.now() - timedelta(seconds=1)
    mute.save()
    assert post.pk in home_ids(bob)


def test_narrowing_visibility_removes_entries_and_widening_adds_them(alice, bob, fiona, fanned):
    post = fanned(actions.post_publish, author=alice, body="Hi")
    fanned(actions.post_set_visibility, post=post, by=alice, visibility="connections")
    assert set(reasons(post)) == {"alice", "bob"}
    fanned(actions.post_set_visibility, post=post, by=alice, visibility="public")
    assert set(reasons(post)) == {"alice", "bob", "fiona"}


def test_visibility_edit_is_checked(alice, bob, fanned):
    from django.core.exceptions import ValidationError

    post = fanned(actions.post_publish, author=alice, body="Hi")
    with pytest.raises(ValidationError):
        actions.post_set_visibility(post=post, by=alice, visibility="everyone")
    with pytest.raises(ValidationError):
        actions.post_set_visibility(post=post, by=bob, visibility="connections")
    post.refresh_from_db()
    assert post.visibility == "public"


def test_an_edit_that_drops_a_mention_removes_the_entry(alice, mo, fanned):
    post = fanned(actions.post_publish, author=alice, body="Hi @mo", visibility="mentioned")
    assert "mo" in reasons(post)
    fanned(actions.post_edit, post=post, by=alice, body="Hi nobody")
    assert "mo" not in reasons(post)


def test_delete_removes_every_entry(alice, bob, fiona, fanned):
    post = fanned(actions.post_publish, author=alice, body="Hi")
    fanned(actions.post_repost, person=bob, post=post)
    actions.post_delete(post=post, by=alice)
    assert not FeedEntry.objects.filter(post=post).exists()


def test_removal_from_a_community_withdraws_the_entries_it_brought(alice, bob, carol, mo, fanned):
    """mo is only a member; carol is a member who follows its #glazes too; bob knows alice.
    The moderator (bob, its owner) removes the post: mo loses it, carol keeps it under her
    topic, bob as a connection; restoring brings mo's entry back."""
    from kith.communities import actions as communities
    from kith.communities.selectors import community_feed

    community = communities.community_create(by=bob, slug="potters", name="Potters")
    for person in (alice, carol, mo):
        communities.community_join(person=person, community=community)
    communities.tag_follow(person=carol, tag="glazes")
    post = fanned(actions.post_publish, author=alice, body="New #glazes", community=community)
    assert reasons(post) == {
        "alice": "own",
        "bob": "connection",
        "carol": "community",
        "mo": "community",
    }
    fanned(communities.post_remove, by=bob, post=post, reason="Off topic")
    assert reasons(post) == {"alice": "own", "bob": "connection", "carol": "topic"}
    assert post.pk not in home_ids(mo)
    assert post.pk not in home_ids(mo, selectors.CONVERSATIONS)
    assert post.pk in home_ids(carol)
    assert post.pk not in {p.pk for p in community_feed(mo, community)}
    fanned(communities.post_restore, by=bob, post=post)
    assert reasons(post)["mo"] == "community"
    assert post.pk in home_ids(mo)


def test_access_is_checked_again_when_reading(alice, bob, fanned):
    post = fanned(actions.post_publish, author=alice, body="Hi")
    assert post.pk in home_ids(bob)
    # A change that did not go through the feed actions: the read still hides the post.
    type(post).objects.filter(pk=post.pk).update(visibility="mentioned")
    assert FeedEntry.objects.filter(post=post, owner=bob).exists()
    assert post.pk not in home_ids(bob)
    assert post.pk not in home_ids(bob, selectors.CONVERSATIONS)


# --- Reposts ----------------------------------------------------------------------------------


@pytest.fixture
def dave(db):
    return make_person("dave")


@pytest.fixture
def erin(db):
    return make_person("erin")


def test_one_repost_of_a_post_per_feed(alice, bob, carol, dave, fanned):
    post = fanned(actions.post_publish, author=alice, body="Worth sharing")
    follow_create(follower=carol, target=bob)
    follow_create(follower=carol, target=dave)
    fanned(actions.post_repost, person=bob, post=post)
    fanned(actions.post_repost, person=dave, post=post)
    entries = FeedEntry.objects.filter(owner=carol, post=post)
    assert entries.count() == 1
    assert entries.get().sharer_id == bob.pk
    assert [item.shown.pk for item in selectors.home_feed(carol)] == [post.pk]


def test_a_post_already_in_the_feed_is_not_repeated_by_a_repost(alice, bob, fiona, fanned):
    post = fanned(actions.post_publish, author=alice, body="Worth sharing")
    follow_create(follower=fiona, target=bob)
    fanned(actions.post_repost, person=bob, post=post)
    assert FeedEntry.objects.get(owner=fiona, post=post).reason == "follow"


def test_repost_of_a_repost_shows_the_chain(alice, bob, dave, erin, fanned):
    post = fanned(actions.post_publish, author=alice, body="Worth sharing")
    follow_create(follower=dave, target=bob)
    follow_create(follower=erin, target=dave)
    bobs = fanned(actions.post_repost, person=bob, post=post)
    fanned(actions.post_repost, person=dave, post=bobs)  # dave shares what bob shared
    entry = FeedEntry.objects.get(owner=erin, post=post)
    assert (entry.reason, entry.sharer_id, entry.via_person_id) == ("repost", dave.pk, bob.pk)
    [item] = selectors.home_feed(erin).items
    assert item.why()["text"] == "Dave shared it (via Bob)."


def test_hide_reposts_removes_and_keeps_out_their_reposts(alice, bob, carol, dave, fanned):
    post = fanned(actions.post_publish, author=alice, body="Worth sharing")
    other = fanned(actions.post_publish, author=alice, body="Also worth it")
    follow_create(follower=carol, target=bob)
    fanned(actions.post_repost, person=bob, post=post)
    fanned(follow_settings_set, follower=carol, target=bob, hide_reposts=True)
    assert "carol" not in reasons(post)
    fanned(actions.post_repost, person=bob, post=other)
    assert "carol" not in reasons(other)


def test_unrepost_removes_the_entries_it_brought(alice, bob, carol, fanned):
    post = fanned(actions.post_publish, author=alice, body="Worth sharing")
    follow_create(follower=carol, target=bob)
    fanned(actions.post_repost, person=bob, post=post)
    actions.post_unrepost(person=bob, post=post)
    assert "carol" not in reasons(post)


def test_follow_settings_need_a_follow(alice, carol):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        follow_settings_set(follower=carol, target=alice, hide_reposts=True)


# --- Inactive readers -------------------------------------------------------------------------


def _away(person, days=40):
    then = timezone.now() - timedelta(days=days)
    Person.objects.filter(pk=person.pk).update(last_login=then, date_joined=then)
    FeedState.objects.update_or_create(person=person, defaults={"last_seen_at": then})


def test_inactive_readers_are_skipped_and_backfilled_when_they_return(alice, bob, fiona, fanned):
    _away(fiona)
    post = fanned(actions.post_publish, author=alice, body="While you were away")
    reply = fanned(actions.post_reply, author=alice, to=post, body="replying to myself")
    assert "fiona" not in reasons(post)
    assert "bob" in reasons(post)
    assert feed_seen(person=fiona) is True
    # What the fan-out would have written, had she been here: bob got the same.
    assert reasons(post)["fiona"] == "follow"
    assert reasons(reply)["fiona"] == "follow" and reasons(reply)["bob"] == "connection"
    assert home_ids(fiona) == [reply.pk, post.pk]
    assert feed_seen(person=fiona) is False  # not twice


def test_a_never_seen_reader_who_logged_in_recently_is_active(alice, fiona, fanned):
    Person.objects.filter(pk=fiona.pk).update(
        last_login=timezone.now(), date_joined=timezone.now() - timedelta(days=400)
    )
    post = fanned(actions.post_publish, author=alice, body="Hi")
    assert "fiona" in reasons(post)


# --- Topics and communities (kith.communities) ------------------------------------------------


def test_topic_followers_and_community_members_get_entries(alice, carol, mo, fanned):
    from kith.communities import actions as communities

    communities.tag_follow(person=carol, tag="glazes")
    community = communities.community_create(by=alice, slug="potters", name="Potters")
    communities.community_join(person=mo, community=community)
    tagged = fanned(actions.post_publish, author=alice, body="New #glazes")
    placed = fanned(actions.post_publish, author=alice, body="Hello potters", community=community)
    assert reasons(tagged)["carol"] == "topic"
    assert reasons(placed)["mo"] == "community"
    [item] = [i for i in selectors.home_feed(mo).items if i.shown.pk == placed.pk]
    assert item.why()["text"] == "You are a member of Potters."
    [item] = [i for i in selectors.home_feed(carol).items if i.shown.pk == tagged.pk]
    assert item.why()["text"] == "You follow one of its topics (#glazes)."
    private = fanned(
        actions.post_publish, author=alice, body="Only #glazes friends", visibility="connections"
    )
    assert "carol" not in reasons(private)
