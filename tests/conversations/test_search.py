"""Search: posts the viewer may see (FTS5 on SQLite, full-text on PostgreSQL), people, tags."""

from __future__ import annotations

import pytest

from kith.conversations import actions
from kith.conversations.search import search, search_people, search_posts, search_tags
from tests.conversations.visibility_cases import CASES, SEES, client_for, viewers  # noqa: F401


def found(viewer, query) -> list:
    return [post.pk for post in search_posts(viewer, query)]


def test_words_prefix_and_case(alice, publish):
    compost = publish(alice, "Making **Compost** with coffee grounds")
    publish(alice, "Nothing about that here")
    assert found(None, "compost") == [compost.pk]
    assert found(None, "COFFEE compost") == [compost.pk]
    assert found(None, "comp") == [compost.pk]  # the last word is a prefix
    assert found(None, "compost tea") == []  # every word is required
    assert found(None, "") == [] and found(None, "!!! ???") == []


@pytest.mark.parametrize(
    "query",
    ['"', "compost OR", "NEAR(a b)", "a* OR b:*", "'; DROP TABLE x; --", "col:umn", "^x", "(("],
)
def test_query_syntax_is_never_an_error(alice, publish, query):
    publish(alice, "compost")
    search_posts(None, query)  # no exception on either database


def test_index_follows_edit_and_delete(alice, publish):
    post = publish(alice, "Tomatoes ripen late")
    post = actions.post_edit(post=post, by=alice, body="Peppers ripen late")
    assert found(None, "tomatoes") == [] and found(None, "peppers") == [post.pk]
    actions.post_delete(post=post, by=alice)
    assert found(None, "peppers") == [] and found(alice, "peppers") == []


def test_replies_and_quotes_are_searchable_reposts_are_not_doubled(alice, bob, publish):
    root = publish(alice, "Raised beds")
    reply = actions.post_reply(author=bob, to=root, body="Raised beds need edging")
    actions.post_repost(person=bob, post=root)
    assert set(found(None, "raised")) == {root.pk, reply.pk}
    assert len(found(None, "raised")) == 2


def test_pages_newest_first(alice, publish):
    ids = [publish(alice, f"seedling number {i}").pk for i in range(5)]
    first = search_posts(None, "seedling", limit=2)
    assert [p.pk for p in first] == ids[::-1][:2] and first.next_max_id == ids[3]
    second = search_posts(None, "seedling", limit=2, max_id=first.next_max_id)
    assert [p.pk for p in second] == ids[::-1][2:4]


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_search_truth_table(
    alice,
    viewers,  # noqa: F811
    publish,
    client,
    api,
    token_for,
    visibility,
    relationship,
):
    viewer = viewers[relationship]
    post = publish(alice, "Secret allotment #plots @mo @blake", visibility=visibility)
    expected = relationship in SEES[visibility]
    assert (post.pk in found(viewer, "allotment")) is expected
    assert bool(search_tags(viewer, "plots")) is expected  # a tag only on hidden posts is hidden
    token = token_for(viewer) if viewer is not None else None
    body = api("get", "/search?q=allotment", token=token).json()
    assert ([p["id"] for p in body["posts"]] == [str(post.pk)]) is expected
    page = client_for(client, viewer).get("/search", {"q": "allotment"})
    assert page.status_code == 200
    assert ("Secret allotment" in page.content.decode()) is expected


def test_people_and_tags(alice, bob, carol, publish, client):
    publish(alice, "#Gardening and #garlic")
    assert [p.handle for p in search_people(None, "bo")] == ["bob"]
    assert [p.handle for p in search_people(None, "Alice")] == ["alice"]
    assert [t.name for t in search_tags(None, "#gar")] == ["gardening", "garlic"]
    results = search(None, "garlic")
    assert [t.name for t in results.tags] == ["garlic"] and len(results.posts) == 1
    page = client.get("/search", {"q": "gar", "type": "tags"})
    assert "#garlic" in page.content.decode()


def test_people_search_leaves_out_people_who_blocked_the_viewer(alice, blake):
    assert [p.handle for p in search_people(blake, "alice")] == []
    assert [p.handle for p in search_people(alice, "blake")] == ["blake"]


def test_api_search_refuses_an_unknown_type_and_an_overlong_query(db, api):
    refused = api("get", "/search?q=x&type=everything")
    assert refused.status_code == 422 and "type" in refused.content.decode()
    assert api("get", "/search?q=" + "a" * 501).status_code == 422
    found = api("get", "/search?q=nothing&type=posts")
    assert found.status_code == 200
    assert found.json() == {
        "query": "nothing",
        "posts": [],
        "next_max_id": None,
        "people": [],
        "tags": [],
    }
