"""Mastodon lists (on Kith's PersonList), followed tags, suggestions and reports."""

from __future__ import annotations

import pytest
from django.test import Client

from kith.communities import actions as community_actions
from kith.communities.models import Report, TopicFollow
from kith.conversations import actions as post_actions
from kith.feeds.actions import person_list_add, person_list_create
from kith.feeds.models import PersonList, PersonListMember
from kith.people.models import Interest
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person
from tests.mastodon.account_helpers import Masto, ids

pytestmark = pytest.mark.django_db


# --- lists ---------------------------------------------------------------------------------------


def test_list_crud(alice):
    masto = Masto(alice, "read:lists write:lists")
    created = masto.post("/api/v1/lists", {"title": "Bakers", "replies_policy": "list"})
    assert created.status_code == 200, created.content
    body = created.json()
    assert body["title"] == "Bakers" and body["replies_policy"] == "none"
    list_id = body["id"]
    assert ids(masto.get("/api/v1/lists")) == [list_id]
    assert masto.get(f"/api/v1/lists/{list_id}").json()["title"] == "Bakers"
    renamed = masto.put(f"/api/v1/lists/{list_id}", {"title": "Bread people"}).json()
    assert renamed["title"] == "Bread people"
    assert masto.delete(f"/api/v1/lists/{list_id}").json() == {}
    assert not PersonList.objects.exists()
    assert masto.get(f"/api/v1/lists/{list_id}").status_code == 404


@pytest.mark.parametrize(
    "data", [{"title": ""}, {"title": "x" * 81}, {"title": "Ok", "replies_policy": "some"}]
)
def test_list_bad_input_writes_nothing(alice, data):
    response = Masto(alice).post("/api/v1/lists", data)
    assert response.status_code == 422, response.content
    assert not PersonList.objects.exists()


def test_someone_elses_list_is_404(alice, carol):
    theirs = person_list_create(owner=carol, name="Mine")
    masto = Masto(alice)
    for call in (
        lambda: masto.get(f"/api/v1/lists/{theirs.pk}"),
        lambda: masto.put(f"/api/v1/lists/{theirs.pk}", {"title": "Stolen"}),
        lambda: masto.delete(f"/api/v1/lists/{theirs.pk}"),
        lambda: masto.get(f"/api/v1/lists/{theirs.pk}/accounts"),
        lambda: masto.post(f"/api/v1/lists/{theirs.pk}/accounts", {"account_ids": [carol.pk]}),
    ):
        assert call().status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Mine"


def test_list_accounts_add_list_remove(alice, bob, carol):
    masto = Masto(alice)
    list_id = masto.post("/api/v1/lists", {"title": "Friends"}).json()["id"]
    added = masto.post(
        f"/api/v1/lists/{list_id}/accounts", {"account_ids": [str(bob.pk), str(carol.pk)]}
    )
    assert added.status_code == 200 and added.json() == {}
    page = masto.get(f"/api/v1/lists/{list_id}/accounts", {"limit": 1})
    assert ids(page) == [str(carol.pk)]
    assert 'rel="next"' in page["Link"]
    assert ids(masto.get(f"/api/v1/lists/{list_id}/accounts", {"limit": 0})) == [
        str(carol.pk),
        str(bob.pk),
    ]
    assert ids(masto.get(f"/api/v1/accounts/{bob.pk}/lists")) == [list_id]
    masto.client.delete(
        f"/api/v1/lists/{list_id}/accounts?account_ids[]={bob.pk}",
        HTTP_AUTHORIZATION=f"Bearer {masto.token}",
    )
    assert ids(masto.get(f"/api/v1/lists/{list_id}/accounts")) == [str(carol.pk)]
    assert ids(masto.get(f"/api/v1/accounts/{bob.pk}/lists")) == []


def test_list_add_is_all_or_nothing_and_hidden_people_are_404(alice, bob):
    hidden = make_person("hider")
    block_create(blocker=hidden, blocked=alice)
    masto = Masto(alice)
    list_id = masto.post("/api/v1/lists", {"title": "Friends"}).json()["id"]
    response = masto.post(
        f"/api/v1/lists/{list_id}/accounts", {"account_ids": [str(bob.pk), str(hidden.pk)]}
    )
    assert response.status_code == 404
    assert masto.post(f"/api/v1/lists/{list_id}/accounts", {"account_ids": []}).status_code == 422
    own = masto.post(f"/api/v1/lists/{list_id}/accounts", {"account_ids": [str(alice.pk)]})
    assert own.status_code == 422
    assert not PersonListMember.objects.exists()


def test_list_members_who_hide_are_left_out(alice, carol):
    found = person_list_create(owner=alice, name="People")
    person_list_add(person_list=found, person=carol)
    block_create(blocker=carol, blocked=alice)
    assert Masto(alice).get(f"/api/v1/lists/{found.pk}/accounts").json() == []


def test_list_scopes(alice):
    assert Masto(alice, "read:accounts").get("/api/v1/lists").status_code == 403
    assert Masto(alice, "read").post("/api/v1/lists", {"title": "X"}).status_code == 403
    assert not PersonList.objects.exists()


# --- tags ----------------------------------------------------------------------------------------


