"""Personas from the conversations tests, and a fresh vector index for every test.

The embedding model is loaded once per test process (`embedder.shared_embedder`).
"""

from __future__ import annotations

import pytest

from kith.conversations import actions
from kith.people.actions import person_update_profile
from kith.relevance.vectors import reset_post_index
from tests.conversations.conftest import bart, blake, fiona, mo  # noqa: F401

GARDEN = "We grew tomatoes and peppers on the balcony this summer; compost and a drip line helped."
GARDEN_2 = "Best vegetables to plant in a small garden bed in spring? Tomatoes, beans, lettuce."
PYTHON = "Python packaging: build a wheel from pyproject.toml with setuptools and upload it."
FOOTBALL = "The match last night went to penalties; the keeper saved two in a row."


@pytest.fixture(autouse=True)
def _fresh_index():
    reset_post_index()
    yield
    reset_post_index()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the block enqueues on commit (the embedding task), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def publish(db, committed):
    """Publish through the real action and run its on-commit tasks: publish(author, body)."""

    def make(author, body="Hello, world", **options):
        with committed():
            return actions.post_publish(author=author, body=body, **options)

    return make


def set_interests(person, *tags: str) -> None:
    person_update_profile(person=person, interests=list(tags))
