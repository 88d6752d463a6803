"""Mastodon's streaming API on Kith's live broker: `/api/v1/streaming` over WebSocket and SSE.

A native ASGI app (`MastodonStreaming`) in front of the WSGI pool, as `kith.live.asgi` is for
Kith's own stream: an open stream costs a coroutine and the broker's bounded queue, no thread.

- WebSocket `/api/v1/streaming?stream=user&access_token=…` (the token may also come as
  `Authorization: Bearer …` or as the `Sec-WebSocket-Protocol` header, which is echoed);
  client messages `{"type": "subscribe"|"unsubscribe", "stream": "hashtag", "tag": "…"}`;
  server messages `{"stream": ["hashtag", "kith"], "event": "update", "payload": "<JSON>"}`.
- SSE `/api/v1/streaming/user`, `/user/notification`, `/public`, `/public/local`,
  `/hashtag?tag=`, `/hashtag/local?tag=`, `/list?list=`, `/direct`: `event: update` /
  `data: <JSON>` frames and `:thump` heartbeats; `/api/v1/streaming/health` answers `OK`.

Events come from the broker of Kith's live updates (one subscription per connection, for its
person): `feed_entry` becomes `update` (on `user`, and on `public`, `hashtag`, `list` when
the status fits), `notification` becomes `notification` (`user`, `user:notification`),
`filters_changed` (the person's filters changed) is sent as it is on `user`, a
direct status (visibility "mentioned") also becomes `conversation` (`direct`); Kith's private
messages stay in Kith's own API (docs/mastodon.md). Every payload is built at delivery time
by `kith.mastodon.entities` through the subscriber's access rule (`posts_by_ids`,
`visible_notifications`): a post the subscriber may not see (any more) is never sent.
Scopes: `read:statuses` for every stream but `user:notification`, which needs `read:notifications`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from urllib.parse import parse_qs

import orjson
from asgiref.sync import sync_to_async
from django.conf import settings

from kith.live.broker import RESYNC, Event, get_broker

log = logging.getLogger("kith.mastodon.streaming")

PREFIX = "/api/v1/streaming"
SSE_PATHS = {
    "/user": "user",
    "/user/notification": "user:notification",
    "/public": "public",
    "/public/local": "public:local",
    "/public/remote": "public:remote",
    "/hashtag": "hashtag",
    "/hashtag/local": "hashtag:local",
    "/list": "list",
    "/direct": "direct",
}
STREAMS = frozenset(SSE_PATHS.values())
NEEDS_TAG = frozenset({"hashtag", "hashtag:local"})
SCOPE_OF = {"user:notification": "read:notifications"}  # every other stream: read:statuses
MAX_SUBSCRIPTIONS = 50  # streams one WebSocket may hold at once


def handles(scope) -> bool:
    """Whether `scope` (HTTP or WebSocket) is one of the streaming paths."""
    path = scope.get("path", "")
    return path == PREFIX or path.startswith(PREFIX + "/")


class StreamError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Caller:
    person_id: int
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        from kith.mastodon import scopes as scope_rules

        return scope_rules.grants(self.scopes, scope)


def authenticate(token: str | None) -> Caller:
    """Return who `token` names (a Mastodon OAuth or Kith personal token); StreamError 401."""
    from django.db import close_old_connections

    from kith.mastodon.auth import UNCONFIRMED, lookup_token
    from kith.mastodon.errors import MastodonError

    if not token:
        raise StreamError(401, "Missing access token")
    close_old_connections()
    try:
        try:
            found = lookup_token(token)
        except MastodonError as error:
            raise StreamError(error.status, error.message) from None
        if found.person is None:
            raise StreamError(422, "This method requires an authenticated user")
        if not found.person.is_active:
            raise StreamError(403, "Your login is currently disabled")
        if found.person.email_confirmed_at is None:
            raise StreamError(403, UNCONFIRMED)
        return Caller(found.person.pk, found.scopes)
    finally:
        close_old_connections()


@dataclass(frozen=True)
class Channel:
    """One subscribed stream: its name and its parameter (a tag, a list id), as Mastodon
    names it in each message's `stream` array."""

    name: str
    param: str = ""

    @property
    def label(self) -> list[str]:
        return [self.name, self.param] if self.param else [self.name]


