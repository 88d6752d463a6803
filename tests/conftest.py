"""Named personas shared by the whole suite.

alice has a full contact card (one field per visibility); bob is connected to alice;
carol is a stranger to her; staff is a staff member with no relationship to alice.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache

from kith.people import actions
from kith.people.models import FieldKind, Person, Visibility
from kith.relationships.actions.connections import connection_create

PASSWORD = "correct horse battery staple"
CARD_VALUES = {
    Visibility.PUBLIC: "Public Pottery Guild",
    Visibility.CONNECTIONS: "+44 7000 111222",
    Visibility.ONLY_ME: "Secret Street 9",
}


def make_person(handle: str, *, confirmed: bool = True, is_staff: bool = False) -> Person:
    return actions.person_create(
        handle=handle,
        display_name=handle.title(),
        email=f"{handle}@example.com",
        password=PASSWORD,
        confirmed=confirmed,
        is_staff=is_staff,
    )


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def alice(db) -> Person:
    person = make_person("alice")
    actions.contact_field_add(
        person=person,
        kind=FieldKind.ORGANISATION,
        value=CARD_VALUES[Visibility.PUBLIC],
        visibility=Visibility.PUBLIC,
    )
    actions.contact_field_add(
        person=person,
        kind=FieldKind.PHONE,
        value=CARD_VALUES[Visibility.CONNECTIONS],
        visibility=Visibility.CONNECTIONS,
    )
    actions.contact_field_add(
        person=person,
        kind=FieldKind.LOCATION,
        value=CARD_VALUES[Visibility.ONLY_ME],
        visibility=Visibility.ONLY_ME,
    )
    return person


@pytest.fixture
def bob(db, alice) -> Person:
    person = make_person("bob")
    connection_create(person=alice, other=person, how_met="in_person")
    return person


@pytest.fixture
def carol(db) -> Person:
    return make_person("carol")


@pytest.fixture
def staff(db) -> Person:
    return make_person("staff", is_staff=True)


@pytest.fixture
def token_for(db):
    """Return a function giving a live API token for a person."""

    def make(person: Person) -> str:
        return actions.access_token_create(person=person, name="tests")[1]

    return make


@pytest.fixture
def api(client):
    """A JSON API client: api(method, path, token=None, json=None)."""
    import json as jsonlib

    def call(method: str, path: str, *, token: str | None = None, json=None, **extra):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        kwargs = {"headers": headers, **extra}
        if json is not None:
            kwargs["data"] = jsonlib.dumps(json)
            kwargs["content_type"] = "application/json"
        return getattr(client, method.lower())(f"/api/kith/v1{path}", **kwargs)

    return call


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


# --- A real uvicorn server (for the live event stream) ---------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedApp:
    """An ASGI app served by uvicorn on a loopback port, in a thread of the test process."""

    def __init__(self, app) -> None:
        import threading

        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, lifespan="off", log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> ServedApp:
        import time

        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.server.force_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def uvicorn_server(django_db_setup, django_db_blocker):
    """Kith's own ASGI application (kith.asgi) served by uvicorn, once per test session.

    Tests that use it need `transactional_db`, so what they write is committed and the
    server's threads see it.
    """
    from kith.asgi import application

    served = ServedApp(application).start()
    yield served
    served.stop()