def test_tags_follow_unfollow_and_followed_tags(alice):
    masto = Masto(alice, "read:follows write:follows")
    followed = masto.post("/api/v1/tags/Sourdough/follow").json()
    assert followed["name"] == "sourdough" and followed["following"] is True
    masto.post("/api/v1/tags/levain/follow")
    page = masto.get("/api/v1/followed_tags", {"limit": 1})
    assert [t["name"] for t in page.json()] == ["levain"]
    assert 'rel="next"' in page["Link"]
    assert masto.get("/api/v1/tags/sourdough").json()["following"] is True
    assert "following" not in Client().get("/api/v1/tags/sourdough").json()
    assert masto.post("/api/v1/tags/sourdough/unfollow").json()["following"] is False
    assert TopicFollow.objects.filter(person=alice).count() == 1


def test_tags_bad_and_unknown(alice):
    masto = Masto(alice)
    assert masto.get("/api/v1/tags/neverused").status_code == 404
    assert masto.post("/api/v1/tags/no%20tag/follow").status_code == 404
    assert masto.post("/api/v1/tags/neverused/unfollow").status_code == 404
    assert Masto(alice, "read").post("/api/v1/tags/x/follow").status_code == 403
    assert not TopicFollow.objects.exists()


# --- suggestions ---------------------------------------------------------------------------------


def test_suggestions_from_people_to_meet_never_follow(alice, bob, carol):
    connection_create(person=bob, other=carol, how_met="in_person")
    stranger = make_person("stranger")
    Interest.objects.create(person=alice, tag="sourdough")
    Interest.objects.create(person=stranger, tag="sourdough")
    hider = make_person("hider")
    Interest.objects.create(person=hider, tag="sourdough")
    block_create(blocker=hider, blocked=alice)
    masto = Masto(alice, "read")
    body = masto.get("/api/v2/suggestions").json()
    by_id = {s["account"]["id"]: s["sources"] for s in body}
    assert by_id == {
        str(carol.pk): ["friends_of_friends"],
        str(stranger.pk): ["similar_to_recently_followed"],
    }
    assert {a["id"] for a in masto.get("/api/v1/suggestions").json()} == set(by_id)
    assert Masto(alice, "write").get("/api/v2/suggestions").status_code == 403
    from kith.relationships.models import Follow

    assert not Follow.objects.exists()


def test_dismissing_a_suggestion(alice, bob, carol):
    from kith.relevance.models import SuggestionDismissal

    connection_create(person=bob, other=carol, how_met="in_person")
    hider = make_person("hider")
    block_create(blocker=hider, blocked=alice)
    masto = Masto(alice, "read")
    assert [s["account"]["id"] for s in masto.get("/api/v2/suggestions").json()] == [str(carol.pk)]
    answer = masto.delete(f"/api/v1/suggestions/{carol.pk}")
    assert (answer.status_code, answer.json()) == (200, {})
    assert masto.delete(f"/api/v1/suggestions/{carol.pk}").status_code == 200  # idempotent
    assert masto.get("/api/v2/suggestions").json() == []
    assert masto.get("/api/v1/suggestions").json() == []
    assert Masto(bob, "read").get("/api/v1/suggestions").status_code == 200  # theirs unchanged
    for hidden in (hider.pk, 12345, "nope"):
        missing = masto.delete(f"/api/v1/suggestions/{hidden}")
        assert (missing.status_code, missing.json()) == (404, {"error": "Record not found"})
    self_dismissal = masto.delete(f"/api/v1/suggestions/{alice.pk}")
    assert self_dismissal.status_code == 422
    assert Masto(alice, "write").delete(f"/api/v1/suggestions/{carol.pk}").status_code == 403
    assert list(SuggestionDismissal.objects.values_list("person_id", "dismissed_id")) == [
        (alice.pk, carol.pk)
    ]


# --- reports -------------------------------------------------------------------------------------


@pytest.fixture
def garden(alice, carol):
    owner = make_person("olga")
    community = community_actions.community_create(by=owner, slug="garden", name="Gardeners")
    for person in (alice, carol):
        community_actions.community_join(person=person, community=community)
    return community


def test_report_a_post_in_a_community(alice, carol, garden):
    post = post_actions.post_publish(author=carol, body="Buy my pills", community=garden)
    response = Masto(alice, "write:reports").post(
        "/api/v1/reports",
        {"account_id": str(carol.pk), "status_ids": [str(post.pk)], "comment": "spam"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status_ids"] == [str(post.pk)] and body["comment"] == "spam"
    assert body["target_account"]["id"] == str(carol.pk)
    report = Report.objects.get()
    assert report.reporter == alice and report.community == garden


def test_reports_outside_communities_are_refused_and_write_nothing(alice, carol, garden):
    outside = post_actions.post_publish(author=carol, body="Hello")
    inside = post_actions.post_publish(author=carol, body="In", community=garden)
    masto = Masto(alice)
    alone = masto.post("/api/v1/reports", {"account_id": str(carol.pk)})
    assert alone.status_code == 422 and "block or mute" in alone.json()["error"]
    mixed = masto.post(
        "/api/v1/reports",
        {"account_id": str(carol.pk), "status_ids": [str(inside.pk), str(outside.pk)]},
    )
    assert mixed.status_code == 422 and "communities" in mixed.json()["error"]
    wrong_author = masto.post(
        "/api/v1/reports", {"account_id": str(alice.pk), "status_ids": [str(inside.pk)]}
    )
    assert wrong_author.status_code == 404
    assert masto.post("/api/v1/reports", {"account_id": "999"}).status_code == 404
    scope = Masto(alice, "read").post(
        "/api/v1/reports", {"account_id": str(carol.pk), "status_ids": [str(inside.pk)]}
    )
    assert scope.status_code == 403
    assert not Report.objects.exists()
