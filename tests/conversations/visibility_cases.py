"""The truth table shared by the link, media and search tests: who sees a post of alice's."""

from __future__ import annotations

import pytest

RELATIONSHIPS = [
    "anonymous",
    "stranger",
    "follower",
    "connection",
    "mentioned",
    "blocked",
    "author",
]
SEES = {
    "public": {"anonymous", "stranger", "follower", "connection", "mentioned", "author"},
    "followers": {"follower", "connection", "mentioned", "author"},
    "connections": {"connection", "mentioned", "author"},
    "mentioned": {"mentioned", "author"},
}
CASES = [
    pytest.param(visibility, relationship, id=f"{visibility}-{relationship}")
    for visibility in SEES
    for relationship in RELATIONSHIPS
]


@pytest.fixture
def viewers(alice, bob, carol, fiona, mo, blake):
    return {
        "anonymous": None,
        "stranger": carol,
        "follower": fiona,
        "connection": bob,
        "mentioned": mo,
        "blocked": blake,
        "author": alice,
    }


def client_for(client, viewer):
    """Return the test client, logged in as `viewer` (None: anonymous)."""
    if viewer is not None:
        client.force_login(viewer)
    return client
