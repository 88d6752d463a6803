"""The truth table for pinned posts: a pinned post shows on every surface exactly to the
people who may see the post (web profile and its partial, native API, Mastodon API)."""

from __future__ import annotations

import pytest

from kith.conversations import actions
from tests.conversations.conftest import blake, fiona, mo  # noqa: F401
from tests.conversations.visibility_cases import SEES, client_for, viewers  # noqa: F401

SECRET = "Pinned plans for the allotment @mo"
PINNABLE = [
    pytest.param(visibility, relationship, id=f"{visibility}-{relationship}")
    for visibility in ("public", "followers", "connections")
    for relationship in (
        "anonymous",
        "stranger",
        "follower",
        "connection",
        "mentioned",
        "blocked",
        "author",
    )
]


@pytest.mark.parametrize(("visibility", "relationship"), PINNABLE)
def test_truth_table_pinned_posts(client, alice, bob, viewers, token_for, visibility, relationship):  # noqa: F811
    post = actions.post_publish(author=alice, body=SECRET, visibility=visibility)
    actions.post_pin(person=alice, post=post)
    viewer = viewers[relationship]
    expected = relationship in SEES[visibility]
    headers = {"Authorization": f"Bearer {token_for(viewer)}"} if viewer is not None else {}
    api = client.get("/api/kith/v1/people/alice/pinned", headers=headers)
    assert api.status_code in (200, 404)
    assert (str(post.pk) in api.content.decode()) is expected
    mastodon = client.get(f"/api/v1/accounts/{alice.pk}/statuses?pinned=true", headers=headers)
    assert mastodon.status_code in (200, 404)
    assert ("Pinned plans" in mastodon.content.decode()) is expected
    client_for(client, viewer)
    for path in ("/@alice", "/@alice/pinned"):
        html = client.get(path).content.decode()
        assert ("Pinned plans" in html) is expected, path
        assert ('data-testid="pinned-post"' in html) is expected, path
