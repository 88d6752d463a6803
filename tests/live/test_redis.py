"""The Redis broker: two servers (each its own broker and Redis connections) agree.

A real redis-server is started on a free loopback port; the tests skip, saying why, only
when the redis-server program is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time

import pytest

from kith.live.asgi import LiveEndpoint, LiveRouter
from kith.live.broker import RedisBroker
from kith.people.actions import access_token_create
from tests.conftest import ServedApp, free_port
from tests.live.sse import open_stream

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def redis_url():
    program = shutil.which("redis-server")
    if program is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    port = free_port()
    folder = tempfile.mkdtemp(prefix="kith-redis-")
    process = subprocess.Popen(
        [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.05)
    yield url
    client.close()
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def two_servers(redis_url, django_db_setup):
    """Two stream servers, each with its own RedisBroker: like two server processes."""
    from kith.asgi import application

    django_app = application.app
    servers = [
        ServedApp(LiveRouter(django_app, LiveEndpoint(RedisBroker(redis_url)))).start()
        for _ in range(2)
    ]
    yield servers
    for server in servers:
        server.stop()


def bearer(person) -> dict[str, str]:
    _, plaintext = access_token_create(person=person, name="redis test")
    return {"Authorization": f"Bearer {plaintext}"}


def test_an_event_published_anywhere_reaches_streams_on_every_server(redis_url, two_servers, alice):
    publisher = RedisBroker(redis_url)  # a third process: a worker, say
    first, second = two_servers
    headers = bearer(alice)
    with (
        open_stream(first.url + "/live/events", headers=headers) as one,
        open_stream(second.url + "/live/events", headers=headers) as two,
    ):
        ids = publisher.publish([alice.pk], "message", '{"text":"hello"}')
        for stream in (one, two):
            frame = stream.next_event()
            assert (frame.id, frame.event, frame.json()) == (ids[0], "message", {"text": "hello"})


def test_last_event_id_replays_from_redis_on_another_server(redis_url, two_servers, alice):
    publisher = RedisBroker(redis_url)
    first, second = two_servers
    headers = bearer(alice)
    with open_stream(first.url + "/live/events", headers=headers) as stream:
        publisher.publish([alice.pk], "message", '{"n":1}')
        seen = stream.next_event()
    publisher.publish([alice.pk], "message", '{"n":2}')
    publisher.publish([alice.pk], "message", '{"n":3}')
    resumed = {**headers, "Last-Event-ID": seen.id}
    with open_stream(second.url + "/live/events", headers=resumed) as stream:
        assert [stream.next_event().json()["n"] for _ in range(2)] == [2, 3]


def test_a_trimmed_history_asks_for_a_resync(redis_url, alice):
    broker = RedisBroker(redis_url, buffer=3)
    ids = [broker.publish([alice.pk], "message", f'{{"n":{n}}}')[0] for n in range(6)]
    assert broker.since(alice.pk, ids[0]) is None  # its successors were trimmed away
    assert [event.data for event in broker.since(alice.pk, ids[3])] == ['{"n":4}', '{"n":5}']
    assert broker.since(alice.pk, ids[5]) == []
    assert broker.since(alice.pk, "garbage") is None
