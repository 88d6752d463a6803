"""Personas around alice (see tests/conversations/conftest.py), and helpers to read feeds."""

from __future__ import annotations

import pytest

from kith.feeds.models import FeedEntry
from tests.conversations.conftest import bart, blake, fiona, mo, publish  # noqa: F401


@pytest.fixture
def fanned(django_capture_on_commit_callbacks):
    """Run a block with its on-commit callbacks (the fan-out task) executed."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def reasons(post) -> dict[str, str]:
    """Return {owner handle: reason} of the feed entries of `post`."""
    return dict(
        FeedEntry.objects.filter(post=post.repost_of if post.repost_of_id else post).values_list(
            "owner__handle", "reason"
        )
    )
