"""`/api/v1/conversations`: threads of posts of visibility "mentioned" (Mastodon's direct)
the viewer takes part in, through the access rule; read and removed per viewer; the `direct`
stream shows a conversation exactly as the list does."""

from __future__ import annotations

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.conversations import actions
from kith.live.broker import Event
from kith.mastodon import streaming
from kith.mastodon.models import ConversationMark
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person
from tests.conversations.visibility_cases import CASES, SEES
from tests.mastodon.account_helpers import Masto, ids
from tests.mastodon.schema import check

pytestmark = pytest.mark.django_db

MENTIONED = "mentioned"
QUERIES = 14  # a page of conversations, warm caches


def dm(author, body, **options):
    return actions.post_publish(author=author, body=body, visibility=MENTIONED, **options)


def listed(masto, **query) -> list[dict]:
    response = masto.get("/api/v1/conversations", query)
    assert response.status_code == 200, response.content
    return [check("Conversation", c) for c in response.json()]


def test_a_direct_post_is_a_conversation_for_its_author_and_the_people_it_mentions(
    alice, bob, carol
):
    post = dm(alice, "Hi @bob, lunch?")
    dm_bob, dm_alice, dm_carol = Masto(bob), Masto(alice), Masto(carol)
    (seen,) = listed(dm_bob)
    assert seen["id"] == str(post.pk)
    assert seen["unread"] is True
    assert [a["id"] for a in seen["accounts"]] == [str(alice.pk)]
    assert seen["last_status"]["id"] == str(post.pk)
    assert seen["last_status"]["visibility"] == "direct"
    (own,) = listed(dm_alice)
    assert own["unread"] is False  # the last message is hers
    assert [a["id"] for a in own["accounts"]] == [str(bob.pk)]
    assert listed(dm_carol) == []


def test_a_reply_moves_the_conversation_and_makes_it_unread_for_the_others(alice, bob, carol):
    first = dm(alice, "Hi @bob and @carol")
    older = dm(carol, "Something else @alice")
    masto = Masto(alice)
    assert [c["id"] for c in listed(masto)] == [str(older.pk), str(first.pk)]
    reply = actions.post_reply(author=bob, to=first, body="@alice @carol yes!")
    (newest, _) = listed(masto)
    assert (newest["id"], newest["last_status"]["id"]) == (str(first.pk), str(reply.pk))
    assert newest["unread"] is True
    assert [a["id"] for a in newest["accounts"]] == [str(bob.pk), str(carol.pk)]


def test_posts_of_other_visibilities_are_not_conversations(alice, bob):
    for visibility in ("public", "followers", "connections"):
        actions.post_publish(author=alice, body="Hey @bob", visibility=visibility)
    assert listed(Masto(bob)) == [] and listed(Masto(alice)) == []


def test_a_note_to_oneself_shows_oneself(alice):
    dm(alice, "A note to myself")
    (mine,) = listed(Masto(alice))
    assert [a["id"] for a in mine["accounts"]] == [str(alice.pk)]


def test_mark_read(alice, bob, carol):
    post = dm(alice, "Hi @bob")
    masto = Masto(bob)
    answer = masto.post(f"/api/v1/conversations/{post.pk}/read")
    assert answer.status_code == 200, answer.content
    assert check("Conversation", answer.json())["unread"] is False
    assert listed(masto)[0]["unread"] is False
    actions.post_reply(author=alice, to=post, body="@bob hello?")
    assert listed(masto)[0]["unread"] is True
    assert listed(Masto(alice))[0]["unread"] is False
    for missing in (str(post.pk + 1), "nope", "0"):
        answer = masto.post(f"/api/v1/conversations/{missing}/read")
        assert (answer.status_code, answer.json()) == (404, {"error": "Record not found"})
    others = Masto(carol).post(f"/api/v1/conversations/{post.pk}/read")
    assert others.status_code == 404
    assert not ConversationMark.objects.filter(person=carol).exists()


def test_remove_is_for_the_viewer_only_until_a_new_message(alice, bob):
    post = dm(alice, "Hi @bob")
    masto = Masto(bob)
    answer = masto.delete(f"/api/v1/conversations/{post.pk}")
    assert (answer.status_code, answer.json()) == (200, {})
    assert listed(masto) == []
    assert len(listed(Masto(alice))) == 1  # hers stays
    assert masto.delete(f"/api/v1/conversations/{post.pk}").status_code == 404
    assert masto.post(f"/api/v1/conversations/{post.pk}/read").status_code == 404
    reply = actions.post_reply(author=alice, to=post, body="@bob are you there?")
    (back,) = listed(masto)
    assert (back["id"], back["last_status"]["id"], back["unread"]) == (
        str(post.pk),
        str(reply.pk),
        True,
    )


def test_scopes(alice, bob):
    post = dm(alice, "Hi @bob")
    reader = Masto(bob, scope="read:statuses")
    assert reader.get("/api/v1/conversations").status_code == 200
    refused = reader.post(f"/api/v1/conversations/{post.pk}/read")
    assert refused.status_code == 403
    assert reader.delete(f"/api/v1/conversations/{post.pk}").status_code == 403
    writer = Masto(bob, scope="write:conversations")
    assert writer.get("/api/v1/conversations").status_code == 403
    assert writer.post(f"/api/v1/conversations/{post.pk}/read").status_code == 200
    assert not ConversationMark.objects.filter(hidden_up_to__gt=0).exists()


