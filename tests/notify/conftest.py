"""Personas for notifications and digests: alice (author), bob her connection, carol a
stranger, and a few more readers made on demand."""

from __future__ import annotations

import pytest

from kith.conversations import actions
from tests.conftest import make_person


@pytest.fixture
def people(db):
    """Return a function making confirmed people by handle."""
    return lambda *handles: [make_person(handle) for handle in handles]


@pytest.fixture
def publish(db):
    def make(author, body="Hello, world", **options):
        return actions.post_publish(author=author, body=body, **options)

    return make
