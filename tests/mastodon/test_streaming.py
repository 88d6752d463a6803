"""Mastodon's streaming API (`/api/v1/streaming`) over WebSocket and SSE, served by a real
uvicorn running Kith's ASGI application, read by a real WebSocket client (`websockets`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import orjson
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from kith.conversations.actions import post_publish
from kith.feeds.actions import fan_out_post, notify
from kith.feeds.models import NotificationKind
from kith.live.broker import InProcessBroker, get_broker, set_broker
from tests.live.sse import TIMEOUT, Stream
from tests.mastodon.oauth_helpers import user_token

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_broker():
    old = set_broker(InProcessBroker())
    yield get_broker()
    set_broker(old)


@contextmanager
def open_stream(url: str, *, headers=None) -> Iterator[Stream]:
    """Open a Mastodon SSE stream, check it answered 200 and read its opening comment."""
    with (
        httpx.Client(timeout=TIMEOUT) as client,
        client.stream("GET", url, headers=headers or {}) as response,
    ):
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        stream = Stream(response)
        assert stream.next_frame().comments == [")"]
        yield stream


def ws_url(server, query: str = "") -> str:
    return server.url.replace("http://", "ws://") + "/api/v1/streaming" + query


def next_message(ws) -> dict:
    return orjson.loads(ws.recv(timeout=10))


def marker(person, actor) -> None:
    """A notification the stream passes on: what comes before it proves what did not."""
    notify(recipient=person, kind=NotificationKind.FOLLOW, actor=actor, text="marker")


def test_health_answers_ok(uvicorn_server):
    answer = httpx.get(uvicorn_server.url + "/api/v1/streaming/health", timeout=TIMEOUT)
    assert (answer.status_code, answer.text) == (200, "OK")


def test_sse_needs_a_token_with_the_right_scope(uvicorn_server, alice):
    url = uvicorn_server.url + "/api/v1/streaming/user"
    missing = httpx.get(url, timeout=TIMEOUT)
    assert (missing.status_code, missing.json()) == (401, {"error": "Missing access token"})
    bad = httpx.get(url, headers={"Authorization": "Bearer nope"}, timeout=TIMEOUT)
    assert (bad.status_code, bad.json()) == (401, {"error": "The access token is invalid"})
    only_notifications = user_token(alice, scope="read:notifications")
    refused = httpx.get(url, params={"access_token": only_notifications}, timeout=TIMEOUT)
    assert refused.status_code == 403
    assert refused.json() == {"error": "This action is outside the authorized scopes"}
    unknown = httpx.get(
        uvicorn_server.url + "/api/v1/streaming/nope", params={"access_token": only_notifications}
    )
    assert unknown.status_code == 404
    no_tag = httpx.get(
        uvicorn_server.url + "/api/v1/streaming/hashtag",
        params={"access_token": user_token(alice)},
        timeout=TIMEOUT,
    )
    assert (no_tag.status_code, no_tag.json()) == (400, {"error": "No tag for stream provided"})


def test_sse_user_stream_receives_a_new_status_and_a_notification(uvicorn_server, alice, bob):
    token = user_token(bob)
    url = uvicorn_server.url + "/api/v1/streaming/user"
    with open_stream(url, headers={"Authorization": f"Bearer {token}"}) as stream:
        post = post_publish(author=alice, body="Hello #kith friends")
        fan_out_post(post=post)
        frame = stream.next_event()
        assert frame.event == "update"
        status = frame.json()
        assert (status["id"], status["account"]["id"]) == (str(post.pk), str(alice.pk))
        notify(recipient=bob, kind=NotificationKind.HELPFUL, actor=alice, post=post, text="x")
        frame = stream.next_event()
        assert frame.event == "notification"
        assert frame.json()["type"] == "favourite"
        assert frame.json()["status"]["id"] == str(post.pk)


def test_websocket_user_stream_receives_a_status_and_a_notification(uvicorn_server, alice, bob):
    token = user_token(bob)
    with connect(ws_url(uvicorn_server, f"?stream=user&access_token={token}")) as ws:
        post = post_publish(author=alice, body="Live over a socket")
        fan_out_post(post=post)
        message = next_message(ws)
        assert (message["stream"], message["event"]) == (["user"], "update")
        assert orjson.loads(message["payload"])["id"] == str(post.pk)
        notify(recipient=bob, kind=NotificationKind.FOLLOW, actor=alice, text="follows you")
        message = next_message(ws)
        assert (message["stream"], message["event"]) == (["user"], "notification")
        payload = orjson.loads(message["payload"])
        assert (payload["type"], payload["account"]["id"]) == ("follow", str(alice.pk))


def test_websocket_token_in_the_protocol_header_and_subscribe_messages(uvicorn_server, alice, bob):
    token = user_token(bob)
    with connect(ws_url(uvicorn_server), subprotocols=[token]) as ws:
        assert ws.subprotocol == token
        ws.send(orjson.dumps({"type": "subscribe", "stream": "hashtag", "tag": "Kith"}).decode())
        ws.send(orjson.dumps({"type": "subscribe", "stream": "user:notification"}).decode())
        ws.send("not json")
        assert next_message(ws) == {"error": "Invalid JSON", "status": 400}
        ws.send(orjson.dumps({"type": "subscribe", "stream": "firehose"}).decode())
        assert next_message(ws) == {"error": "Unknown stream type", "status": 400}
        ws.send(orjson.dumps({"type": "dance"}).decode())
        assert next_message(ws) == {"error": "Unknown message type", "status": 400}
        untagged = post_publish(author=alice, body="No tag here")
        fan_out_post(post=untagged)
        tagged = post_publish(author=alice, body="About #kith")
        fan_out_post(post=tagged)
        message = next_message(ws)  # the untagged post went to no subscribed stream
        assert (message["stream"], message["event"]) == (["hashtag", "kith"], "update")
        assert orjson.loads(message["payload"])["id"] == str(tagged.pk)
        ws.send(orjson.dumps({"type": "unsubscribe", "stream": "hashtag", "tag": "kith"}).decode())
        ws.send(orjson.dumps({"type": "subscribe", "stream": "user:notification"}).decode())
        fan_out_post(post=post_publish(author=alice, body="Again #kith"))
        marker(bob, alice)
        message = next_message(ws)
        assert message["stream"] == ["user:notification"]


def test_websocket_refuses_a_bad_token_at_the_handshake(uvicorn_server, alice):
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(uvicorn_server, "?stream=user&access_token=wrong")).close()
    assert refused.value.response.status_code == 401
    token = user_token(alice, scope="read:notifications")
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(uvicorn_server, f"?stream=user&access_token={token}")).close()
    assert refused.value.response.status_code == 403
    # the notification stream is what that token may read
    with connect(ws_url(uvicorn_server, f"?stream=user:notification&access_token={token}")):
        pass


def test_a_stream_never_carries_a_post_its_subscriber_may_not_see(uvicorn_server, alice, carol):
    """The payload is built at delivery through the subscriber's access rule: even an event
    published to carol for alice's connections-only post (bypassing the publish-time check)
    reaches her as nothing, on every stream; a notification about it neither."""
    post = post_publish(
        author=alice, body="Only for my connections #kith", visibility="connections"
    )
    token = user_token(carol)
    with (
        connect(ws_url(uvicorn_server, f"?stream=user&access_token={token}")) as ws,
        open_stream(
            uvicorn_server.url + "/api/v1/streaming/public",
            headers={"Authorization": f"Bearer {token}"},
        ) as sse,
    ):
        ws.send(orjson.dumps({"type": "subscribe", "stream": "hashtag", "tag": "kith"}).decode())
        ws.send(orjson.dumps({"type": "subscribe", "stream": "public"}).decode())
        get_broker().publish_items(
            [(carol.pk, orjson.dumps({"post": str(post.pk)}).decode())], "feed_entry", post.pk
        )
        get_broker().publish_items(
            [(carol.pk, orjson.dumps({"id": "1"}).decode())], "notification", post.pk
        )
        marker(carol, alice)
        message = next_message(ws)
        assert (message["event"], orjson.loads(message["payload"])["type"]) == (
            "notification",
            "follow",
        )
        # public carries no notifications: a public post is the next thing it shows
        public = post_publish(author=alice, body="For everyone")
        get_broker().publish_items(
            [(carol.pk, orjson.dumps({"post": str(public.pk)}).decode())], "feed_entry", public.pk
        )
        frame = sse.next_event()
        assert (frame.event, frame.json()["id"]) == ("update", str(public.pk))
