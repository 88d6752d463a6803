"""The server-sent events endpoint, a native ASGI app in front of the WSGI thread pool.

A stream stays open for hours; on the a2wsgi pool it would hold one of KITH_THREADS threads.
Here it costs a coroutine and a bounded queue. Only the authentication (one session or token
look-up) and a replay's access check run in a thread, through `sync_to_async`.
"""

from __future__ import annotations

import asyncio
import secrets
from http.cookies import CookieError, SimpleCookie
from types import SimpleNamespace
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from django.conf import settings

from kith.live.access import visible_only
from kith.live.broker import RESYNC, Broker, Event, get_broker, resync_event

STREAM_PATHS = frozenset({"/live/events", "/api/kith/v1/streaming", "/api/kith/v1/streaming/"})
RETRY_MS = 3000


def _headers(scope) -> dict[str, str]:
    return {
        key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]
    }


def authenticate(headers: dict[str, str]) -> int | None:
    """Return the id of the person a bearer token or session cookie names, else None."""
    from django.contrib.auth import get_user
    from django.db import close_old_connections

    close_old_connections()
    try:
        authorization = headers.get("authorization", "")
        if authorization:
            from kith.people.actions import access_token_authenticate

            scheme, _, token = authorization.partition(" ")
            if scheme.lower() != "bearer":
                return None
            person = access_token_authenticate(token.strip())
            return person.pk if person is not None else None
        try:
            cookies = SimpleCookie(headers.get("cookie", ""))
        except CookieError:
            return None
        morsel = cookies.get(settings.SESSION_COOKIE_NAME)
        if morsel is None or not morsel.value:
            return None
        from importlib import import_module

        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=morsel.value)
        user = get_user(SimpleNamespace(session=store))
        return user.pk if user.is_authenticated and user.is_active else None
    finally:
        close_old_connections()


def counts_event(person_id: int) -> Event:
    """The person's unread counts, sent when a stream opens and after a resync."""
    import orjson
    from django.db import close_old_connections

    from kith.feeds.actions import unread_notification_counts
    from kith.messaging.selectors import unread_thread_count

    close_old_connections()
    try:
        data = {
            "notifications": unread_notification_counts([person_id])[person_id],
            "messages": unread_thread_count(person_id),
        }
    finally:
        close_old_connections()
    return Event(id="", person_id=person_id, event="counts", data=orjson.dumps(data).decode())


def opening(broker: Broker, person_id: int, last_id: str) -> list[Event]:
    """What a new stream starts with: the counts, then what it missed since `last_id`.

    Runs in a thread (`sync_to_async`): database connections are tidied before and after,
    as a request would.
    """
    from django.db import close_old_connections

    close_old_connections()
    try:
        events = broker.since(person_id, last_id) if last_id else []
        if events is None:
            return [resync_event(person_id), counts_event(person_id)]
        return [counts_event(person_id), *visible_only(person_id, events)]
    finally:
        close_old_connections()


async def _respond(send, status: int, body: bytes, extra=()) -> None:
    headers = [(b"content-type", b"application/json"), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class LiveEndpoint:
    """GET a text/event-stream of the signed-in person's events (401 without a person)."""

    def __init__(self, broker: Broker | None = None) -> None:
        self._broker = broker

    @property
    def broker(self) -> Broker:
        return self._broker or get_broker()

    async def __call__(self, scope, receive, send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await _respond(send, 405, b'{"detail":"Use GET."}', [(b"allow", b"GET")])
            return
        headers = _headers(scope)
        person_id = await sync_to_async(authenticate)(headers)
        if person_id is None:
            await _respond(
                send,
                401,
                b'{"detail":"Sign in, or send Authorization: Bearer <token>."}',
                [(b"www-authenticate", b'Bearer realm="kith"')],
            )
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        last_id = headers.get("last-event-id") or (query.get("last_event_id") or [""])[0]
        broker = self.broker
        sub = await broker.subscribe(person_id)  # before the replay, so nothing falls between
        try:
            backlog = await sync_to_async(opening)(broker, person_id, last_id[:64])
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-cache, no-store"),
                        (b"x-accel-buffering", b"no"),
                    ],
                }
            )
            if scope["method"] == "HEAD":
                await send({"type": "http.response.body", "body": b""})
                return
            sent = {event.id for event in backlog if event.id}
            first = f"retry: {RETRY_MS}\n: connected\n\n".encode()
            await send(
                {
                    "type": "http.response.body",
                    "body": first + b"".join(event.encode() for event in backlog),
                    "more_body": True,
                }
            )
            watcher = asyncio.ensure_future(_wait_for_disconnect(receive, sub))
            try:
                await self._stream(sub, send, sent)
            finally:
                watcher.cancel()
        finally:
            broker.unsubscribe(sub)

    async def _stream(self, sub, send, sent: set[str]) -> None:
        heartbeat = settings.KITH_LIVE_HEARTBEAT_SECONDS
        while True:
            try:
                event = await asyncio.wait_for(sub.queue.get(), timeout=heartbeat)
            except TimeoutError:
                body = b": heartbeat\n\n"
            else:
                if event is None:  # the client went away
                    return
                if event.id and event.id in sent:
                    continue  # already sent in the replay
                body = event.encode()
                if event.event == RESYNC:  # it missed events: its counts come again
                    counts = await sync_to_async(counts_event)(sub.person_id)
                    body += counts.encode()
            await send({"type": "http.response.body", "body": body, "more_body": True})


async def _wait_for_disconnect(receive, sub) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            sub.offer(None)
            return


LIVE_HEADER = b"x-kith-live"
# The header's value is a secret of this process, so a client cannot forge it.
LIVE_TOKEN = secrets.token_hex(16)


class LiveRouter:
    """Send the stream paths to `LiveEndpoint`, Mastodon's (`/api/v1/streaming…`, HTTP and
    WebSocket) to `kith.mastodon.streaming`, everything else to the WSGI app.

    Requests passed on carry `X-Kith-Live: <LIVE_TOKEN>` (any such header from the client is
    dropped),
    so pages know the stream is served here and connect to it; under a plain WSGI server
    (tests' live_server) they do not try.
    """

    def __init__(self, app, endpoint: LiveEndpoint | None = None) -> None:
        from kith.mastodon.streaming import MastodonStreaming

        self.app = app
        self.endpoint = endpoint or LiveEndpoint()
        self.mastodon = MastodonStreaming()

    async def __call__(self, scope, receive, send) -> None:
        from kith.mastodon.streaming import handles

        if scope["type"] == "http" and scope["path"] in STREAM_PATHS:
            await self.endpoint(scope, receive, send)
            return
        if scope["type"] in ("http", "websocket") and handles(scope):
            await self.mastodon(scope, receive, send)  # Mastodon's streaming API
            return
        if scope["type"] == "websocket":  # no other WebSocket path
            await receive()
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] == "http":
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != LIVE_HEADER]
            scope = {**scope, "headers": [*headers, (LIVE_HEADER, LIVE_TOKEN.encode())]}
        await self.app(scope, receive, send)
