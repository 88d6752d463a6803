"""The authorisation truth table (tests/conversations/visibility_cases.py) over the rest of
the Mastodon surface: for every visibility of alice's post and every relationship of the
viewer, each read answers it (or a trace of it) exactly to those who may see it, each write
on it is a 404 for the others and changes nothing, and the live stream sends it only to them.

Timelines, statuses, context and `statuses?id[]` are in test_statuses_timelines.py; the
entities (reblogs and quotes of narrowed posts) in test_entity_truth_table.py; pinned posts in
tests/conversations/test_pins_truth_table.py; direct conversations in test_conversations.py.
"""

from __future__ import annotations

import orjson
import pytest
from django.test import Client

from kith.conversations import actions
from kith.conversations.models import Bookmark, PollVote, Post, Reaction
from kith.live.broker import Event
from kith.mastodon import streaming
from tests.conversations.visibility_cases import CASES, SEES
from tests.mastodon.oauth_helpers import bearer, user_token

SECRET = "Secretwords"


def _as(viewer) -> dict:
    if viewer is None:
        return {}
    return bearer(user_token(viewer, scope="read write follow"))


def _ids(response) -> list[str]:
    return [item["id"] for item in response.json()] if response.status_code == 200 else []


def _leaks(response) -> bool:
    return SECRET in response.content.decode()


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_reads(visibility, relationship, viewers, alice, mo):
    viewer = viewers[relationship]
    sees = relationship in SEES[visibility]
    post = actions.post_publish(
        author=alice, body=f"{SECRET} #truthtable @mo", visibility=visibility
    )
    actions.helpful_mark(person=mo, post=post)
    client, headers = Client(), _as(viewer)

    # Who favourited or reblogged it: the post's own 404 for those who may not see it.
    for path in ("favourited_by", "reblogged_by"):
        answer = client.get(f"/api/v1/statuses/{post.pk}/{path}", **headers)
        assert answer.status_code == (200 if sees else 404), (path, answer.content)
    favourited = _ids(client.get(f"/api/v1/statuses/{post.pk}/favourited_by", **headers))
    assert (favourited == [str(mo.pk)]) is sees

    # Its edit history: the same rule.
    history = client.get(f"/api/v1/statuses/{post.pk}/history", **headers)
    assert (history.status_code == 200) is sees and _leaks(history) is sees

    # alice's statuses, as this viewer reads her profile in an app.
    statuses = client.get(f"/api/v1/accounts/{alice.pk}/statuses", **headers)
    assert (str(post.pk) in _ids(statuses)) is sees
    assert _leaks(statuses) is sees

    # Search (signed in): found only by those who may see it.
    if viewer is not None:
        found = client.get("/api/v2/search", {"q": SECRET, "type": "statuses"}, **headers)
        assert found.status_code == 200
        assert (str(post.pk) in [s["id"] for s in found.json()["statuses"]]) is sees
        tagged = client.get("/api/v2/search", {"q": "#truthtable"}, **headers)
        assert _leaks(tagged) is sees

    # Source: the author's alone.
    source = client.get(f"/api/v1/statuses/{post.pk}/source", **headers)
    assert (source.status_code == 200) is (relationship == "author")


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_writes(visibility, relationship, viewers, alice):
    viewer = viewers[relationship]
    sees = relationship in SEES[visibility]
    post = actions.post_publish(author=alice, body=f"{SECRET} @mo", visibility=visibility)
    client, headers = Client(), _as(viewer)
    before = (
        Reaction.objects.filter(post=post).count(),
        Bookmark.objects.filter(post=post).count(),
        Post.objects.filter(repost_of=post).count(),
    )
    for action in ("favourite", "bookmark", "reblog", "mute", "pin"):
        answer = client.post(f"/api/v1/statuses/{post.pk}/{action}", **headers)
        if viewer is None:
            assert answer.status_code == 401, action
        elif not sees:
            assert answer.status_code == 404, (action, answer.content)
            assert answer.json() == {"error": "Record not found"}
        else:
            # Allowed or refused for another reason (one's own post, a narrowed reblog): never
            # a 404 or a 5xx.
            assert answer.status_code in (200, 422), (action, answer.content)
    if not sees:
        after = (
            Reaction.objects.filter(post=post).count(),
            Bookmark.objects.filter(post=post).count(),
            Post.objects.filter(repost_of=post).count(),
        )
        assert after == before
        reply = client.post(
            "/api/v1/statuses",
            orjson.dumps({"status": "A reply", "in_reply_to_id": str(post.pk)}),
            content_type="application/json",
            **headers,
        )
        assert reply.status_code == (401 if viewer is None else 404)
        assert not Post.objects.filter(in_reply_to=post).exists()


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_polls(visibility, relationship, viewers, alice):
    viewer = viewers[relationship]
    sees = relationship in SEES[visibility]
    post = actions.post_publish(
        author=alice,
        body=f"{SECRET} @mo",
        visibility=visibility,
        poll={"options": ["yes", "no"], "expires_in": 3600},
    )
    poll_id = post.poll.pk
    client, headers = Client(), _as(viewer)
    got = client.get(f"/api/v1/polls/{poll_id}", **headers)
    assert got.status_code == (200 if sees else 404)
    vote = client.post(
        f"/api/v1/polls/{poll_id}/votes",
        orjson.dumps({"choices": ["0"]}),
        content_type="application/json",
        **headers,
    )
    if viewer is None:
        assert vote.status_code == 401
    elif not sees:
        assert vote.status_code == 404
    assert PollVote.objects.filter(poll_id=poll_id).count() == (1 if vote.status_code == 200 else 0)
    assert (vote.status_code == 200) is (sees and relationship not in ("anonymous", "author"))


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_the_live_stream(visibility, relationship, viewers, alice):
    """What the stream sends a subscriber for a post that reached them (a feed entry):
    nothing unless they may see it; public and hashtag streams only for a public post."""
    viewer = viewers[relationship]
    if viewer is None:
        pytest.skip("the stream needs a token")
    sees = relationship in SEES[visibility]
    post = actions.post_publish(
        author=alice, body=f"{SECRET} #truthtable @mo", visibility=visibility
    )
    channels = {
        streaming.Channel("user"),
        streaming.Channel("public"),
        streaming.Channel("hashtag", "truthtable"),
        streaming.Channel("direct"),
    }
    data = orjson.dumps({"post": post.pk}).decode()
    event = Event("1", viewer.pk, "feed_entry", data, post.pk)
    messages = streaming._messages_for(viewer.pk, event, channels)
    assert bool(messages) is sees
    assert any(SECRET in payload for _, _, payload in messages) is sees
    streams = {label[0] for label, _, _ in messages}
    assert ("public" in streams) is (sees and visibility == "public")
    assert ("hashtag" in streams) is (sees and visibility == "public")
