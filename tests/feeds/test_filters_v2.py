"""Filters with a title, contexts, several keywords and named posts: the actions (all or
nothing), the feeds that honour them (home and lists: the "home" context), the hot path's
query count, the web pages and the native API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kith.conversations import actions
from kith.feeds import actions as feed_actions
from kith.feeds import selectors
from kith.feeds.actions import KeywordChange, filter_create, filter_status_add, filter_update
from kith.feeds.models import Filter, FilterKeyword, FilterStatus


def _home(person) -> dict[str, str]:
    """What each Latest and Conversations page shows of `person`'s home feed, body → warning."""
    return {
        item.shown.body: item.warning
        for mode in selectors.MODES
        for item in selectors.home_feed(person, mode=mode)
    }


def _light(person) -> dict[str, str]:
    page = selectors.home_feed(person, light=True)
    assert page.light
    return {item.shown.body: item.warning for item in page}


@pytest.fixture
def posts(alice, fanned):
    return {
        body: fanned(actions.post_publish, author=alice, body=body)
        for body in ("The election is near", "Spoilers: the finale", "Season four", "Pottery")
    }


def test_any_keyword_of_a_filter_matches_and_the_warning_is_its_title(alice, bob, posts):
    filter_create(
        owner=bob,
        title="TV",
        contexts=["home"],
        action="warn",
        keywords=[("finale", True), ("season", True)],
    )
    expected = {
        "The election is near": "",
        "Spoilers: the finale": "TV",
        "Season four": "TV",
        "Pottery": "",
    }
    assert _home(bob) == expected
    assert _light(bob) == expected
    person_list = feed_actions.person_list_create(owner=bob, name="Alice")
    feed_actions.person_list_add(person_list=person_list, person=alice)
    assert {i.shown.body: i.warning for i in selectors.list_feed(bob, person_list)} == expected


def test_only_filters_of_the_home_context_change_the_home_feed(alice, bob, posts):
    filter_create(owner=bob, title="Politics", contexts=["public", "thread"], action="hide",
                  keywords=[("election", True)])  # fmt: skip
    assert "The election is near" in _home(bob) and "The election is near" in _light(bob)
    found = Filter.objects.get(owner=bob)
    filter_update(filter=found, contexts=["home", "public"])
    assert "The election is near" not in _home(bob)
    assert "The election is near" not in _light(bob)


def test_a_filter_naming_a_post_hides_it_and_reposts_of_it(alice, bob, carol, fanned, posts):
    from kith.relationships.actions.follows import follow_create

    follow_create(follower=bob, target=carol)
    pottery = posts["Pottery"]
    fanned(actions.post_repost, person=carol, post=pottery)
    named = filter_create(owner=bob, title="That post", contexts=["home"], action="hide")
    assert "Pottery" in _home(bob)
    filter_status_add(filter=named, post=pottery)
    assert filter_status_add(filter=named, post=pottery).pk == FilterStatus.objects.get().pk
    assert "Pottery" not in _home(bob) and "Pottery" not in _light(bob)
    named.action = "warn"
    named.save()
    assert _light(bob)["Pottery"] == "That post"


def test_the_hot_path_reads_named_posts_only_when_a_filter_names_some(alice, bob, posts):
    filter_create(owner=bob, title="TV", contexts=["home"], keywords=[("finale", True)])
    selectors.home_feed(bob, light=True)  # warms the fragments
    with CaptureQueriesContext(connection) as plain:
        selectors.home_feed(bob, light=True)
    named = filter_create(owner=bob, title="That post", contexts=["home"])
    filter_status_add(filter=named, post=posts["Pottery"])
    with CaptureQueriesContext(connection) as naming:
        page = selectors.home_feed(bob, light=True)
    assert len(naming) == len(plain) + 1, [q["sql"][:70] for q in naming.captured_queries]
    assert {i.shown.body: i.warning for i in page}["Pottery"] == "That post"