def channel_for(caller: Caller, name: str | None, tag: str | None, list_id: str | None) -> Channel:
    """Check a subscription request (stream name, its parameter, the token's scope, the
    list's owner); return its Channel or raise StreamError."""
    if not name or name not in STREAMS:
        raise StreamError(400, "Unknown stream type")
    needed = SCOPE_OF.get(name, "read:statuses")
    if not caller.allows(needed):
        raise StreamError(403, "This action is outside the authorized scopes")
    if name in NEEDS_TAG:
        tag = (tag or "").strip().lstrip("#").lower()
        if not tag or len(tag) > 100:
            raise StreamError(400, "No tag for stream provided")
        return Channel(name, tag)
    if name == "list":
        list_id = (list_id or "").strip()
        if not list_id.isdigit() or len(list_id) > 19 or not _owns_list(caller, int(list_id)):
            raise StreamError(404, "Record not found")
        return Channel(name, list_id)
    return Channel(name)


def _owns_list(caller: Caller, list_id: int) -> bool:
    from django.db import close_old_connections

    from kith.feeds.models import PersonList

    close_old_connections()
    try:
        return PersonList.objects.filter(pk=list_id, owner_id=caller.person_id).exists()
    finally:
        close_old_connections()


def start_reading(caller: Caller) -> None:
    """Note that the person reads their feed now (`feeds.feed_seen`): fan-out announces new
    posts live only to readers seen lately, and a returning reader is backfilled."""
    from django.db import close_old_connections

    from kith.feeds.actions import feed_seen
    from kith.people.access import active_people

    close_old_connections()
    try:
        person = active_people([caller.person_id]).first()
        if person is not None:
            feed_seen(person=person)
    finally:
        close_old_connections()


# --- Turning broker events into Mastodon messages ----------------------------------------------


def messages_for(
    person_id: int, event: Event, channels: set[Channel]
) -> list[tuple[list, str, str]]:
    """Return the (stream label, event name, payload) Mastodon messages that `event` makes
    for the subscriber's `channels`, built now through their access rule."""
    from django.db import close_old_connections

    close_old_connections()
    try:
        return _messages_for(person_id, event, channels)
    finally:
        close_old_connections()


def _viewer(person_id: int):
    from kith.people.access import active_people

    return active_people([person_id]).first()


def _messages_for(person_id: int, event: Event, channels: set[Channel]) -> list:
    names = {channel.name for channel in channels}
    if event.event == "feed_entry" and names & {
        "user",
        "public",
        "public:local",
        "hashtag",
        "hashtag:local",
        "list",
        "direct",
    }:
        return _update(person_id, event, channels)
    if event.event == "notification" and names & {"user", "user:notification"}:
        return _notification(person_id, event, channels)
    if event.event == "filters_changed":  # no payload, as Mastodon sends it
        return [(c.label, "filters_changed", None) for c in channels if c.name == "user"]
    return []


def _update(person_id: int, event: Event, channels: set[Channel]) -> list:
    from kith.conversations.access import posts_by_ids
    from kith.mastodon import entities

    data = orjson.loads(event.data)
    try:
        post_id = int(data.get("post") or event.post_id)
    except (TypeError, ValueError):
        return []
    viewer = _viewer(person_id)
    if viewer is None:
        return []
    posts = posts_by_ids(viewer, [post_id])  # the access rule, now
    post = posts.get(post_id)
    if post is None:
        return []
    found = entities.statuses([post], viewer, context="home")
    if not found:
        return []
    status = found[0]
    payload = orjson.dumps(status).decode()
    original = status.get("reblog") or status
    tags = {t["name"].lower() for t in original.get("tags", ())}
    is_public = original.get("visibility") == "public"
    list_ids = _lists_with(person_id, int(original["account"]["id"]), channels)
    out = []
    for channel in sorted(channels, key=lambda c: (c.name, c.param)):
        fits = (
            channel.name == "user"
            or (channel.name in ("public", "public:local") and is_public)
            or (channel.name in NEEDS_TAG and is_public and channel.param in tags)
            or (channel.name == "list" and channel.param in list_ids)
        )
        if fits:
            out.append((channel.label, "update", payload))
    direct = [c for c in channels if c.name == "direct"]
    if direct and original is status and status.get("visibility") == "direct":
        conversation = _conversation(viewer, post, status)
        if conversation is not None:
            out.extend((c.label, "conversation", conversation) for c in direct)
    return out


def _lists_with(person_id: int, author_id: int, channels: set[Channel]) -> set[str]:
    wanted = [int(c.param) for c in channels if c.name == "list"]
    if not wanted:
        return set()
    from kith.feeds.models import PersonListMember

    rows = PersonListMember.objects.filter(
        person_list_id__in=wanted, person_list__owner_id=person_id, person_id=author_id
    ).values_list("person_list_id", flat=True)
    return {str(pk) for pk in rows}


