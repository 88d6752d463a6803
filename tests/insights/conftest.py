"""Small hand-built networks around alice, written through the real actions.

`ago(obj, days=…, hours=…)` moves a row back in time (the actions stamp "now"), so each
test can place what happened inside or outside the 90-day window and measure response times.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kith.conversations import actions
from tests.conftest import make_person

NOW = None


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def ago(now):
    """Set the time of `row` (a post, message, reaction, …) to `days`/`hours` before now."""

    def move(row, *, days: float = 0, hours: float = 0, field: str = "created_at"):
        moment = now - timedelta(days=days, hours=hours)
        type(row).objects.filter(pk=row.pk).update(**{field: moment})
        setattr(row, field, moment)
        return row

    return move


@pytest.fixture
def people(db):
    """Make people by handle: people("dee", "eve") → (dee, eve)."""

    def make(*handles):
        made = tuple(make_person(h) for h in handles)
        return made if len(made) > 1 else made[0]

    return make


@pytest.fixture
def publish(db):
    def make(author, body="Hello, world", **options):
        return actions.post_publish(author=author, body=body, **options)

    return make


@pytest.fixture
def reply(db):
    def make(author, to, body="A reply"):
        return actions.post_reply(author=author, to=to, body=body)

    return make