def test_an_expired_filter_stops_applying(alice, bob, posts):
    found = filter_create(owner=bob, title="Politics", action="hide", expires_in=3600,
                          keywords=[("election", True)])  # fmt: skip
    assert found.expires_at > timezone.now() + timedelta(minutes=59)
    assert "The election is near" not in _home(bob)
    found.expires_at = timezone.now() - timedelta(seconds=1)
    found.save()
    assert "The election is near" in _home(bob) and "The election is near" in _light(bob)
    filter_update(filter=found, expires_in=None)
    found.refresh_from_db()
    assert found.expires_at is None and "The election is near" not in _home(bob)


def test_keywords_are_added_changed_swapped_and_removed_at_once(bob):
    found = filter_create(owner=bob, title="Words", keywords=[("one", True), ("two", False)])
    one, two = found.keywords.order_by("id")
    filter_update(
        filter=found,
        keywords=[
            KeywordChange(id=one.pk, keyword="two"),  # a swap: never two "two"s at once
            KeywordChange(id=str(two.pk), keyword="one", whole_word=True),
            KeywordChange(keyword="three", whole_word=False),
        ],
    )
    rows = dict(FilterKeyword.objects.filter(filter=found).values_list("id", "keyword"))
    assert rows[one.pk] == "two" and rows[two.pk] == "one" and len(rows) == 3
    filter_update(filter=found, keywords=[KeywordChange(id=one.pk, destroy=True)])
    assert sorted(found.keywords.values_list("keyword", flat=True)) == ["one", "three"]


@pytest.mark.parametrize(
    "options",
    [
        {"title": ""},
        {"title": "x" * 101},
        {"contexts": []},
        {"contexts": ["home", "everywhere"]},
        {"action": "blur"},
        {"action": "drop"},
        {"expires_in": 0},
        {"expires_in": "soon"},
        {"keywords": [("good", True), ("", True)]},
        {"keywords": [("twice", True), ("Twice", False)]},
        {"keywords": [("y" * 101, True)]},
        {"keywords": [(f"k{i}", True) for i in range(feed_actions.KEYWORDS_MAX + 1)]},
    ],
)
def test_bad_filters_are_refused_and_nothing_is_written(bob, options):
    values = {"title": "Fine", "keywords": [("fine", True)], **options}
    with pytest.raises(ValidationError):
        filter_create(owner=bob, **values)
    assert not Filter.objects.exists() and not FilterKeyword.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "  "},
        {"contexts": ["nowhere"]},
        {"keywords": [KeywordChange(keyword="new"), KeywordChange(keyword="NEW")]},
        {"keywords": [KeywordChange(keyword="new"), KeywordChange(id="123", keyword="x")]},
        {"keywords": [KeywordChange(keyword="new"), KeywordChange(keyword="kept")]},
    ],
)
def test_a_bad_change_changes_nothing(bob, changes):
    found = filter_create(owner=bob, title="Kept", contexts=["home"], keywords=[("kept", True)])
    with pytest.raises(ValidationError):
        filter_update(filter=found, **changes)
    found.refresh_from_db()
    assert found.title == "Kept" and found.contexts == ["home"]
    assert list(found.keywords.values_list("keyword", flat=True)) == ["kept"]


def test_filter_changes_are_announced_on_the_live_stream(bob, django_capture_on_commit_callbacks):
    from unittest import mock

    with (
        mock.patch("kith.live.broker.get_broker") as broker,
        django_capture_on_commit_callbacks(execute=True),
    ):
        found = filter_create(owner=bob, title="TV", keywords=[("finale", True)])
        filter_update(filter=found, title="Television")
        feed_actions.filter_delete(filter=found)
    sent = [call.args for call in broker.return_value.publish_items.call_args_list]
    assert [(items, event) for items, event, _ in sent] == [
        ([(bob.pk, "{}")], "filters_changed")
    ] * 3


# --- The web ----------------------------------------------------------------------------------


