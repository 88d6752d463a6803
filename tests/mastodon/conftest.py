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


@pytest.fixture
def mastodon_client(uvicorn_server, transactional_db):
    """mastodon_client(person, scope=…) → a Mastodon.py client for `person` against Kith
    served live (`uvicorn_server`, kith.asgi) on a loopback port; its token comes through
    the real authorize flow (`oauth_helpers.user_token`)."""
    from mastodon import Mastodon
    from tests.mastodon.oauth_helpers import user_token

    def make(person, *, scope: str = "read write follow push") -> Mastodon:
        token = user_token(person, scope=scope, app_scopes=scope)
        return Mastodon(
            access_token=token,
            api_base_url=uvicorn_server.url,
            version_check_mode="none",
            request_timeout=30,
        )

    return make