def test_pagination_by_the_last_message(alice, bob):
    threads = [dm(alice, f"Thread {i} @bob") for i in range(5)]
    masto = Masto(bob)
    newest_first = [str(p.pk) for p in reversed(threads)]
    first = masto.get("/api/v1/conversations", {"limit": 2})
    assert ids(first) == newest_first[:2]
    assert 'rel="next"' in first["Link"] and f"max_id={threads[3].pk}" in first["Link"]
    assert f"min_id={threads[4].pk}" in first["Link"]
    assert ids(masto.get("/api/v1/conversations", {"max_id": threads[3].pk})) == newest_first[2:]
    # min_id: the page just above it, newest first; since_id: the newest, down to it
    above = masto.get("/api/v1/conversations", {"min_id": threads[0].pk, "limit": 2})
    assert ids(above) == [str(threads[2].pk), str(threads[1].pk)]
    since = masto.get("/api/v1/conversations", {"since_id": threads[0].pk, "limit": 2})
    assert ids(since) == newest_first[:2]
    # a reply moves its thread to the top: its cursor is the reply's id
    reply = actions.post_reply(author=alice, to=threads[0], body="@bob again")
    top = masto.get("/api/v1/conversations", {"limit": 1})
    assert ids(top) == [str(threads[0].pk)]
    assert f"max_id={reply.pk}" in top["Link"]
    bad = masto.get("/api/v1/conversations", {"max_id": "x"})
    assert bad.status_code == 422


def test_a_block_takes_the_conversation_away(alice, bob):
    dm(alice, "Hi @bob")
    block_create(blocker=alice, blocked=bob)
    assert listed(Masto(bob)) == []


def test_a_deleted_last_message_leaves_the_one_before(alice, bob):
    post = dm(alice, "Hi @bob")
    reply = actions.post_reply(author=bob, to=post, body="@alice hi")
    actions.post_delete(post=reply, by=bob)
    (left,) = listed(Masto(alice))
    assert left["last_status"]["id"] == str(post.pk)
    actions.post_delete(post=post, by=alice)
    assert listed(Masto(alice)) == []


def test_people_the_viewer_may_not_see_are_left_out(alice, bob, carol):
    dm(alice, "Hi @bob and @carol")
    block_create(blocker=carol, blocked=bob)  # carol hides from bob, and her posts too
    (seen,) = listed(Masto(bob))
    assert [a["id"] for a in seen["accounts"]] == [str(alice.pk)]


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_truth_table(alice, viewers, visibility, relationship):
    """A post of alice's that mentions mo is a conversation for exactly the people who may
    see it, and only when it is of visibility "mentioned"."""
    viewer = viewers[relationship]
    actions.post_publish(author=alice, body="Secret words @mo", visibility=visibility)
    if viewer is None:
        from django.test import Client

        assert Client().get("/api/v1/conversations").status_code == 401
        return
    shown = listed(Masto(viewer))
    expected = visibility == MENTIONED and relationship in SEES[visibility]
    assert ("Secret words" in str(shown)) == expected
    assert len(shown) == (1 if expected else 0)


def test_the_list_costs_a_fixed_number_of_queries(alice, bob):
    masto = Masto(bob)
    masto.get("/api/v1/conversations")  # warm the token's app and caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert masto.get("/api/v1/conversations").status_code == 200
        return len(queries)

    for i in range(2):
        dm(make_person(f"friend{i}"), f"Hello @bob @alice {i}")
    count()  # the accounts' counts cached
    few = count()
    for i in range(2, 8):
        dm(make_person(f"friend{i}"), f"Hello @bob @alice {i}")
    count()
    assert count() == few == QUERIES


def test_the_direct_stream_sends_the_conversation_the_list_shows(alice, bob):
    post = dm(alice, "Hi @bob, streamed")
    channels = {streaming.Channel("direct"), streaming.Channel("user")}
    event = Event("1", bob.pk, "feed_entry", orjson.dumps({"post": post.pk}).decode(), post.pk)
    messages = streaming._messages_for(bob.pk, event, channels)
    sent = {(tuple(label), name): payload for label, name, payload in messages}
    conversation = orjson.loads(sent[(("direct",), "conversation")])
    assert conversation == listed(Masto(bob))[0]
    assert orjson.loads(sent[(("user",), "update")])["id"] == str(post.pk)
    # removed from the list: still streamed when a new message brings it back
    Masto(bob).delete(f"/api/v1/conversations/{post.pk}")
    public = actions.post_publish(author=alice, body="Not direct @bob")
    event = Event("2", bob.pk, "feed_entry", orjson.dumps({"post": public.pk}).decode(), public.pk)
    names = [name for _, name, _ in streaming._messages_for(bob.pk, event, channels)]
    assert names == ["update"]
