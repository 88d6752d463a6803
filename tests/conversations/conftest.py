"""Personas around alice, the author: each stands to her in one way.

bob is her connection (tests/conftest.py), carol a stranger, fiona follows her, mo is the
one her posts mention, blake is blocked by her, and bart blocked her.
"""

from __future__ import annotations

import pytest

from kith.conversations import actions
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person


@pytest.fixture
def fiona(db, alice):
    person = make_person("fiona")
    follow_create(follower=person, target=alice)
    return person


@pytest.fixture
def mo(db):
    return make_person("mo")


@pytest.fixture
def blake(db, alice):
    person = make_person("blake")
    block_create(blocker=alice, blocked=person)
    return person


@pytest.fixture
def bart(db, alice):
    person = make_person("bart")
    block_create(blocker=person, blocked=alice)
    return person


@pytest.fixture
def publish(db):
    """Publish through the real action: publish(author, body, **options)."""

    def make(author, body="Hello, world", **options):
        return actions.post_publish(author=author, body=body, **options)

    return make
