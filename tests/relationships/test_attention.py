"""The attention budget: figures on known posting history, the 409 and its confirmation,
the Following page's rankings and the demo network's history."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kith.people.models import PostingDay
from kith.relationships.actions import follows
from kith.relationships.actions.connections import connection_create
from kith.relationships.attention import (
    WINDOW_DAYS,
    attention_load,
    attention_summary,
    follow_figures,
    posts_a_day,
    ranked_follows,
)
from kith.relationships.models import Follow, Invitation, InvitationMessage
from tests.conftest import make_person


def posting(person, per_day: int, *, days: int = WINDOW_DAYS, start: int = 0) -> None:
    """Give `person` `per_day` posts on each of `days` days, ending `start` days ago."""
    today = timezone.localdate()
    PostingDay.objects.bulk_create(
        PostingDay(person=person, day=today - timedelta(days=start + i), posts=per_day)
        for i in range(days)
    )


@pytest.fixture
def dave(db):
    return make_person("dave")


@pytest.fixture
def erin(db):
    return make_person("erin")


def test_rate_is_the_30_day_average(alice, bob):
    posting(alice, 3, days=10)  # 30 posts in the window
    posting(alice, 50, days=5, start=WINDOW_DAYS)  # older than the window: ignored
    assert posts_a_day([alice.pk, bob.pk]) == {alice.pk: 1.0}


def test_load_counts_follows_and_connections_once(alice, bob, carol, dave):
    posting(alice, 2)
    posting(bob, 1)
    posting(dave, 4)
    follows.follow_create(follower=carol, target=alice)
    connection_create(person=carol, other=alice, how_met="in_person")  # followed and connected
    connection_create(person=carol, other=bob, how_met="call")
    assert attention_load(carol) == pytest.approx(3.0)
    summary = attention_summary(carol)
    assert (summary.from_follows, summary.from_connections_only) == (2.0, 1.0)
    assert (summary.follows, summary.connections_only) == (1, 1)
    # A requested (not yet approved) follow costs nothing yet.
    dave.is_locked = True
    dave.save()
    follows.follow_create(follower=carol, target=dave)
    assert attention_load(carol) == pytest.approx(3.0)


def test_follow_figures(alice, bob, carol):
    posting(alice, 2)
    posting(carol, 6)
    figures = follow_figures(bob, carol)  # bob reads alice (a connection)
    assert figures.as_dict() == {"load": 2.0, "cost": 6.0, "capacity": 100}
    assert not figures.over_budget
    assert follow_figures(bob, alice).cost == 0  # a connection is read already


def test_over_budget_answers_409_with_figures_until_confirmed(api, alice, bob, carol, token_for):
    posting(alice, 2)
    posting(carol, 3)
    bob.reading_capacity = 4
    bob.save()
    token = token_for(bob)
    response = api("POST", "/people/carol/follow", token=token)
    assert response.status_code == 409
    assert response.json() == {
        "error": "over_budget",
        "detail": {"load": 2.0, "cost": 3.0, "capacity": 4},
    }
    assert not Follow.objects.exists()
    response = api("POST", "/people/carol/follow?confirm_over_budget=true", token=token)
    assert response.status_code == 200 and response.json()["following"]
    assert api("GET", "/me/attention", token=token).json()["over_budget"] is True


def test_confirm_in_the_json_body(api, alice, bob, carol, token_for):
    posting(carol, 300)
    token = token_for(bob)
    assert api("POST", "/people/carol/follow", token=token, json={}).status_code == 409
    response = api("POST", "/people/carol/follow", token=token, json={"confirm_over_budget": True})
    assert response.status_code == 200 and response.json()["following"]


def test_following_someone_already_read_is_never_over_budget(api, alice, bob, token_for):
    posting(alice, 500)
    bob.reading_capacity = 1
    bob.save()
    response = api("POST", "/people/alice/follow", token=token_for(bob))
    assert response.status_code == 200  # alice is bob's connection: the follow costs 0


def test_attention_endpoint(api, alice, bob, carol, token_for):
    posting(alice, 2)
    posting(carol, 1)
    follows.follow_create(follower=bob, target=carol)
    body = api("GET", "/me/attention", token=token_for(bob)).json()
    assert body == {
        "load": 3.0,
        "capacity": 100,
        "remaining": 97.0,
        "over_budget": False,
        "from_follows": 1.0,
        "from_connections_only": 2.0,
        "follows": 1,
        "connections_only": 1,
        "window_days": 30,
    }


@pytest.fixture
def ranked(alice, bob, carol, dave, erin):
    """bob follows: carol (5/day, never talked), dave (2/day, 3 invitation messages),
    erin (2/day, never), alice (1/day, a connection)."""
    posting(carol, 5)
    posting(dave, 2)
    posting(erin, 2)
    posting(alice, 1)
    for person in (alice, carol, dave, erin):
        follows.follow_create(follower=bob, target=person)
    invitation = Invitation.objects.create(sender=dave, recipient=bob, how_known="call")
    for author in (dave, bob, dave):
        InvitationMessage.objects.create(invitation=invitation, author=author, body="hi")
    return bob


def test_following_ranked_by_cost_and_by_interaction(ranked):
    by_cost = [row.person.handle for row in ranked_follows(ranked, sort="cost")]
    assert by_cost == ["carol", "erin", "dave", "alice"]  # dave talked: after erin
    rows = ranked_follows(ranked, sort="interaction")
    assert [row.person.handle for row in rows] == ["carol", "erin", "alice", "dave"]
    interactions = {row.person.handle: row.interactions for row in rows}
    assert interactions == {
        "carol": {},
        "erin": {},
        "alice": {"connected": 1},
        "dave": {"invitation_messages": 3},
    }
    alice_row = next(row for row in rows if row.person.handle == "alice")
    assert alice_row.frees == 0  # unfollowing a connection frees nothing


def test_following_api_ranked(api, ranked, token_for):
    token = token_for(ranked)
    body = api("GET", "/me/following?sort=cost&limit=2", token=token).json()
    assert [row["person"]["handle"] for row in body] == ["carol", "erin"]
    assert body[0]["cost"] == 5.0 and body[0]["interaction_total"] == 0
    page_two = api("GET", "/me/following?sort=cost&limit=2&page=2", token=token).json()
    assert [row["person"]["handle"] for row in page_two] == ["dave", "alice"]
    assert page_two[1]["connected"] and page_two[1]["frees"] == 0
    body = api("GET", "/me/following?sort=interaction", token=token).json()
    assert body[-1]["interactions"] == {"invitation_messages": 3}


def test_following_page(client, ranked):
    client.force_login(ranked)
    html = client.get("/following/").content.decode()
    assert html.index('data-handle="carol"') < html.index('data-handle="alice"')
    assert 'data-testid="load">10.0<' in html and 'data-testid="capacity">100<' in html
    assert "3 invitation messages" in html and "never" in html
    html = client.get("/following/?sort=interaction").content.decode()
    assert html.index('data-handle="alice"') < html.index('data-handle="dave"')
    assert client.get("/following/?sort=bogus").status_code == 200


def test_web_over_budget_goes_through_a_confirm_step(client, alice, bob, carol):
    posting(carol, 200)  # more than bob's 100
    client.force_login(bob)
    assert "+200.0 posts a day" in client.get("/@carol").content.decode()
    response = client.post("/@carol/follow/")
    assert response.status_code == 302 and response["Location"] == "/@carol/follow/confirm/"
    assert not Follow.objects.exists()
    html = client.get("/@carol/follow/confirm/").content.decode()
    assert "Follow anyway" in html and "200.0" in html and "100" in html
    response = client.post("/@carol/follow/", {"confirm_over_budget": "1"})
    assert response.status_code == 302
    assert Follow.objects.filter(follower=bob, target_person=carol).exists()


def test_htmx_over_budget_confirms_inline(client, alice, bob, carol):
    posting(carol, 200)
    client.force_login(bob)
    response = client.post("/@carol/follow/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Follow anyway" in html and 'name="confirm_over_budget"' in html
    assert not Follow.objects.exists()


def test_demo_fills_posting_history_and_follows_deterministically(db):
    from kith.demo import load_demo
    from kith.people.models import Person

    def snapshot():
        days = sorted(PostingDay.objects.values_list("person__handle", "day", "posts").order_by())
        pairs = sorted(Follow.objects.values_list("follower__handle", "target_person__handle"))
        return days, pairs

    load_demo(people=12, seed=3)
    first = snapshot()
    assert first[0] and first[1]
    assert {day for _, day, _ in first[0]} <= {
        timezone.localdate() - timedelta(days=i) for i in range(WINDOW_DAYS)
    }
    Person.objects.all().delete()
    load_demo(people=12, seed=3)
    assert snapshot() == first
