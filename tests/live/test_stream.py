"""The live event stream, served by a real uvicorn running Kith's own ASGI application."""

from __future__ import annotations

import httpx
import pytest
from django.test import Client

from kith import live
from kith.conversations.actions import post_delete, post_publish
from kith.feeds.actions import notify
from kith.feeds.models import NotificationKind
from kith.live.broker import InProcessBroker, get_broker, set_broker
from kith.people.actions import access_token_create
from kith.relationships.actions.safety import block_create
from tests.conftest import PASSWORD
from tests.live.sse import TIMEOUT, open_stream

pytestmark = pytest.mark.django_db(transaction=True)

PATH = "/live/events"


@pytest.fixture(autouse=True)
def fresh_broker():
    """Each test gets an empty in-process broker (the server reads the same one)."""
    old = set_broker(InProcessBroker())
    yield get_broker()
    set_broker(old)


def bearer(person) -> dict[str, str]:
    _, plaintext = access_token_create(person=person, name="live test")
    return {"Authorization": f"Bearer {plaintext}"}


def test_the_stream_needs_a_person(uvicorn_server, alice):
    url = uvicorn_server.url + PATH
    anonymous = httpx.get(url, timeout=TIMEOUT)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"].startswith("Bearer")
    assert "Sign in" in anonymous.json()["detail"]
    wrong = httpx.get(url, headers={"Authorization": "Bearer kith_nope"}, timeout=TIMEOUT)
    assert wrong.status_code == 401
    basic = httpx.get(url, headers={"Authorization": "Basic YTpi"}, timeout=TIMEOUT)
    assert basic.status_code == 401
    forged = httpx.get(url, cookies={"sessionid": "not-a-session"}, timeout=TIMEOUT)
    assert forged.status_code == 401
    posted = httpx.post(url, headers=bearer(alice), timeout=TIMEOUT)
    assert posted.status_code == 405


def test_a_published_event_reaches_its_person_only(uvicorn_server, alice, bob):
    url = uvicorn_server.url + PATH
    with (
        open_stream(url, headers=bearer(alice)) as alices,
        open_stream(url, headers=bearer(bob)) as bobs,
    ):
        live.publish([alice.pk], "message", {"text": "for alice"})
        live.publish([bob.pk], "message", {"text": "for bob"})
        mine = alices.next_event()
        assert (mine.event, mine.json()) == ("message", {"text": "for alice"})
        assert mine.id
        theirs = bobs.next_event()
        assert theirs.json() == {"text": "for bob"}


def test_the_session_cookie_signs_in(uvicorn_server, alice):
    client = Client()
    assert client.login(username="alice", password=PASSWORD)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    with open_stream(uvicorn_server.url + PATH, cookies=cookies) as stream:
        live.publish([alice.pk], "feed_entry", {"new": 1})
        assert stream.next_event().event == "feed_entry"
    client.logout()  # the session is gone: the cookie no longer opens a stream
    gone = httpx.get(uvicorn_server.url + PATH, cookies=cookies, timeout=TIMEOUT)
    assert gone.status_code == 401


def test_last_event_id_replays_what_was_missed(uvicorn_server, alice):
    url = uvicorn_server.url + PATH
    headers = bearer(alice)
    with open_stream(url, headers=headers) as stream:
        live.publish([alice.pk], "message", {"n": 1})
        first = stream.next_event()
    for n in (2, 3):  # published while alice is away
        live.publish([alice.pk], "message", {"n": n})
    with open_stream(url, headers={**headers, "Last-Event-ID": first.id}) as stream:
        replayed = [stream.next_event(), stream.next_event()]
        assert [frame.json()["n"] for frame in replayed] == [2, 3]
        assert int(replayed[0].id) > int(first.id)
        live.publish([alice.pk], "message", {"n": 4})
        assert stream.next_event().json() == {"n": 4}  # and it goes on live


def test_an_unknown_last_event_id_asks_for_a_resync(uvicorn_server, alice):
    headers = {**bearer(alice), "Last-Event-ID": "12"}  # older than this process
    with open_stream(uvicorn_server.url + PATH, headers=headers) as stream:
        assert stream.next_event().event == "resync"
    headers["Last-Event-ID"] = "not-an-id"
    with open_stream(uvicorn_server.url + PATH, headers=headers) as stream:
        assert stream.next_event().event == "resync"