def _notification(person_id: int, event: Event, channels: set[Channel]) -> list:
    from kith.mastodon import entities
    from kith.notify.selectors import visible_notifications

    data = orjson.loads(event.data)
    try:
        notification_id = int(data.get("id"))
    except (TypeError, ValueError):
        return []
    viewer = _viewer(person_id)
    if viewer is None:
        return []
    rows = list(visible_notifications(viewer).filter(pk=notification_id))
    found = entities.notifications(rows, viewer) if rows else []
    if not found:  # a Kith-only kind, or its post is out of sight now
        return []
    payload = orjson.dumps(found[0]).decode()
    return [
        (channel.label, "notification", payload)
        for channel in sorted(channels, key=lambda c: c.name)
        if channel.name in ("user", "user:notification")
    ]


def _conversation(viewer, post, status: dict) -> str | None:
    """The Conversation of a direct status, exactly as `GET /api/v1/conversations` shows it
    (`kith.mastodon.direct`); None if it is not in the viewer's list."""
    from kith.mastodon import direct, entities

    row = direct.conversation_of(viewer, post.thread_root_id or post.pk)
    if row is None:
        return None
    return orjson.dumps(entities.conversations([row], viewer)[0]).decode()


# --- The ASGI app --------------------------------------------------------------------------------


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _token(headers: dict[str, str], query: dict[str, list[str]]) -> str | None:
    authorization = headers.get("authorization", "")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        return value.strip() if scheme.lower() == "bearer" else ""
    if query.get("access_token"):
        return query["access_token"][0]
    protocol = headers.get("sec-websocket-protocol", "")
    return protocol.split(",")[0].strip() or None


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name) or query.get(f"{name}[]")
    return values[0] if values else None


async def _json(send, status: int, body: dict, extra=()) -> None:
    headers = [(b"content-type", b"application/json"), *extra]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": orjson.dumps(body)})


class MastodonStreaming:
    """The ASGI app of `/api/v1/streaming…` (see the module docstring)."""

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "websocket":
            await WebSocketStream(scope, receive, send).run()
        elif scope["type"] == "http":
            await self.http(scope, receive, send)

    async def http(self, scope, receive, send) -> None:
        path = scope["path"].removeprefix(PREFIX).rstrip("/")
        if path == "/health":
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [(b"content-type", b"text/plain")],
                }
            )
            await send({"type": "http.response.body", "body": b"OK"})
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _json(send, 405, {"error": "Use GET"}, [(b"allow", b"GET")])
            return
        name = SSE_PATHS.get(path)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if not path:
            name = _first(query, "stream")
        if name is None:
            await _json(send, 404, {"error": "Not found"})
            return
        headers = _headers(scope)
        try:
            caller = await sync_to_async(authenticate)(_token(headers, query))
            channel = await sync_to_async(channel_for)(
                caller, name, _first(query, "tag"), _first(query, "list")
            )
        except StreamError as error:
            await _json(send, error.status, {"error": error.message})
            return
        await SseStream(caller, {channel}, scope, receive, send).run()


