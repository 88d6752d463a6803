"""Featured tags are Kith's interests: read on any profile the viewer may see, the viewer's
own added and removed through Kith's profile action, suggestions from their own hashtags."""

from __future__ import annotations

import pytest
from django.test import Client

from kith.conversations import actions
from kith.people.actions import person_update_profile
from kith.people.models import Interest
from kith.relationships.actions.safety import block_create
from tests.mastodon.account_helpers import Masto
from tests.mastodon.schema import check

pytestmark = pytest.mark.django_db


def featured(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return [check("FeaturedTag", t) for t in response.json()]


def test_an_accounts_featured_tags_are_its_interests(alice, carol):
    person_update_profile(person=alice, interests=["pottery", "tea", "open-source"])
    actions.post_publish(author=alice, body="My new bowl #pottery")
    newest = actions.post_publish(author=alice, body="Glazing #Pottery")
    actions.post_publish(author=alice, body="Secret #pottery", visibility="connections")
    shown = featured(Client().get(f"/api/v1/accounts/{alice.pk}/featured_tags"))
    assert [(t["name"], t["statuses_count"]) for t in shown] == [
        ("pottery", 2),  # public posts only
        ("tea", 0),
        ("open-source", 0),
    ]
    assert shown[0]["last_status_at"] == f"{newest.created_at:%Y-%m-%d}"
    assert shown[1]["last_status_at"] is None
    assert shown[0]["url"].endswith("/tags/pottery")
    assert featured(Masto(carol).get(f"/api/v1/accounts/{alice.pk}/featured_tags")) == shown
    block_create(blocker=alice, blocked=carol)
    hidden = Masto(carol).get(f"/api/v1/accounts/{alice.pk}/featured_tags")
    assert (hidden.status_code, hidden.json()) == (404, {"error": "Record not found"})
    assert Client().get("/api/v1/accounts/999/featured_tags").status_code == 404


def test_own_featured_tags_add_and_remove(alice, bob):
    masto = Masto(alice)
    assert featured(masto.get("/api/v1/featured_tags")) == []
    added = masto.post("/api/v1/featured_tags", {"name": "#Tea"})
    assert added.status_code == 200, added.content
    tea = check("FeaturedTag", added.json())
    assert tea["name"] == "tea"
    assert masto.post("/api/v1/featured_tags", {"name": "tea"}).json() == tea  # already there
    masto.post("/api/v1/featured_tags", {"name": "chess"}, form=True)
    assert [t["name"] for t in featured(masto.get("/api/v1/featured_tags"))] == ["tea", "chess"]
    assert list(alice.interests.values_list("tag", flat=True)) == ["tea", "chess"]
    bad = masto.post("/api/v1/featured_tags", {"name": "no spaces!"})
    assert bad.status_code == 422 and "interest" in bad.json()["error"]
    assert masto.post("/api/v1/featured_tags", {"name": ""}).status_code == 422
    assert Interest.objects.filter(person=alice).count() == 2
    others = Masto(bob).delete(f"/api/v1/featured_tags/{tea['id']}")
    assert others.status_code == 404
    gone = masto.delete(f"/api/v1/featured_tags/{tea['id']}")
    assert (gone.status_code, gone.json()) == (200, {})
    assert [t["name"] for t in featured(masto.get("/api/v1/featured_tags"))] == ["chess"]
    reader = Masto(alice, "read")
    assert reader.post("/api/v1/featured_tags", {"name": "x"}).status_code == 403
    assert Client().get("/api/v1/featured_tags").status_code == 401


def test_suggestions_are_the_hashtags_you_use_most(alice, bob):
    person_update_profile(person=alice, interests=["tea"])
    for body in ("#garden one", "#garden two", "#tea time", "#chess and #garden"):
        actions.post_publish(author=alice, body=body)
    actions.post_publish(author=bob, body="#bobstag")
    tags = Masto(alice).get("/api/v1/featured_tags/suggestions")
    assert tags.status_code == 200
    assert [check("Tag", t)["name"] for t in tags.json()] == ["garden", "chess"]