def test_a_filter_is_made_and_edited_on_the_web(client, alice, bob, posts):
    client.force_login(bob)
    page = client.get("/settings/filters/")
    assert page.status_code == 200 and 'data-testid="filter-form"' in page.content.decode()
    response = client.post(
        "/settings/filters/",
        {
            "title": "TV",
            "kw-0-keyword": "finale",
            "kw-0-whole": "on",
            "kw-1-keyword": "season",
            "kw-2-keyword": "",
            "context": ["home", "thread"],
            "action": "warn",
            "duration": "7d",
        },
    )
    assert response.status_code == 302
    found = Filter.objects.get(owner=bob)
    assert found.contexts == ["home", "thread"] and found.expires_at is not None
    assert list(found.keywords.values_list("keyword", "whole_word")) == [
        ("finale", True),
        ("season", False),
    ]
    html = client.get("/").content.decode()
    assert html.count("Filtered: “TV”") == 2
    listing = client.get("/settings/filters/").content.decode()
    assert "“finale” (whole word)" in listing and f"/settings/filters/{found.pk}/" in listing

    edit = client.get(f"/settings/filters/{found.pk}/").content.decode()
    assert 'value="finale"' in edit and 'value="season"' in edit
    finale, season = found.keywords.order_by("id")
    response = client.post(
        f"/settings/filters/{found.pk}/",
        {
            "title": "Television",
            "kw-0-id": str(finale.pk),
            "kw-0-keyword": "finale",
            "kw-0-whole": "on",
            "kw-1-id": str(season.pk),
            "kw-1-keyword": "season",
            "kw-1-remove": "on",
            "kw-2-keyword": "election",
            "context": ["home"],
            "action": "hide",
            "duration": "keep",
        },
    )
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.title == "Television" and found.action == "hide" and found.expires_at
    assert sorted(found.keywords.values_list("keyword", flat=True)) == ["election", "finale"]
    shown = _home(bob)
    assert "Spoilers: the finale" not in shown and "The election is near" not in shown
    assert "Season four" in shown


def test_bad_web_forms_answer_400_and_change_nothing(client, alice, bob):
    client.force_login(bob)
    found = filter_create(owner=bob, title="Kept", keywords=[("kept", True)])
    bad = client.post("/settings/filters/", {"title": "X", "context": ["home"], "action": "blur"})
    assert bad.status_code == 400 and "blur" in bad.content.decode()
    bad = client.post(
        f"/settings/filters/{found.pk}/",
        {"title": "New", "kw-0-keyword": "a", "kw-1-keyword": "A", "context": ["home"]},
    )
    assert bad.status_code == 400 and "twice" in bad.content.decode()
    assert Filter.objects.get().title == "Kept" and Filter.objects.count() == 1
    client.force_login(alice)
    assert client.get(f"/settings/filters/{found.pk}/").status_code == 404
    assert client.post(f"/settings/filters/{found.pk}/", {"title": "Mine"}).status_code == 404
    client.post("/settings/filters/", {"remove": str(found.pk)})
    assert Filter.objects.filter(pk=found.pk).exists()


# --- The native API ---------------------------------------------------------------------------


def _ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json() if response.content else None


