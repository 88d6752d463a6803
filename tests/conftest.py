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
        return getattr(client, method.lower())(f"/api/v1{path}", **kwargs)

    return call


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"
