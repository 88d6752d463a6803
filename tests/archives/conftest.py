"""Helpers for the archive tests: build archives from the synthetic samples, count what's stored."""

from __future__ import annotations

import pytest

from kith.archives.models import (
    Archive,
    ArchiveContact,
    ArchiveInvitation,
    ArchiveMark,
    ArchiveMessage,
    ArchivePost,
)

ITEM_MODELS = (ArchivePost, ArchiveContact, ArchiveMessage, ArchiveInvitation, ArchiveMark)


def stored() -> dict[str, int]:
    """Return how many archives and items of each kind the database holds."""
    counts = {"archives": Archive.objects.count()}
    counts.update({model.__name__: model.objects.count() for model in ITEM_MODELS})
    return counts


NOTHING = {"archives": 0, **{model.__name__: 0 for model in ITEM_MODELS}}


@pytest.fixture
def nothing_stored(db):
    """Assert, after the test, that nothing at all was written."""
    yield
    assert stored() == NOTHING
