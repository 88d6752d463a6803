"""Pin, unpin, mute and unmute a conversation on the Mastodon API; the Status `pinned` and
`muted` fields; `GET /api/v1/accounts/:id/statuses?pinned=true` through the access rule."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.conversations import actions
from kith.conversations.models import Pin, ThreadMute
from kith.feeds.models import Notification
from kith.mastodon import entities
from kith.relationships.actions.safety import block_create
from tests.mastodon.conftest import load
from tests.mastodon.oauth_helpers import user_token
from tests.mastodon.schema import check
from tests.mastodon.test_statuses import m as mastodon_call

m = mastodon_call  # the fixture: m(method, path, person, json=…, token=…)


def test_pin_and_unpin_your_own_status(m, alice, bob):
    post = actions.post_publish(author=alice, body="Pin me")
    pinned = m("POST", f"/api/v1/statuses/{post.pk}/pin", alice)
    assert pinned.status_code == 200, pinned.content
    data = check("Status", pinned.json())
    assert data["pinned"] is True and data["reblog"] is None
    assert Pin.objects.filter(person=alice, post=post).exists()
    assert m("GET", f"/api/v1/statuses/{post.pk}", alice).json()["pinned"] is True
    assert "pinned" not in m("GET", f"/api/v1/statuses/{post.pk}", bob).json()  # owner only
    again = m("POST", f"/api/v1/statuses/{post.pk}/pin", alice)
    assert again.status_code == 200 and Pin.objects.count() == 1
    unpinned = m("POST", f"/api/v1/statuses/{post.pk}/unpin", alice)
    assert unpinned.status_code == 200 and unpinned.json()["pinned"] is False
    assert not Pin.objects.exists()
    assert m("POST", f"/api/v1/statuses/{post.pk}/unpin", alice).status_code == 200


def test_pin_refusals_in_mastodons_words(m, alice, bob, carol, settings):
    post = actions.post_publish(author=alice, body="Alice's")
    hidden = actions.post_publish(author=alice, body="Friends", visibility="connections")
    direct = actions.post_publish(author=alice, body="@bob only", visibility="mentioned")
    someone_else = m("POST", f"/api/v1/statuses/{post.pk}/pin", bob)
    assert someone_else.status_code == 422
    assert someone_else.json() == {
        "error": "Validation failed: Someone else's post cannot be pinned."
    }
    only_mentioned = m("POST", f"/api/v1/statuses/{direct.pk}/pin", alice)
    assert only_mentioned.status_code == 422
    assert "only visible to mentioned people" in only_mentioned.json()["error"]
    repost = actions.post_repost(person=bob, post=post)
    assert m("POST", f"/api/v1/statuses/{repost.pk}/pin", bob).status_code == 422
    assert m("POST", f"/api/v1/statuses/{hidden.pk}/pin", carol).status_code == 404
    assert m("POST", "/api/v1/statuses/123456789/pin", alice).status_code == 404
    settings.KITH_PINNED_POSTS_MAX = 1
    assert m("POST", f"/api/v1/statuses/{post.pk}/pin", alice).status_code == 200
    full = m("POST", f"/api/v1/statuses/{hidden.pk}/pin", alice)
    assert full.status_code == 422
    assert full.json()["error"].startswith(
        "Validation failed: You have already pinned the maximum number of posts"
    )
    assert Pin.objects.count() == 1


def test_pin_and_mute_need_their_scopes(m, alice):
    post = actions.post_publish(author=alice, body="Scopes")
    statuses_only = user_token(alice, scope="write:statuses")
    for verb in ("pin", "unpin", "mute", "unmute"):
        refused = m("POST", f"/api/v1/statuses/{post.pk}/{verb}", token=statuses_only)
        assert refused.status_code == 403, verb
        assert m("POST", f"/api/v1/statuses/{post.pk}/{verb}").status_code == 401
    assert (
        m(
            "POST",
            f"/api/v1/statuses/{post.pk}/pin",
            token=user_token(alice, scope="write:accounts"),
        ).status_code
        == 200
    )
    assert (
        m(
            "POST", f"/api/v1/statuses/{post.pk}/mute", token=user_token(alice, scope="write:mutes")
        ).status_code
        == 200
    )
    assert (
        m(
            "POST", f"/api/v1/statuses/{post.pk}/mute", token=user_token(alice, scope="write")
        ).status_code
        == 200
    )


def test_pinned_statuses_of_an_account_through_the_access_rule(m, alice, bob, carol):
    public = actions.post_publish(author=alice, body="Everyone")
    friends = actions.post_publish(author=alice, body="Friends", visibility="connections")
    actions.post_publish(author=alice, body="Not pinned")
    actions.post_pin(person=alice, post=public)
    actions.post_pin(person=alice, post=friends)
    url = f"/api/v1/accounts/{alice.pk}/statuses?pinned=true"
    ids = lambda answer: [s["id"] for s in answer.json()]  # noqa: E731
    assert ids(m("GET", url, alice)) == [str(friends.pk), str(public.pk)]
    assert all(s["pinned"] for s in m("GET", url, alice).json())
    assert ids(m("GET", url, bob)) == [str(friends.pk), str(public.pk)]
    assert ids(m("GET", url, carol)) == [str(public.pk)]
    assert ids(m("GET", url)) == [str(public.pk)]  # no token
    assert ids(m("GET", url + "&max_id=1", alice)) == []  # one page only
    block_create(blocker=alice, blocked=carol)
    assert m("GET", url, carol).status_code == 404
    everything = ids(m("GET", f"/api/v1/accounts/{alice.pk}/statuses", bob))
    assert len(everything) == 3  # without pinned=true: every post, pinned or not


def test_mute_and_unmute_a_conversation(m, alice, bob, carol):
    root = actions.post_publish(author=alice, body="A thread")
    reply = actions.post_reply(author=bob, to=root, body="Bob replies")
    muted = m("POST", f"/api/v1/statuses/{reply.pk}/mute", alice)
    assert muted.status_code == 200, muted.content
    assert check("Status", muted.json())["muted"] is True
    assert ThreadMute.objects.get(person=alice).thread_root_id == root.pk
    # every status of the thread reads muted for alice, and only for her
    assert m("GET", f"/api/v1/statuses/{root.pk}", alice).json()["muted"] is True
    assert m("GET", f"/api/v1/statuses/{root.pk}", bob).json()["muted"] is False
    before = Notification.objects.filter(recipient=alice).count()  # bob's first reply
    actions.post_reply(author=bob, to=root, body="Another reply")
    actions.helpful_mark(person=bob, post=root)
    assert Notification.objects.filter(recipient=alice).count() == before
    unmuted = m("POST", f"/api/v1/statuses/{root.pk}/unmute", alice)
    assert unmuted.status_code == 200 and unmuted.json()["muted"] is False
    actions.post_reply(author=bob, to=root, body="Heard again")
    assert Notification.objects.filter(recipient=alice).count() == before + 1
    # a conversation carol takes no part in: 422; one she may not see: 404
    outside = m("POST", f"/api/v1/statuses/{root.pk}/mute", carol)
    assert outside.status_code == 422
    assert outside.json()["error"].startswith("Validation failed: You can only mute")
    hidden = actions.post_publish(author=alice, body="Friends", visibility="connections")
    assert m("POST", f"/api/v1/statuses/{hidden.pk}/mute", carol).status_code == 404
    assert m("POST", f"/api/v1/statuses/{hidden.pk}/unmute", carol).status_code == 404
    assert ThreadMute.objects.filter(person=carol).count() == 0


def test_a_reblog_carries_the_originals_muted_flag(m, alice, bob):
    root = actions.post_publish(author=alice, body="Shared")
    repost = actions.post_repost(person=bob, post=root)
    actions.thread_mute(person=alice, post=root)
    data = m("GET", f"/api/v1/statuses/{repost.pk}", alice).json()
    assert data["muted"] is True and data["reblog"]["muted"] is True


def _page(alice, bob, size: int) -> list:
    posts = []
    for i in range(size):
        post = actions.post_publish(author=alice, body=f"Post {i}")
        actions.post_reply(author=bob, to=post, body="Reply")
        if i % 2 == 0:
            actions.post_pin(person=alice, post=post)
        actions.thread_mute(person=alice, post=post)
        actions.bookmark_add(person=alice, post=post)
        posts.append(post)
    return posts


def _queries(viewer, posts) -> tuple[list[dict], list[str]]:
    entities.statuses(load(viewer, *posts), viewer)  # warm the cached fragments and accounts
    loaded = load(viewer, *posts)
    with CaptureQueriesContext(connection) as queries:
        found = entities.statuses(loaded, viewer)
    return found, [q["sql"] for q in queries]


def test_pinned_and_muted_flags_cost_one_query_per_page(alice, bob, settings):
    """bookmarked, pinned and muted come from one query, whatever the page's size."""
    settings.KITH_PINNED_POSTS_MAX = 10
    one, one_sql = _queries(alice, _page(alice, bob, 1))
    many, many_sql = _queries(alice, _page(alice, bob, 8))
    assert len(one_sql) == len(many_sql)
    marks = [sql for sql in many_sql if "conversations_threadmute" in sql]
    assert len(marks) == 1 and "conversations_pin" in marks[0] and "bookmark" in marks[0]
    assert all(s["muted"] and s["bookmarked"] for s in one + many)
    assert [s["pinned"] for s in many] == [i % 2 == 0 for i in range(8)]
    # someone else's page: no pins to look for, still one query for the marks
    _, bobs = _queries(bob, _page(alice, bob, 3)[:1])
    assert len([sql for sql in bobs if "conversations_threadmute" in sql]) == 1