class _Stream:
    """What both transports share: one broker subscription, translated per event."""

    def __init__(self, caller: Caller, channels: set[Channel]) -> None:
        self.caller = caller
        self.channels = channels

    async def pump(self, sub) -> None:
        heartbeat = settings.KITH_LIVE_HEARTBEAT_SECONDS
        while True:
            try:
                event = await asyncio.wait_for(sub.queue.get(), timeout=heartbeat)
            except TimeoutError:
                await self.heartbeat()
                continue
            if event is None:
                return
            if event.event == RESYNC or not self.channels:
                continue  # Mastodon has no resync: apps reload their timelines on reconnect
            try:
                messages = await sync_to_async(messages_for)(
                    self.caller.person_id, event, set(self.channels)
                )
            except Exception:
                log.exception("mastodon streaming: could not build %s", event.event)
                continue
            for label, name, payload in messages:
                await self.emit(label, name, payload)

    async def heartbeat(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    async def emit(self, label: list[str], name: str, payload: str) -> None:  # pragma: no cover
        raise NotImplementedError


class SseStream(_Stream):
    def __init__(self, caller, channels, scope, receive, send) -> None:
        super().__init__(caller, channels)
        self.scope, self.receive, self.send = scope, receive, send

    async def run(self) -> None:
        broker = get_broker()
        sub = await broker.subscribe(self.caller.person_id)
        try:
            await sync_to_async(start_reading)(self.caller)
            await self.send(
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
            if self.scope["method"] == "HEAD":
                await self.send({"type": "http.response.body", "body": b""})
                return
            await self.send({"type": "http.response.body", "body": b":)\n\n", "more_body": True})
            watcher = asyncio.ensure_future(self._watch(sub))
            try:
                await self.pump(sub)
            finally:
                watcher.cancel()
        finally:
            broker.unsubscribe(sub)

    async def _watch(self, sub) -> None:
        while True:
            message = await self.receive()
            if message["type"] == "http.disconnect":
                sub.offer(None)
                return

    async def heartbeat(self) -> None:
        await self.send({"type": "http.response.body", "body": b":thump\n\n", "more_body": True})

    async def emit(self, label, name, payload) -> None:
        data = "undefined" if payload is None else payload  # Mastodon's text for no payload
        body = f"event: {name}\ndata: {data}\n\n".encode()
        await self.send({"type": "http.response.body", "body": body, "more_body": True})


class WebSocketStream(_Stream):
    def __init__(self, scope, receive, send) -> None:
        super().__init__(None, set())  # type: ignore[arg-type]
        self.scope, self.receive, self.send = scope, receive, send
        self.lock = asyncio.Lock()

    async def refuse(self, status: int, message: str) -> None:
        """Refuse the handshake with an HTTP answer (or a close where the server cannot)."""
        if "websocket.http.response" in self.scope.get("extensions", {}):
            await self.send(
                {
                    "type": "websocket.http.response.start",
                    "status": status,
                    "headers": [(b"content-type", b"application/json")],
                }
            )
            await self.send(
                {"type": "websocket.http.response.body", "body": orjson.dumps({"error": message})}
            )
        else:
            await self.send({"type": "websocket.close", "code": 4000 + status})

    async def run(self) -> None:
        first = await self.receive()
        if first["type"] != "websocket.connect":
            return
        headers = _headers(self.scope)
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        token = _token(headers, query)
        try:
            self.caller = await sync_to_async(authenticate)(token)
            initial = None
            if _first(query, "stream"):
                initial = await sync_to_async(channel_for)(
                    self.caller,
                    _first(query, "stream"),
                    _first(query, "tag"),
                    _first(query, "list"),
                )
        except StreamError as error:
            await self.refuse(error.status, error.message)
            return
        accept = {"type": "websocket.accept"}
        protocol = headers.get("sec-websocket-protocol", "")
        if protocol and not headers.get("authorization") and not query.get("access_token"):
            accept["subprotocol"] = protocol.split(",")[0].strip()  # the token, echoed
        await self.send(accept)
        if initial is not None:
            self.channels.add(initial)
        broker = get_broker()
        sub = await broker.subscribe(self.caller.person_id)
        try:
            await sync_to_async(start_reading)(self.caller)
            pump = asyncio.ensure_future(self.pump(sub))
            try:
                await self.listen(sub)
            finally:
                pump.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await pump
        finally:
            broker.unsubscribe(sub)

    async def listen(self, sub) -> None:
        """Read the client's subscribe/unsubscribe messages until it goes away."""
        while True:
            message = await self.receive()
            if message["type"] == "websocket.disconnect":
                sub.offer(None)
                return
            if message["type"] != "websocket.receive":
                continue
            text = message.get("text") or (message.get("bytes") or b"").decode("utf-8", "replace")
            await self.command(text)

    async def command(self, text: str) -> None:
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            await self.error(400, "Invalid JSON")
            return
        if not isinstance(data, dict) or data.get("type") not in ("subscribe", "unsubscribe"):
            await self.error(400, "Unknown message type")
            return
        tag, list_id = data.get("tag"), data.get("list")
        try:
            channel = await sync_to_async(channel_for)(
                self.caller,
                data.get("stream") if isinstance(data.get("stream"), str) else None,
                tag if isinstance(tag, str) else None,
                str(list_id) if isinstance(list_id, str | int) else None,
            )
        except StreamError as error:
            await self.error(error.status, error.message)
            return
        if data["type"] == "subscribe":
            if len(self.channels) >= MAX_SUBSCRIPTIONS:
                await self.error(400, "Too many subscriptions")
                return
            self.channels.add(channel)
        else:
            self.channels.discard(channel)

    async def error(self, status: int, message: str) -> None:
        await self._send_text(orjson.dumps({"error": message, "status": status}).decode())

    async def heartbeat(self) -> None:
        return  # the server pings the socket itself (uvicorn: ws_ping_interval)

    async def emit(self, label, name, payload) -> None:
        message = {"stream": label, "event": name}
        if payload is not None:
            message["payload"] = payload
        text = orjson.dumps(message).decode()
        await self._send_text(text)

    async def _send_text(self, text: str) -> None:
        async with self.lock:
            await self.send({"type": "websocket.send", "text": text})
