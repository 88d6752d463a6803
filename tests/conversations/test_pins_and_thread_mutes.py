"""Pinned posts and muted threads in the actions and selectors: only one's own posts, up to
the limit, shown through the access rule; a muted thread sends no notifications."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kith.conversations import actions, selectors
from kith.conversations.models import Pin, ThreadMute
from kith.feeds.models import Notification
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person


def test_pin_own_posts_once_newest_pin_first(alice, bob):
    first = actions.post_publish(author=alice, body="First")
    second = actions.post_publish(author=alice, body="Second")
    pin = actions.post_pin(person=alice, post=second)
    assert actions.post_pin(person=alice, post=second).pk == pin.pk  # twice: one pin
    actions.post_pin(person=alice, post=first)
    assert [p.pk for p in selectors.pinned_posts(bob, alice)] == [first.pk, second.pk]
    assert selectors.pinned_ids(alice, [first, second]) == {first.pk, second.pk}
    assert selectors.pinned_ids(bob, [first, second]) == set()  # only one's own
    assert actions.post_unpin(person=alice, post=first) is True
    assert actions.post_unpin(person=alice, post=first) is False
    assert [p.pk for p in selectors.pinned_posts(bob, alice)] == [second.pk]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("someone_else", "Someone else's post cannot be pinned."),
        ("repost", "A repost cannot be pinned."),
        ("mentioned", "Posts that are only visible to mentioned people cannot be pinned."),
    ],
)
def test_what_cannot_be_pinned(alice, bob, case, message):
    post = actions.post_publish(author=alice, body="Alice's")
    if case == "someone_else":
        person, target = bob, post
    elif case == "repost":
        person, target = bob, actions.post_repost(person=bob, post=post)
    else:
        person = alice
        target = actions.post_publish(author=alice, body="@bob only", visibility="mentioned")
    with pytest.raises(ValidationError) as refused:
        actions.post_pin(person=person, post=target)
    assert refused.value.messages == [message]
    assert not Pin.objects.exists()


def test_the_limit_of_pinned_posts(alice, settings):
    settings.KITH_PINNED_POSTS_MAX = 2
    posts = [actions.post_publish(author=alice, body=f"n{i}") for i in range(3)]
    actions.post_pin(person=alice, post=posts[0])
    actions.post_pin(person=alice, post=posts[1])
    with pytest.raises(ValidationError, match=r"maximum number of posts \(2\)"):
        actions.post_pin(person=alice, post=posts[2])
    assert Pin.objects.count() == 2
    actions.post_pin(person=alice, post=posts[1])  # pinned already: no error
    actions.post_unpin(person=alice, post=posts[0])
    actions.post_pin(person=alice, post=posts[2])
    assert Pin.objects.count() == 2


def test_pinned_posts_go_through_the_access_rule(alice, bob, carol):
    public = actions.post_publish(author=alice, body="Everyone")
    connections = actions.post_publish(author=alice, body="Friends", visibility="connections")
    followers = actions.post_publish(author=alice, body="Followers", visibility="followers")
    for post in (public, connections, followers):
        actions.post_pin(person=alice, post=post)
    ids = lambda viewer: [p.pk for p in selectors.pinned_posts(viewer, alice)]  # noqa: E731
    assert ids(alice) == [followers.pk, connections.pk, public.pk]
    assert ids(bob) == [followers.pk, connections.pk, public.pk]  # connected
    assert ids(carol) == [public.pk]  # a stranger
    assert ids(None) == [public.pk]  # signed out
    block_create(blocker=alice, blocked=carol)
    assert ids(carol) == []


def test_a_narrowed_or_deleted_post_leaves_the_pins(alice, bob):
    post = actions.post_publish(author=alice, body="Pinned")
    other = actions.post_publish(author=alice, body="Also pinned")
    actions.post_pin(person=alice, post=post)
    actions.post_pin(person=alice, post=other)
    actions.post_set_visibility(post=post, by=alice, visibility="mentioned")
    actions.post_delete(post=other, by=alice)
    assert not Pin.objects.exists()
    assert selectors.pinned_posts(bob, alice) == []


def test_a_post_one_may_not_see_cannot_be_pinned_or_muted(alice, carol):
    hidden = actions.post_publish(author=alice, body="Friends", visibility="connections")
    with pytest.raises(Http404):
        actions.post_pin(person=carol, post=hidden)
    with pytest.raises(Http404):
        actions.thread_mute(person=carol, post=hidden)


# --- Muted threads ------------------------------------------------------------------------------


def test_only_a_thread_one_takes_part_in_can_be_muted(alice, bob, carol):
    root = actions.post_publish(author=alice, body="A thread")
    with pytest.raises(ValidationError, match="take part in"):
        actions.thread_mute(person=carol, post=root)
    assert not ThreadMute.objects.exists()
    reply = actions.post_reply(author=bob, to=root, body="Bob's reply")
    mute = actions.thread_mute(person=bob, post=root)
    assert mute.thread_root_id == root.pk
    assert actions.thread_mute(person=bob, post=reply).pk == mute.pk  # the same thread
    actions.thread_mute(person=alice, post=reply)  # the author of the root
    dave = make_person("dave")
    mention = actions.post_reply(author=alice, to=reply, body="Asking @dave")
    actions.thread_mute(person=dave, post=mention)  # mentioned in it
    assert selectors.muted_thread_ids(bob, [reply]) == {root.pk}
    assert actions.thread_unmute(person=bob, post=reply) is True
    assert actions.thread_unmute(person=bob, post=reply) is False
    assert selectors.muted_thread_ids(bob, [root]) == set()


def test_a_repost_mutes_its_originals_thread(alice, bob):
    root = actions.post_publish(author=alice, body="Root")
    repost = actions.post_repost(person=bob, post=root)
    actions.thread_mute(person=alice, post=repost)
    assert ThreadMute.objects.get().thread_root_id == root.pk


def _kinds(person) -> list[str]:
    return sorted(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


def test_a_muted_thread_sends_no_notifications_until_unmuted(alice, bob, carol):
    root = actions.post_publish(author=alice, body="Alice asks")
    actions.thread_mute(person=alice, post=root)
    reply = actions.post_reply(author=bob, to=root, body="A reply, @alice")
    actions.helpful_mark(person=bob, post=root)
    actions.post_repost(person=carol, post=root)
    actions.used_it_add(person=bob, post=root, story="I used it")
    assert _kinds(alice) == []
    # bob, who did not mute it, still hears of replies to his reply
    actions.post_reply(author=alice, to=reply, body="Thanks")
    assert _kinds(bob) == ["reply"]
    # another thread of alice's is not muted
    other = actions.post_publish(author=alice, body="Another")
    actions.helpful_mark(person=bob, post=other)
    assert _kinds(alice) == ["helpful"]
    actions.thread_unmute(person=alice, post=reply)
    actions.post_reply(author=bob, to=root, body="After unmuting")
    assert _kinds(alice) == ["helpful", "reply"]


def test_a_muted_thread_mutes_the_end_of_its_poll(alice, bob):
    from datetime import timedelta

    from django.utils import timezone

    post = actions.post_publish(
        author=alice,
        body="Tea or coffee?",
        poll={"options": ["Tea", "Coffee"], "expires_in": 300},
    )
    actions.poll_vote(person=bob, post=post, choices=[0])
    actions.thread_mute(person=alice, post=post)
    actions.polls_end_due(now=timezone.now() + timedelta(hours=1))
    assert _kinds(alice) == []
    assert _kinds(bob) == ["poll_ended"]


# --- Native API -----------------------------------------------------------------------------------


def test_native_api_pins(api, alice, bob, carol, token_for):
    post = actions.post_publish(author=alice, body="Pin over the API")
    friends = actions.post_publish(author=alice, body="Friends", visibility="connections")
    token = token_for(alice)
    put = api("PUT", f"/posts/{post.pk}/pin", token=token)
    assert put.status_code == 200 and put.json() == {"post_id": str(post.pk), "pinned": True}
    api("PUT", f"/posts/{friends.pk}/pin", token=token)

    def listed(tok=None):
        return [p["id"] for p in api("GET", "/people/alice/pinned", token=tok).json()]

    assert listed(token_for(bob)) == [str(friends.pk), str(post.pk)]
    assert listed(token_for(carol)) == [str(post.pk)]  # the access rule
    assert listed() == [str(post.pk)]  # signed out
    refused = api("PUT", f"/posts/{post.pk}/pin", token=token_for(bob))
    assert refused.status_code == 422
    assert refused.json()["detail"] == ["Someone else's post cannot be pinned."]
    assert api("PUT", f"/posts/{friends.pk}/pin", token=token_for(carol)).status_code == 404
    assert api("PUT", f"/posts/{post.pk}/pin").status_code == 401
    gone = api("DELETE", f"/posts/{post.pk}/pin", token=token)
    assert gone.json() == {"post_id": str(post.pk), "pinned": False}
    assert listed(token) == [str(friends.pk)]
    assert api("GET", "/people/nobody/pinned").status_code == 404


def test_native_api_thread_mutes(api, alice, bob, carol, token_for):
    root = actions.post_publish(author=alice, body="Thread")
    reply = actions.post_reply(author=bob, to=root, body="Reply")
    token = token_for(alice)
    assert api("GET", f"/posts/{reply.pk}/mute", token=token).json()["muted"] is False
    put = api("PUT", f"/posts/{reply.pk}/mute", token=token)
    assert put.status_code == 200
    assert put.json() == {"post_id": str(reply.pk), "thread_root_id": str(root.pk), "muted": True}
    assert api("GET", f"/posts/{root.pk}/mute", token=token).json()["muted"] is True
    outside = api("PUT", f"/posts/{root.pk}/mute", token=token_for(carol))
    assert outside.status_code == 422 and not ThreadMute.objects.filter(person=carol).exists()
    assert api("PUT", f"/posts/{root.pk}/mute").status_code == 401
    assert api("DELETE", f"/posts/{root.pk}/mute", token=token).json()["muted"] is False
    assert not ThreadMute.objects.exists()


# --- Web ----------------------------------------------------------------------------------------


def test_web_profile_shows_pinned_posts_first_and_pins_with_htmx(client, alice, bob, carol):
    older = actions.post_publish(author=alice, body="An older favourite")
    friends = actions.post_publish(author=alice, body="For friends", visibility="connections")
    actions.post_publish(author=alice, body="The newest post")
    actions.post_pin(person=alice, post=friends)
    client.force_login(bob)
    html = client.get("/@alice").content.decode()
    assert 'data-testid="pinned-post"' in html and "For friends" in html
    assert html.index('id="pinned-h"') < html.index("The newest post")
    assert 'data-testid="pin"' not in html  # not bob's posts
    client.force_login(carol)
    html = client.get("/@alice").content.decode()
    assert 'data-testid="pinned-post"' not in html and "For friends" not in html  # hidden
    client.force_login(alice)
    html = client.get("/@alice").content.decode()
    assert html.count('data-testid="pin"') >= 3  # a button on each of her posts
    answer = client.post(f"{older.get_absolute_url()}/pin", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "Pinned ✓" in answer.content.decode()
    assert answer["HX-Trigger"] == "kith:pins-changed"
    assert Pin.objects.filter(post=older).exists()
    partial = client.get("/@alice/pinned").content.decode()
    assert partial.index("An older favourite") < partial.index("For friends")
    undone = client.post(f"{older.get_absolute_url()}/pin", {"undo": "1"}, HTTP_HX_REQUEST="true")
    assert "Pin to profile" in undone.content.decode()
    assert not Pin.objects.filter(post=older).exists()


def test_web_pin_refusal_and_thread_page_buttons(client, alice, bob, settings):
    settings.KITH_PINNED_POSTS_MAX = 1
    first = actions.post_publish(author=alice, body="First")
    second = actions.post_publish(author=alice, body="Second")
    client.force_login(alice)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Pin to profile" in page and "Mute conversation" in page
    assert client.post(f"{first.get_absolute_url()}/pin").status_code == 302
    assert "Pinned ✓ (unpin)" in client.get(first.get_absolute_url()).content.decode()
    refused = client.post(f"{second.get_absolute_url()}/pin", HTTP_HX_REQUEST="true")
    assert "maximum number of posts" in refused.content.decode()
    assert "HX-Trigger" not in refused
    assert not Pin.objects.filter(post=second).exists()
    client.force_login(bob)  # not his post: 422 as a message, nothing written
    client.post(f"{second.get_absolute_url()}/pin", follow=True)
    assert not Pin.objects.filter(post=second).exists()


def test_web_mute_conversation_button(client, alice, bob, carol):
    root = actions.post_publish(author=alice, body="Root")
    reply = actions.post_reply(author=bob, to=root, body="Bob's reply")
    client.force_login(carol)
    assert "Mute conversation" not in client.get(root.get_absolute_url()).content.decode()
    refused = client.post(f"{root.get_absolute_url()}/mute", follow=True)
    assert "take part in" in refused.content.decode()
    client.force_login(bob)  # a participant, on the root's page
    assert "Mute conversation" in client.get(root.get_absolute_url()).content.decode()
    client.post(f"{reply.get_absolute_url()}/mute")
    assert ThreadMute.objects.filter(person=bob, thread_root=root).exists()
    page = client.get(root.get_absolute_url()).content.decode()
    assert "Conversation muted ✓ (unmute)" in page
    actions.post_reply(author=alice, to=reply, body="Alice answers bob")
    assert _kinds(bob) == []
    client.post(f"{root.get_absolute_url()}/mute", {"undo": "1"})
    assert not ThreadMute.objects.exists()
    client.logout()
    assert client.post(f"{root.get_absolute_url()}/mute").status_code == 302  # to sign in
    assert not ThreadMute.objects.exists()


def test_web_profile_queries_do_not_grow_with_pins(client, alice, bob, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.KITH_PINNED_POSTS_MAX = 10
    posts = [actions.post_publish(author=alice, body=f"Post {i} #x") for i in range(8)]
    actions.post_pin(person=alice, post=posts[0])
    client.force_login(bob)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/@alice").status_code == 200
        return len(queries)

    one = count()
    for post in posts[1:]:
        actions.post_pin(person=alice, post=post)
    assert count() == one
