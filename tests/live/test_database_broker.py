"""The database broker (the default without Redis): events a worker process publishes as rows
reach the streams of every server process, and a reconnecting client replays from the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kith.live.asgi import LiveEndpoint, LiveRouter
from kith.live.broker import DatabaseBroker, get_broker, set_broker
from kith.live.models import LiveEvent
from kith.live.tasks import delete_old_live_events
from kith.people.actions import access_token_create
from tests.conftest import ServedApp
from tests.live.sse import open_stream

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_servers(django_db_setup):
    """Two stream servers, each with its own DatabaseBroker: like two server processes."""
    from kith.asgi import application

    servers = [
        ServedApp(LiveRouter(application.app, LiveEndpoint(DatabaseBroker()))).start()
        for _ in range(2)
    ]
    yield servers
    for server in servers:
        server.stop()


def bearer(person) -> dict[str, str]:
    _, plaintext = access_token_create(person=person, name="database broker test")
    return {"Authorization": f"Bearer {plaintext}"}


def test_an_event_published_by_another_process_reaches_every_server(two_servers, alice):
    publisher = DatabaseBroker()  # the worker process, say: it only writes rows
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


def test_last_event_id_replays_from_the_rows_on_another_server(two_servers, alice, bob):
    publisher = DatabaseBroker()
    first, second = two_servers
    headers = bearer(alice)
    with open_stream(first.url + "/live/events", headers=headers) as stream:
        publisher.publish([alice.pk], "message", '{"n":1}')
        seen = stream.next_event()
    publisher.publish([alice.pk], "message", '{"n":2}')
    publisher.publish([bob.pk], "message", '{"n":"not alice"}')
    publisher.publish([alice.pk], "message", '{"n":3}')
    resumed = {**headers, "Last-Event-ID": seen.id}
    with open_stream(second.url + "/live/events", headers=resumed) as stream:
        assert [stream.next_event().json()["n"] for _ in range(2)] == [2, 3]


def test_deleted_history_asks_for_a_resync_and_old_rows_are_cleaned(alice):
    broker = DatabaseBroker()
    ids = [broker.publish([alice.pk], "message", f'{{"n":{n}}}')[0] for n in range(4)]
    assert [e.data for e in broker.since(alice.pk, ids[1])] == ['{"n":2}', '{"n":3}']
    assert broker.since(alice.pk, ids[3]) == []
    assert broker.since(alice.pk, "garbage") is None
    LiveEvent.objects.filter(pk__in=ids[:2]).update(created_at=timezone.now() - timedelta(hours=2))
    assert delete_old_live_events.call() == 2
    assert broker.since(alice.pk, ids[0]) is None  # its successor is gone: some may be lost
    assert [e.data for e in broker.since(alice.pk, ids[1])] == ['{"n":2}', '{"n":3}']


def test_the_database_is_the_default_without_redis(settings):
    settings.KITH_LIVE_BROKER = ""
    settings.KITH_REDIS_URL = ""
    old = set_broker(None)
    try:
        assert isinstance(get_broker(), DatabaseBroker)
    finally:
        set_broker(old)
