"""The in-process broker's bounds: a slow client skips to a resync; an overflowed buffer too."""

from __future__ import annotations

import asyncio

from kith.live.broker import InProcessBroker


def test_a_slow_client_skips_its_backlog_for_one_resync(settings):
    settings.KITH_LIVE_QUEUE = 3
    broker = InProcessBroker(buffer=50)

    async def scenario():
        slow = await broker.subscribe(7)
        quick = await broker.subscribe(8)
        quick_got = []
        for n in range(5):  # the slow stream reads nothing meanwhile; the quick one keeps up
            broker.publish([7, 8], "message", f'{{"n":{n}}}')
            quick_got.append((await asyncio.wait_for(quick.queue.get(), 5)).data)
        await asyncio.sleep(0.05)  # deliveries run on this loop
        got = [slow.queue.get_nowait() for _ in range(slow.queue.qsize())]
        broker.unsubscribe(slow)
        broker.unsubscribe(quick)
        return got, quick_got, slow.skipped

    got, quick_got, skipped = asyncio.run(scenario())
    # Queue of 3: n=0,1,2 fill it; n=3 overflows (backlog dropped, resync queued); n=4 follows.
    assert [e.event for e in got] == ["resync", "message"]
    assert got[1].data == '{"n":4}' and skipped == 1
    assert quick_got == [f'{{"n":{n}}}' for n in range(5)]  # not held back by the slow one
    assert broker.hub.count() == 0


def test_replay_reports_a_gap_when_the_buffer_overflowed():
    broker = InProcessBroker(buffer=3)
    ids = [broker.publish([1], "message", str(n))[0] for n in range(6)]
    assert broker.since(1, ids[0]) is None  # events 1 and 2 are gone
    assert [e.data for e in broker.since(1, ids[3])] == ["4", "5"]
    assert broker.since(1, ids[5]) == []
    assert broker.since(2, ids[5]) == []  # nothing for someone else
    assert broker.since(1, "12") is None  # from before this process
    assert broker.since(1, "x") is None


def test_old_buffers_are_swept_and_their_replay_asks_for_a_resync(monkeypatch):
    import kith.live.broker as broker_module

    broker = InProcessBroker(buffer=5)
    broker.SWEEP_EVERY = 4
    now = [1000.0]
    monkeypatch.setattr(broker_module.time, "monotonic", lambda: now[0])
    old = broker.publish([1], "message", "old")[0]
    broker.publish([1], "message", "missed")  # the client saw "old" only
    now[0] += broker.KEEP_SECONDS + 1  # person 1 falls silent for over an hour
    broker.publish([2], "message", "a")
    broker.publish([2], "message", "b")  # the fourth publish sweeps
    assert 1 not in broker._recent and 2 in broker._recent
    assert broker.since(1, old) is None  # "missed" was swept: resync
    assert [e.data for e in broker.since(2, old)] == ["a", "b"]