def test_filters_in_the_native_api(api, alice, bob, carol, posts, token_for):
    bob_token, alice_token = token_for(bob), token_for(alice)
    created = _ok(
        api(
            "POST",
            "/filters",
            token=bob_token,
            json={
                "title": "TV",
                "keywords": [{"keyword": "finale"}, {"keyword": "season", "whole_word": False}],
                "contexts": ["home", "thread"],
                "action": "warn",
                "expires_in": 3600,
            },
        ),
        201,
    )
    assert created["contexts"] == ["home", "thread"] and created["expires_at"]
    assert [(k["keyword"], k["whole_word"]) for k in created["keywords"]] == [
        ("finale", True),
        ("season", False),
    ]
    path = f"/filters/{created['id']}"
    feed = _ok(api("GET", "/feed", token=bob_token))
    assert sorted(i["filtered"] or "" for i in feed) == ["", "", "TV", "TV"]
    finale = created["keywords"][0]["id"]
    changed = _ok(
        api(
            "PATCH",
            path,
            token=bob_token,
            json={
                "title": "Television",
                "expires_in": None,
                "keywords": [{"id": finale, "remove": True}, {"keyword": "pottery"}],
            },
        )
    )
    assert changed["title"] == "Television" and changed["expires_at"] is None
    assert sorted(k["keyword"] for k in changed["keywords"]) == ["pottery", "season"]
    named = _ok(
        api("POST", f"{path}/posts", token=bob_token, json={"post_id": str(posts["Pottery"].pk)}),
        201,
    )
    assert named["post_ids"] == [str(posts["Pottery"].pk)]
    assert _ok(api("GET", path, token=bob_token)) == named
    assert (
        _ok(api("DELETE", f"{path}/posts/{posts['Pottery'].pk}", token=bob_token))["post_ids"] == []
    )
    # bad input: 422, nothing changed; someone else's filter: 404
    for body in (
        {"title": "x", "contexts": ["everywhere"]},
        {"title": "x", "action": "blur"},
        {"title": "", "keywords": [{"keyword": "a"}]},
        {"title": "x", "keywords": [{"keyword": "a"}, {"keyword": "A"}]},
    ):
        assert api("POST", "/filters", token=bob_token, json=body).status_code == 422
    bad = {"title": "Ruined", "keywords": [{"id": "1", "keyword": "nope"}]}
    assert api("PATCH", path, token=bob_token, json=bad).status_code == 422
    assert _ok(api("GET", path, token=bob_token))["title"] == "Television"
    assert api("GET", path, token=alice_token).status_code == 404
    assert api("PATCH", path, token=alice_token, json={"title": "Mine"}).status_code == 404
    assert api("DELETE", path, token=alice_token).status_code == 404
    hidden = actions.post_publish(author=carol, body="Only mine", visibility="mentioned")
    assert (
        api("POST", f"{path}/posts", token=bob_token, json={"post_id": str(hidden.pk)}).status_code
        == 404
    )
    assert [f["title"] for f in _ok(api("GET", "/filters", token=bob_token))] == ["Television"]
    _ok(api("DELETE", path, token=bob_token), 204)
    assert not Filter.objects.exists()


def test_the_web_tag_page_applies_public_filters(client, alice, bob):
    for body in ("Glaze notes #pots", "Kiln day #pots", "Raku #pots"):
        actions.post_publish(author=alice, body=body)
    filter_create(owner=bob, title="Home only", contexts=["home"], action="hide",
                  keywords=[("raku", True)])  # fmt: skip
    client.force_login(bob)
    assert "Raku" in client.get("/tags/pots").content.decode()
    filter_create(owner=bob, title="Kilns", contexts=["public"], action="hide",
                  keywords=[("kiln", True)])  # fmt: skip
    filter_create(owner=bob, title="Glazes", contexts=["public"], keywords=[("glaze", True)])
    html = client.get("/tags/pots").content.decode()
    assert "Kiln day" not in html and "Raku" in html
    assert "Filtered: “Glazes”" in html and "Glaze notes" in html
    client.logout()
    assert "Kiln day" in client.get("/tags/pots").content.decode()  # bob's filters, not anyone's


def test_a_web_profile_applies_account_filters(client, alice, bob):
    actions.post_publish(author=alice, body="Kiln day")
    actions.post_publish(author=alice, body="Glaze notes")
    filter_create(owner=bob, title="Kilns", contexts=["account"], action="hide",
                  keywords=[("kiln", True)])  # fmt: skip
    filter_create(owner=bob, title="Glazes", contexts=["account"], keywords=[("glaze", True)])
    client.force_login(bob)
    for path in ("/@alice", "/@alice/posts"):
        html = client.get(path).content.decode()
        assert "Kiln day" not in html and "Filtered: “Glazes”" in html, path
    client.force_login(alice)
    assert "Kiln day" in client.get("/@alice").content.decode()
