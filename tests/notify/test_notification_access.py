"""Truth table: no notification carries a post its reader may not see.

Notifications are stored when something happens; who may see the post can change later
(visibility, blocks, a deactivated author, deletion). Every reading surface (API list, web
page, unread count, mark-one) applies `conversations.access` again, so what is listed is
exactly the set of posts `can_see` allows, for every reader and every kind of post.
"""

from __future__ import annotations

import pytest

from kith.conversations.access import can_see
from kith.conversations.actions.posts import post_delete
from kith.conversations.models import Post, PostVisibility
from kith.feeds.actions import notify
from kith.feeds.models import Notification, NotificationKind
from kith.notify.selectors import notification_page, unread_count
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person


@pytest.fixture
def world(alice, bob, carol, publish):
    """alice writes every visibility (each mentions mo); bob is her connection, carol a
    stranger, fiona follows her, blake is blocked by her, bart blocked her; dave's post is
    public but dave is deactivated; one post is deleted."""
    fiona, mo, blake, bart, dave = (
        make_person(h) for h in ("fiona", "mo", "blake", "bart", "dave")
    )
    follow_create(follower=fiona, target=alice)
    posts = {
        visibility: publish(alice, f"{visibility} post for @mo", visibility=visibility)
        for visibility in PostVisibility.values
    }
    posts["deleted"] = publish(alice, "soon gone")
    posts["inactive author"] = publish(dave, "dave's public post")
    readers = {
        "bob": bob,
        "carol": carol,
        "fiona": fiona,
        "mo": mo,
        "blake": blake,
        "bart": bart,
    }
    for reader in readers.values():
        for post in posts.values():
            notify(
                recipient=reader,
                kind=NotificationKind.REPLY,
                actor=post.author,
                text="about a post",
                url=post.get_absolute_url(),
                post=post,
            )
        notify(recipient=reader, kind=NotificationKind.CONNECTED, text="about no post")
    # What changes after the notifications were stored:
    block_create(blocker=alice, blocked=blake)
    block_create(blocker=bart, blocked=alice)
    post_delete(post=posts["deleted"], by=alice)
    dave.is_active = False
    dave.save(update_fields=["is_active"])
    return readers, {name: Post.objects.get(pk=post.pk) for name, post in posts.items()}


READERS = ["bob", "carol", "fiona", "mo", "blake", "bart"]


@pytest.mark.parametrize("reader_name", READERS)
def test_every_surface_lists_exactly_the_posts_the_reader_may_see(
    api, client, token_for, world, reader_name
):
    readers, posts = world
    reader = readers[reader_name]
    expected = {str(p.pk) for p in posts.values() if can_see(reader, p)}
    assert str(posts["deleted"].pk) not in expected
    assert str(posts["inactive author"].pk) not in expected

    groups, _ = notification_page(reader, limit=100)
    assert {str(g.post_id) for g in groups if g.post_id} == expected

    token = token_for(reader)
    listed = api("get", "/notifications", token=token).json()
    assert {g["post_id"] for g in listed if g["post_id"]} == expected
    assert any(g["kind"] == "connected" for g in listed)  # notifications without a post stay

    mine = Notification.objects.filter(recipient=reader)
    allowed = [n for n in mine if n.post_id is None or str(n.post_id) in expected]
    assert len(allowed) < mine.count()  # some are hidden, for every reader
    assert unread_count(reader) == len(allowed)
    assert api("get", "/notifications/unread", token=token).json()["unread"] == len(allowed)

    client.force_login(reader)
    page = client.get("/notifications/").content.decode()
    for post in posts.values():
        assert (post.get_absolute_url() in page) == (str(post.pk) in expected)

    hidden = Notification.objects.filter(recipient=reader, post__isnull=False).exclude(
        post_id__in=[int(pk) for pk in expected]
    )
    for notification in hidden:
        assert api("post", f"/notifications/{notification.pk}/read", token=token).status_code == 404


def test_the_table_is_not_trivial(world):
    """Sanity: some readers see some posts and not others."""
    readers, posts = world
    seen = {name: {p.pk for p in posts.values() if can_see(r, p)} for name, r in readers.items()}
    assert posts["public"].pk in seen["carol"]
    assert posts["connections"].pk in seen["bob"] and posts["connections"].pk not in seen["fiona"]
    assert posts["followers"].pk in seen["fiona"] and posts["followers"].pk not in seen["carol"]
    assert posts["mentioned"].pk in seen["mo"] and posts["mentioned"].pk not in seen["bob"]
    assert seen["blake"] == set() and seen["bart"] == set()
