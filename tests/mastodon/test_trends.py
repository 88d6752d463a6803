"""`/api/v1/trends/…` from recent activity, through the viewer's access rule."""

from __future__ import annotations

import pytest
from django.test import Client

from kith.conversations import actions
from tests.conftest import make_person
from tests.mastodon.oauth_helpers import bearer, user_token
from tests.mastodon.schema import check

pytestmark = pytest.mark.django_db


def test_trending_tags_and_statuses(alice, bob, carol):
    dana = make_person("dana")
    popular = actions.post_publish(author=alice, body="Firing day #kiln #clay")
    actions.post_publish(author=bob, body="Mine too #kiln")
    actions.post_publish(author=carol, body="Only #clay")
    actions.post_publish(author=dana, body="Quiet #secret", visibility="connections")
    actions.helpful_mark(person=bob, post=popular)
    client = Client()
    tags = client.get("/api/v1/trends/tags")
    assert tags.status_code == 200
    names = [check("Tag", t)["name"] for t in tags.json()]
    assert names == ["clay", "kiln"] or names == ["kiln", "clay"]
    assert "secret" not in names
    kiln = next(t for t in tags.json() if t["name"] == "kiln")
    assert (kiln["history"][0]["uses"], kiln["history"][0]["accounts"]) == ("2", "2")
    assert len(kiln["history"]) == 7
    assert client.get("/api/v1/trends/tags?limit=1").json()[0]["name"] in ("clay", "kiln")
    statuses = client.get("/api/v1/trends/statuses").json()
    assert [s["id"] for s in statuses] == [str(popular.pk)]
    assert client.get("/api/v1/trends/links").json() == []
    assert client.get("/api/v1/trends?limit=1").status_code == 200
    signed_in = Client()
    signed_in.defaults.update(bearer(user_token(carol, scope="read")))
    assert signed_in.get("/api/v1/trends/statuses").json()[0]["id"] == str(popular.pk)


def test_bad_input():
    client = Client()
    for url in ("/api/v1/trends/tags?offset=-1", "/api/v1/trends/statuses?limit=x"):
        answer = client.get(url)
        assert answer.status_code == 422 and answer.json()["error"].startswith("Validation")
    bad = client.get("/api/v1/trends/tags", HTTP_AUTHORIZATION="Bearer nope")
    assert bad.status_code == 401