def test_heartbeat_comments_keep_the_stream_open(uvicorn_server, alice, settings):
    settings.KITH_LIVE_HEARTBEAT_SECONDS = 0.2
    with open_stream(uvicorn_server.url + PATH, headers=bearer(alice)) as stream:
        frame = stream.next_frame()
        assert frame.comments == ["heartbeat"] and not frame.is_event


def test_the_api_streaming_path_is_the_same_stream(uvicorn_server, alice):
    with open_stream(
        uvicorn_server.url + "/api/kith/v1/streaming", headers=bearer(alice)
    ) as stream:
        live.publish([alice.pk], "notification", {"unread": 1})
        assert stream.next_event().json() == {"unread": 1}


def test_a_new_notification_is_announced_with_the_unread_count(uvicorn_server, alice, bob):
    with open_stream(uvicorn_server.url + PATH, headers=bearer(alice)) as stream:
        notify(recipient=alice, kind=NotificationKind.FOLLOW, actor=bob, text="Bob follows you.")
        frame = stream.next_event()
        assert frame.event == "notification"
        data = frame.json()
        assert (data["kind"], data["text"], data["unread"]) == ("follow", "Bob follows you.", 1)


def test_a_live_event_never_carries_a_post_its_reader_may_not_see(
    uvicorn_server, alice, bob, carol
):
    """Connections-only post: bob (a connection) gets it, carol (a stranger) never does."""
    post = post_publish(author=alice, body="Only for my connections", visibility="connections")
    url = uvicorn_server.url + PATH
    with (
        open_stream(url, headers=bearer(bob)) as bobs,
        open_stream(url, headers=bearer(carol)) as carols,
    ):
        live.publish([bob.pk, carol.pk], "feed_entry", {"post": str(post.pk)}, post=post)
        live.publish([carol.pk], "message", {"marker": "after"})
        assert bobs.next_event().json() == {"post": str(post.pk)}
        # carol's next event is the marker: the post's event was never hers
        assert carols.next_event().json() == {"marker": "after"}
    # A post that became invisible is not replayed: bob blocked alice meanwhile.
    headers = bearer(bob)
    with open_stream(url, headers=headers) as stream:
        live.publish([bob.pk], "message", {"n": 0})
        first = stream.next_event()
    live.publish([bob.pk], "feed_entry", {"post": str(post.pk)}, post=post)
    live.publish([bob.pk], "message", {"n": 1})
    block_create(blocker=bob, blocked=alice)
    with open_stream(url, headers={**headers, "Last-Event-ID": first.id}) as stream:
        assert stream.next_event().json() == {"n": 1}
    # A deleted post is never published at all.
    post_delete(post=post, by=alice)
    live.publish([alice.pk], "feed_entry", {"post": str(post.pk)}, post=post)
    assert get_broker().since(alice.pk, first.id) == []


def test_a_direct_message_is_delivered_live_to_participants_only(uvicorn_server, alice, bob, carol):
    from kith.messaging.actions import thread_start

    url = uvicorn_server.url + PATH
    with (
        open_stream(url, headers=bearer(bob)) as bobs,
        open_stream(url, headers=bearer(carol)) as carols,
    ):
        assert bobs.counts == {"notifications": 0, "messages": 0}
        message = thread_start(sender=alice, to=["bob"], body="Hello **Bob**")
        live.publish([carol.pk], "message", {"marker": "after"})
        frame = bobs.next_event()
        data = frame.json()
        assert frame.event == "message"
        assert (data["thread"], data["from"], data["html"]) == (
            str(message.thread_id),
            "alice",
            "<p>Hello <strong>Bob</strong></p>",
        )
        assert data["unread_threads"] == 1 and data["request"] is False
        assert carols.next_event().json() == {"marker": "after"}


def test_pages_served_by_kith_asgi_connect_to_the_stream(uvicorn_server, alice):
    client = Client()
    client.force_login(alice)
    cookies = {"sessionid": client.cookies["sessionid"].value}
    page = httpx.get(uvicorn_server.url + "/", cookies=cookies, timeout=TIMEOUT).text
    assert 'sse-connect="/live/events"' in page and "htmx-ext-sse-2.2.4/sse.js" in page
    # A client cannot switch it on elsewhere, and a plain WSGI server never does.
    assert (
        'sse-connect="/live/events"' not in client.get("/", HTTP_X_KITH_LIVE="1").content.decode()
    )
    anonymous = httpx.get(uvicorn_server.url + "/", timeout=TIMEOUT).text
    assert "sse-connect" not in anonymous
