"""Live-event brokers: who is listening in this process, and how events reach them.

An event is published once per recipient. It gets an id, is kept in a small per-person buffer
(for `Last-Event-ID` replay) and is offered to that person's open streams.

- `InProcessBroker` (the default): ids come from one counter per process, the buffer is a
  bounded deque per person. Events published by another process (a worker) are not seen.
- `RedisBroker` (when KITH_REDIS_URL is set): each person's recent events are a capped Redis
  stream (its entry ids are the event ids) and every publish is also sent on one pub/sub
  channel, which each server process listens to once and fans out to its own streams. So
  several server processes, and the worker, agree.

Each open stream has a bounded queue. A client that cannot keep up does not slow the others:
when its queue is full its backlog is dropped and it receives one `resync` event (reload).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import itertools
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field

import orjson
from django.conf import settings

log = logging.getLogger("kith.live")

CHANNEL = "kith:live"
STREAM_TTL_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Event:
    """One event for one person: `data` is JSON text; `post_id` names the post it carries."""

    id: str
    person_id: int
    event: str
    data: str
    post_id: int | None = None

    def encode(self) -> bytes:
        """The event in the text/event-stream wire format."""
        lines = [f"id: {self.id}"] if self.id else []
        lines.append(f"event: {self.event}")
        lines += [f"data: {line}" for line in self.data.split("\n")]
        return ("\n".join(lines) + "\n\n").encode()


RESYNC = "resync"


def resync_event(person_id: int) -> Event:
    return Event(id="", person_id=person_id, event=RESYNC, data='{"reason":"missed events"}')


class Subscription:
    """One open stream: a bounded queue filled on its event loop."""

    def __init__(self, person_id: int, loop: asyncio.AbstractEventLoop, maxsize: int) -> None:
        self.person_id = person_id
        self.loop = loop
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize=maxsize)
        self.skipped = 0

    def offer(self, event: Event | None) -> None:
        """Queue `event` (None closes the stream); on overflow skip the backlog for a resync."""
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.skipped += 1
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(resync_event(self.person_id) if event is not None else None)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.offer, None)


@dataclass
class LocalHub:
    """The streams open in this process, by person; thread-safe delivery onto their loops."""

    subscriptions: dict[int, set[Subscription]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, subscription: Subscription) -> None:
        with self.lock:
            self.subscriptions.setdefault(subscription.person_id, set()).add(subscription)

    def remove(self, subscription: Subscription) -> None:
        with self.lock:
            subs = self.subscriptions.get(subscription.person_id)
            if subs is not None:
                subs.discard(subscription)
                if not subs:
                    del self.subscriptions[subscription.person_id]

    def count(self) -> int:
        with self.lock:
            return sum(len(subs) for subs in self.subscriptions.values())

    def deliver(self, events: list[Event]) -> None:
        """Offer each event to its person's streams, on each stream's own loop (any thread)."""
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[Subscription, Event]]] = {}
        with self.lock:
            for event in events:
                for sub in self.subscriptions.get(event.person_id, ()):
                    by_loop.setdefault(sub.loop, []).append((sub, event))
        for loop, pairs in by_loop.items():
            try:
                loop.call_soon_threadsafe(_offer_all, pairs)
            except RuntimeError:  # the loop has closed: its streams are gone
                continue

    def resync_all(self) -> None:
        with self.lock:
            subs = [sub for group in self.subscriptions.values() for sub in group]
        for sub in subs:
            sub.loop.call_soon_threadsafe(sub.offer, resync_event(sub.person_id))


def _offer_all(pairs: list[tuple[Subscription, Event]]) -> None:
    for sub, event in pairs:
        sub.offer(event)


class Broker(abc.ABC):
    """What the SSE endpoint and `kith.live.publish` need from a broker."""

    def __init__(self) -> None:
        self.hub = LocalHub()

    # Publishing: synchronous, from any thread (views run on a thread pool).
    def publish(self, person_ids, event: str, data: str, post_id: int | None = None) -> list[str]:
        """Send the same `data` (JSON text) to each of `person_ids`; return the event ids."""
        return self.publish_items([(int(pid), data) for pid in person_ids], event, post_id)

    @abc.abstractmethod
    def publish_items(
        self, items: list[tuple[int, str]], event: str, post_id: int | None = None
    ) -> list[str]:
        """Send each (person id, data) of `items`; return the event ids, in order."""

    # Streams: on the server's event loop.
    async def subscribe(self, person_id: int) -> Subscription:
        sub = Subscription(person_id, asyncio.get_running_loop(), settings.KITH_LIVE_QUEUE)
        self.hub.add(sub)
        return sub

    def unsubscribe(self, subscription: Subscription) -> None:
        self.hub.remove(subscription)

    @abc.abstractmethod
    def since(self, person_id: int, last_id: str) -> list[Event] | None:
        """Return `person_id`'s events after `last_id`, or None if some were lost (resync).

        Synchronous (may do I/O): the endpoint runs it in a thread.
        """


class InProcessBroker(Broker):
    """Events stay in this process: a counter for ids and a bounded deque per person.

    Memory stays bounded: every SWEEP_EVERY publishes, the buffers of people whose newest
    event is older than KEEP_SECONDS are dropped; a replay from before then gets a resync.
    """

    SWEEP_EVERY = 1000
    KEEP_SECONDS = 3600

    def __init__(self, buffer: int | None = None) -> None:
        super().__init__()
        self.buffer = buffer or settings.KITH_LIVE_BUFFER
        # Ids grow across restarts (they start from the clock), so an id from before a
        # restart is recognised as older than anything this process kept.
        self.first_id = time.time_ns() // 1000
        self._ids = itertools.count(self.first_id)
        self._recent: dict[int, deque[Event]] = {}
        self._newest: dict[int, float] = {}  # person id → monotonic time of their last event
        self._horizon = 0  # ids up to this one may have been swept away
        self._published = 0
        self._lock = threading.Lock()

    def publish_items(
        self, items: list[tuple[int, str]], event: str, post_id: int | None = None
    ) -> list[str]:
        events = []
        with self._lock:
            for person_id, data in items:
                item = Event(str(next(self._ids)), int(person_id), event, data, post_id)
                recent = self._recent.get(item.person_id)
                if recent is None:
                    recent = self._recent[item.person_id] = deque(maxlen=self.buffer)
                recent.append(item)
                events.append(item)
                self._newest[item.person_id] = time.monotonic()
            self._published += 1
            if self._published % self.SWEEP_EVERY == 0:
                self._sweep()
        self.hub.deliver(events)
        return [item.id for item in events]

    def _sweep(self) -> None:
        """Drop the buffers nobody can usefully replay any more (called under the lock)."""
        cutoff = time.monotonic() - self.KEEP_SECONDS
        for person_id in [pid for pid, at in self._newest.items() if at < cutoff]:
            recent = self._recent.pop(person_id, None)
            del self._newest[person_id]
            if recent:
                self._horizon = max(self._horizon, int(recent[-1].id))

    def since(self, person_id: int, last_id: str) -> list[Event] | None:
        try:
            last = int(last_id)
        except ValueError:
            return None
        with self._lock:
            recent = list(self._recent.get(person_id, ()))
            horizon = self._horizon
        if last < self.first_id - 1 or (last < horizon and not recent):
            return None
        if len(recent) == self.buffer and int(recent[0].id) > last + 1:
            return None  # the buffer overflowed past the client's last event
        return [item for item in recent if int(item.id) > last]


def _stream_key(person_id: int) -> str:
    return f"kith:live:p:{person_id}"


def _stream_id(value: str) -> tuple[int, int] | None:
    ms, sep, seq = value.partition("-")
    if not sep or not ms.isdigit() or not seq.isdigit():
        return None
    return int(ms), int(seq)


class RedisBroker(Broker):
    """Events through Redis: a capped stream per person for replay, pub/sub for delivery."""

    def __init__(self, url: str, buffer: int | None = None) -> None:
        super().__init__()
        import redis

        self.url = url
        self.buffer = buffer or settings.KITH_LIVE_BUFFER
        self.client = redis.Redis.from_url(url)
        self._listeners: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}
        self._listening: dict[asyncio.AbstractEventLoop, asyncio.Event] = {}

    def publish_items(
        self, items: list[tuple[int, str]], event: str, post_id: int | None = None
    ) -> list[str]:
        if not items:
            return []
        post = "" if post_id is None else str(post_id)
        with self.client.pipeline(transaction=False) as pipe:
            for person_id, data in items:
                key = _stream_key(person_id)
                pipe.xadd(
                    key, {"e": event, "d": data, "p": post}, maxlen=self.buffer, approximate=False
                )
                pipe.expire(key, STREAM_TTL_SECONDS)
            ids = [raw.decode() for raw in pipe.execute()[::2]]
        message = orjson.dumps(
            {
                "e": event,
                "p": post_id,
                "to": [[pid, eid, data] for (pid, data), eid in zip(items, ids, strict=True)],
            }
        )
        self.client.publish(CHANNEL, message)
        return ids

    def since(self, person_id: int, last_id: str) -> list[Event] | None:
        last = _stream_id(last_id)
        if last is None:
            return None
        key = _stream_key(person_id)
        with self.client.pipeline(transaction=False) as pipe:
            pipe.xlen(key)
            pipe.xrange(key, min="-", max="+", count=1)
            pipe.xrange(key, min=f"({last_id}", max="+")
            length, first, after = pipe.execute()
        if first and length >= self.buffer:
            first_id = _stream_id(first[0][0].decode())
            if first_id is not None and first_id > last:
                return None  # the client's last event was trimmed away: some may be lost
        events = []
        for raw_id, fields in after:
            post = fields.get(b"p", b"")
            events.append(
                Event(
                    raw_id.decode(),
                    person_id,
                    fields[b"e"].decode(),
                    fields[b"d"].decode(),
                    int(post) if post else None,
                )
            )
        return events

    async def subscribe(self, person_id: int) -> Subscription:
        sub = await super().subscribe(person_id)
        loop = asyncio.get_running_loop()
        if loop not in self._listeners:
            self._listening[loop] = asyncio.Event()
            self._listeners[loop] = loop.create_task(self._listen(loop))
        # Redis down: stream anyway; the listener resyncs everyone once it connects.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening[loop].wait(), timeout=5)
        return sub

    async def _listen(self, loop: asyncio.AbstractEventLoop) -> None:
        """Receive every publish on the channel and hand it to this process's streams."""
        import redis.asyncio as aioredis

        delay = 0.5
        first = True
        while True:
            client = aioredis.Redis.from_url(self.url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self._listening[loop].set()
                    if not first:
                        self.hub.resync_all()  # events may have gone by while disconnected
                    first, delay = False, 0.5
                    async for message in pubsub.listen():
                        if message.get("type") != "message":
                            continue
                        payload = orjson.loads(message["data"])
                        self.hub.deliver(
                            [
                                Event(event_id, person_id, payload["e"], data, payload["p"])
                                for person_id, event_id, data in payload["to"]
                            ]
                        )
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("live: Redis subscription lost; reconnecting", exc_info=True)
                first = False
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10)
            finally:
                await client.aclose()


