"""Helpers for the Mastodon API's entity tests: images, and posts loaded as a surface loads
them (through `conversations.access`)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from kith.conversations.access import posts_by_ids
from tests.conversations.conftest import blake, fiona, mo, publish  # noqa: F401
from tests.conversations.visibility_cases import viewers  # noqa: F401


def png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 100, 50)).save(out, format="PNG")
    return out.getvalue()


def load(viewer, *posts) -> list:
    """Return `posts` as `viewer` may see them, loaded through the access rule, in order."""
    found = posts_by_ids(viewer, [p.pk for p in posts])
    return [found[p.pk] for p in posts if p.pk in found]


@pytest.fixture
def image():
    return png
