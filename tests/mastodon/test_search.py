"""`GET /api/v2/search` through Kith's search and its access rules."""

from __future__ import annotations

import pytest
from django.test import Client

from kith.conversations.actions import post_publish
from tests.mastodon.oauth_helpers import bearer, user_token
from tests.mastodon.schema import check

pytestmark = pytest.mark.django_db


def test_search_finds_only_what_the_viewer_may_see(alice, bob, carol):
    seen = post_publish(author=alice, body="Glazing pottery #kiln")
    hidden = post_publish(author=alice, body="Secret pottery notes", visibility="connections")
    client = Client()
    client.defaults.update(bearer(user_token(carol, scope="read")))
    found = client.get("/api/v2/search", {"q": "pottery"})
    assert found.status_code == 200
    result = found.json()
    assert [s["id"] for s in result["statuses"]] == [str(seen.pk)]
    assert str(hidden.pk) not in found.content.decode()
    for status in result["statuses"]:
        check("Status", status)
    people = client.get("/api/v2/search", {"q": "ali", "type": "accounts"}).json()
    assert [a["acct"] for a in people["accounts"]] == ["alice"]
    assert people["statuses"] == [] and people["hashtags"] == []
    following = client.get("/api/v2/search", {"q": "ali", "type": "accounts", "following": "true"})
    assert following.json()["accounts"] == []
    tags = client.get("/api/v2/search", {"q": "#kil", "type": "hashtags"}).json()
    assert [t["name"] for t in tags["hashtags"]] == ["kiln"]
    by_bob = client.get("/api/v2/search", {"q": "pottery", "account_id": bob.pk}).json()
    assert by_bob["statuses"] == []
    # bob is alice's connection: he sees both, newest first, and offset skips
    bobs = Client()
    bobs.defaults.update(bearer(user_token(bob, scope="read:search")))
    both = bobs.get("/api/v2/search", {"q": "pottery", "type": "statuses"}).json()["statuses"]
    assert [s["id"] for s in both] == [str(hidden.pk), str(seen.pk)]
    skipped = bobs.get("/api/v2/search", {"q": "pottery", "type": "statuses", "offset": 1})
    assert [s["id"] for s in skipped.json()["statuses"]] == [str(seen.pk)]
    assert (
        bobs.get("/api/v2/search", {"q": "al", "following": "true"}).json()["accounts"][0]["acct"]
        == "alice"
    )


def test_bad_input_and_scopes(alice):
    client = Client()
    client.defaults.update(bearer(user_token(alice, scope="read")))
    for params in (
        {},
        {"q": " "},
        {"q": "x", "type": "places"},
        {"q": "x", "offset": -1},
        {"q": "x", "max_id": "abc"},
        {"q": "x", "limit": "many"},
    ):
        answer = client.get("/api/v2/search", params)
        assert answer.status_code == 422, params
        assert answer.json()["error"].startswith("Validation failed"), params
    other = Client()
    other.defaults.update(bearer(user_token(alice, scope="read:statuses")))
    assert other.get("/api/v2/search", {"q": "x"}).status_code == 403
    assert Client().get("/api/v2/search", {"q": "x"}).status_code == 401