class DatabaseBroker(Broker):
    """Events as rows (`LiveEvent`): the default without Redis, across processes.

    `kith run` serves from one process and runs tasks in another (`kith worker`); events a
    task publishes are rows the server's poller picks up (every POLL_SECONDS) and hands to
    its streams. A reconnecting client replays from the rows; rows live an hour
    (`live.tasks.delete_old_live_events`).
    """

    POLL_SECONDS = 0.5
    BATCH = 1000

    def __init__(self) -> None:
        super().__init__()
        self._pollers: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}

    def publish_items(
        self, items: list[tuple[int, str]], event: str, post_id: int | None = None
    ) -> list[str]:
        from kith.live.models import LiveEvent

        rows = LiveEvent.objects.bulk_create(
            [
                LiveEvent(person_id=pid, event=event, data=data, post_id=post_id)
                for pid, data in items
            ]
        )
        return [str(row.pk) for row in rows]

    def since(self, person_id: int, last_id: str) -> list[Event] | None:
        from kith.live.models import LiveEvent

        try:
            last = int(last_id)
        except ValueError:
            return None
        oldest = LiveEvent.objects.order_by("id").values_list("id", flat=True).first()
        if oldest is not None and last < oldest - 1:
            return None  # rows after the client's last event were deleted: some may be lost
        rows = LiveEvent.objects.filter(person_id=person_id, id__gt=last).order_by("id")
        return [_event(row) for row in rows[: self.BATCH]]

    def newest_id(self) -> int:
        from kith.live.models import LiveEvent

        return LiveEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def after(self, last: int) -> list[Event]:
        """The events of everyone after id `last` (the poller's thread keeps its connection;
        a broken one is closed so the next poll opens a new one)."""
        from django.db import DatabaseError, connection

        from kith.live.models import LiveEvent

        try:
            rows = LiveEvent.objects.filter(id__gt=last).order_by("id")[: self.BATCH]
            return [_event(row) for row in rows]
        except DatabaseError:
            connection.close()
            raise

    async def subscribe(self, person_id: int) -> Subscription:
        from asgiref.sync import sync_to_async

        loop = asyncio.get_running_loop()
        if loop not in self._pollers:
            start = await sync_to_async(self.newest_id)()
            if loop not in self._pollers:
                self._pollers[loop] = loop.create_task(self._poll(start))
        return await super().subscribe(person_id)

    async def _poll(self, last: int) -> None:
        """Hand every new row to this process's streams, oldest first."""
        from asgiref.sync import sync_to_async

        while True:
            events: list[Event] = []
            try:
                events = await sync_to_async(self.after)(last)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("live: reading new events failed; trying again", exc_info=True)
            if events:
                last = int(events[-1].id)
                self.hub.deliver(events)
            if len(events) < self.BATCH:
                await asyncio.sleep(self.POLL_SECONDS)


def _event(row) -> Event:
    return Event(str(row.pk), row.person_id, row.event, row.data, row.post_id)


_broker: Broker | None = None
_broker_lock = threading.Lock()


def get_broker() -> Broker:
    """Return this process's broker, as KITH_LIVE_BROKER says (default: Redis when
    KITH_REDIS_URL is set, else the database, which reaches across the server and worker)."""
    global _broker
    if _broker is None:
        with _broker_lock:
            if _broker is None:
                kind = settings.KITH_LIVE_BROKER or (
                    "redis" if settings.KITH_REDIS_URL else "database"
                )
                if kind == "redis":
                    _broker = RedisBroker(settings.KITH_REDIS_URL)
                elif kind == "database":
                    _broker = DatabaseBroker()
                else:
                    _broker = InProcessBroker()
    return _broker


def set_broker(broker: Broker | None) -> Broker | None:
    """Replace this process's broker (None: choose again from settings); return the old one."""
    global _broker
    with _broker_lock:
        old, _broker = _broker, broker
    return old
