"""The Suggestions page and the suggestions API: labelled, signed-in only, fixed query counts."""

from __future__ import annotations

import pytest

from kith.relationships.actions.connections import connection_create
from kith.relationships.models import Follow, Invitation
from kith.relevance.interests import interest_vector
from tests.conftest import make_person
from tests.relevance.conftest import GARDEN, GARDEN_2, PYTHON, set_interests


@pytest.fixture
def network(publish, alice, bob, carol):
    """carol likes gardening; strangers posted on it; dana is a connection of her connection."""
    set_interests(carol, "gardening")
    connection_create(person=carol, other=bob, how_met="in_person")
    for i, body in enumerate([GARDEN, GARDEN_2, PYTHON, f"{GARDEN} (again)"]):
        publish(make_person(f"grower{i}"), body)
    dana = make_person("dana")
    connection_create(person=bob, other=dana, how_met="in_person")
    interest_vector(carol)  # the tag vectors are kept per process after the first time
    return carol


def test_api_suggested_posts_are_labelled_and_ranked(api, network, token_for):
    response = api("GET", "/suggestions/posts", token=token_for(network))
    assert response.status_code == 200
    data = response.json()
    assert data["label"].startswith("Suggested")
    items = data["suggestions"]
    assert len(items) == 3
    assert all(item["label"] == "suggested" and item["reason"] for item in items)
    assert all(item["post"]["visibility"] == "public" for item in items)
    assert PYTHON not in {item["post"]["body"] for item in items}
    scores = [item["relevance"] for item in items]
    assert scores == sorted(scores, reverse=True)


def test_api_people_to_meet_link_to_the_invitation_flow(api, client, network, token_for):
    data = api("GET", "/suggestions/people", token=token_for(network)).json()
    by_handle = {item["person"]["handle"]: item for item in data["suggestions"]}
    assert set(by_handle) == {"alice", "dana"}  # both are bob's connections
    dana = by_handle["dana"]
    assert dana["mutual_connections"] == 1 and dana["mutuals"][0]["handle"] == "bob"
    assert dana["meet"] == {
        "way": "invite",
        "invitation_endpoint": "/api/kith/v1/people/dana/invitations",
        "web_url": "http://testserver/@dana/invite/",
    }
    assert "1 mutual connection" in dana["reason"]
    sent = client.post(
        dana["meet"]["invitation_endpoint"],
        data={"how_known": "in_person"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token_for(network)}"},
    )
    assert sent.status_code == 201, sent.content
    assert Invitation.objects.filter(sender=network, recipient__handle="dana").exists()
    assert not Follow.objects.exists()


@pytest.mark.parametrize("path", ["/suggestions/posts", "/suggestions/people"])
def test_api_needs_a_signed_in_person(api, db, path):
    assert api("GET", path).status_code == 401


@pytest.mark.parametrize("limit", ["0", "51", "many"])
def test_api_bad_limit_is_a_422(api, network, token_for, limit):
    response = api("GET", f"/suggestions/posts?limit={limit}", token=token_for(network))
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("path", "queries"), [("/suggestions/posts", 12), ("/suggestions/people", 11)]
)
def test_api_query_counts_are_pinned(
    api, network, token_for, django_assert_num_queries, path, queries
):
    token = token_for(network)
    api("GET", path, token=token)  # the index loads once per process
    with django_assert_num_queries(queries):
        assert api("GET", path, token=token).status_code == 200


def test_web_page_shows_both_sections_labelled(client, network, django_assert_num_queries):
    client.force_login(network)
    client.get("/suggestions/")
    # 24 (one: posts removed from a community; one: the people dismissed) + the nav badge
    with django_assert_num_queries(26):
        response = client.get("/suggestions/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Suggested posts" in page and "from outside your network" in page
    assert page.count('data-testid="suggested-post"') == 3
    assert "People you may want to meet" in page
    assert 'href="/@dana/invite/"' in page and "Invite to connect" in page
    assert "1 mutual connection" in page


def test_web_page_needs_login(client, db):
    response = client.get("/suggestions/")
    assert response.status_code == 302 and "/login" in response["Location"]


def test_web_page_without_interests_says_how_to_get_suggestions(client, carol):
    client.force_login(carol)
    page = client.get("/suggestions/").content.decode()
    assert "Add interests" in page
    assert not Invitation.objects.exists()


def test_api_dismiss_a_suggested_person(api, network, token_for):
    token = token_for(network)
    people = api("GET", "/suggestions/people", token=token).json()["suggestions"]
    assert {item["person"]["handle"] for item in people} == {"alice", "dana"}
    answer = api("DELETE", "/suggestions/people/dana", token=token)
    assert answer.status_code == 204
    people = api("GET", "/suggestions/people", token=token).json()["suggestions"]
    assert {item["person"]["handle"] for item in people} == {"alice"}
    assert api("DELETE", "/suggestions/people/nobody", token=token).status_code == 404
    assert api("DELETE", "/suggestions/people/carol", token=token).status_code == 422
    assert api("DELETE", "/suggestions/people/dana").status_code == 401


def test_web_not_interested_removes_the_suggestion(client, network):
    client.force_login(network)
    page = client.get("/suggestions/").content.decode()
    assert 'action="/suggestions/people/dana/dismiss/"' in page and "Not interested" in page
    answer = client.post("/suggestions/people/dana/dismiss/", HTTP_HX_REQUEST="true")
    assert (answer.status_code, answer.content) == (200, b"")
    page = client.get("/suggestions/").content.decode()
    assert "@dana" not in page and "@alice" in page
    answer = client.post("/suggestions/people/alice/dismiss/")
    assert answer.status_code == 302 and answer["Location"] == "/suggestions/"
    page = client.get("/suggestions/").content.decode()
    assert "will not be suggested again" in page and "No one to suggest yet." in page
    assert client.get("/suggestions/people/alice/dismiss/").status_code == 405
    assert client.post("/suggestions/people/nobody/dismiss/").status_code == 404
