"""Mastodon filters: `/api/v2/filters…` (filters, keywords, statuses), `/api/v1/filters`,
`filtered` on statuses in each context, `filters_changed` on the user stream, and
Mastodon.py's own filter calls against a live server."""

from __future__ import annotations

import orjson
import pytest
from websockets.sync.client import connect

from kith.conversations import actions as post_actions
from kith.feeds.actions import fan_out_post, filter_create
from kith.feeds.models import Filter, FilterKeyword, FilterStatus
from kith.live.broker import InProcessBroker, get_broker, set_broker
from tests.mastodon.account_helpers import Masto, ids
from tests.mastodon.oauth_helpers import user_token
from tests.mastodon.schema import check


@pytest.fixture
def fanned(django_capture_on_commit_callbacks):
    """Run an action with its on-commit callbacks (the fan-out) executed."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def _ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json()


def _create(masto, **extra) -> dict:
    body = {
        "title": "TV",
        "context": ["home", "public"],
        "filter_action": "warn",
        "keywords_attributes": [{"keyword": "finale"}, {"keyword": "season", "whole_word": False}],
        **extra,
    }
    return check("Filter", _ok(masto.post("/api/v2/filters", body)))


@pytest.mark.django_db
def test_a_filter_is_created_read_changed_and_deleted(alice):
    masto = Masto(alice, "read:filters write:filters")
    created = _create(masto, expires_in=3600)
    assert created["title"] == "TV" and created["context"] == ["home", "public"]
    assert created["filter_action"] == "warn" and created["expires_at"].endswith("Z")
    assert [(k["keyword"], k["whole_word"]) for k in created["keywords"]] == [
        ("finale", True),
        ("season", False),
    ]
    assert created["statuses"] == []
    path = f"/api/v2/filters/{created['id']}"
    assert _ok(masto.get(path)) == created
    assert ids(masto.get("/api/v2/filters")) == [created["id"]]
    finale, season = created["keywords"]
    changed = check(
        "Filter",
        _ok(
            masto.put(
                path,
                {
                    "title": "Television",
                    "context": ["thread"],
                    "filter_action": "hide",
                    "expires_in": "",
                    "keywords_attributes": [
                        {"id": finale["id"], "keyword": "finales", "whole_word": "0"},
                        {"id": season["id"], "_destroy": "true"},
                        {"keyword": "pilot"},
                    ],
                },
            )
        ),
    )
    assert changed["title"] == "Television" and changed["context"] == ["thread"]
    assert changed["filter_action"] == "hide" and changed["expires_at"] is None
    assert [(k["keyword"], k["whole_word"]) for k in changed["keywords"]] == [
        ("finales", False),
        ("pilot", True),
    ]
    assert changed["keywords"][0]["id"] == finale["id"]
    # a PUT changes only what it sends
    assert _ok(masto.put(path, {"title": "TV again"}))["context"] == ["thread"]
    assert _ok(masto.delete(path)) == {}
    assert not Filter.objects.exists() and not FilterKeyword.objects.exists()
    assert masto.get(path).status_code == 404


@pytest.mark.django_db
def test_form_encoded_keywords_attributes_as_apps_send_them(alice):
    masto = Masto(alice)
    form = [
        ("title", "Form"),
        ("context[]", "home"),
        ("context[]", "notifications"),
        ("keywords_attributes[][keyword]", "one"),
        ("keywords_attributes[][whole_word]", "false"),
        ("keywords_attributes[][keyword]", "two"),
        ("keywords_attributes[][whole_word]", "1"),
    ]
    from urllib.parse import urlencode

    response = masto.client.post(
        "/api/v2/filters",
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {masto.token}",
    )
    created = check("Filter", _ok(response))
    assert created["context"] == ["home", "notifications"]
    assert [(k["keyword"], k["whole_word"]) for k in created["keywords"]] == [
        ("one", False),
        ("two", True),
    ]


@pytest.mark.django_db
def test_keywords_endpoints(alice, carol):
    masto = Masto(alice, "read:filters write:filters")
    created = _create(masto)
    added = check(
        "FilterKeyword",
        _ok(
            masto.post(
                f"/api/v2/filters/{created['id']}/keywords", {"keyword": "spoiler", "whole_word": 0}
            )
        ),
    )
    assert (added["keyword"], added["whole_word"]) == ("spoiler", False)
    listed = _ok(masto.get(f"/api/v2/filters/{created['id']}/keywords"))
    assert [k["keyword"] for k in listed] == ["finale", "season", "spoiler"]
    path = f"/api/v2/filters/keywords/{added['id']}"
    assert _ok(masto.get(path)) == added
    changed = _ok(masto.put(path, {"keyword": "spoilers", "whole_word": True}))
    assert changed == {"id": added["id"], "keyword": "spoilers", "whole_word": True}
    assert masto.put(path, {"keyword": "FINALE"}).status_code == 422  # twice in the filter
    assert masto.put(path, {"keyword": ""}).status_code == 422
    assert _ok(masto.get(path))["keyword"] == "spoilers"
    assert _ok(masto.delete(path)) == {}
    assert masto.get(path).status_code == 404
    # someone else's keywords and filters are missing
    theirs = Masto(carol)
    assert theirs.get(f"/api/v2/filters/keywords/{created['keywords'][0]['id']}").status_code == 404
    assert theirs.post(
        f"/api/v2/filters/{created['id']}/keywords", {"keyword": "x"}
    ).status_code == 404  # fmt: skip
    assert (
        theirs.delete(f"/api/v2/filters/keywords/{created['keywords'][0]['id']}").status_code == 404
    )
    assert FilterKeyword.objects.count() == 2


@pytest.mark.django_db
def test_status_filters(alice, bob, carol):
    masto = Masto(alice, "read:filters write:filters read:statuses")
    created = _create(masto, filter_action="hide")
    post = post_actions.post_publish(author=bob, body="Anything at all")
    named = check(
        "FilterStatus",
        _ok(masto.post(f"/api/v2/filters/{created['id']}/statuses", {"status_id": str(post.pk)})),
    )
    assert named["status_id"] == str(post.pk)
    assert _ok(masto.get(f"/api/v2/filters/{created['id']}/statuses")) == [named]
    assert _ok(masto.get(f"/api/v2/filters/statuses/{named['id']}")) == named
    status = _ok(masto.get(f"/api/v1/statuses/{post.pk}"))
    [result] = status["filtered"]
    check("FilterResult", result)
    assert result["status_matches"] == [str(post.pk)] and result["keyword_matches"] is None
    assert result["filter"]["id"] == created["id"] and "keywords" not in result["filter"]
    # a status alice may not see is refused; so is a missing one
    hidden = post_actions.post_publish(author=carol, body="Only bob", visibility="mentioned")
    for status_id in (str(hidden.pk), "123", "nope", ""):
        response = masto.post(f"/api/v2/filters/{created['id']}/statuses", {"status_id": status_id})
        assert response.status_code == 422, status_id
    assert Masto(carol).get(f"/api/v2/filters/statuses/{named['id']}").status_code == 404
    assert Masto(carol).delete(f"/api/v2/filters/statuses/{named['id']}").status_code == 404
    assert _ok(masto.delete(f"/api/v2/filters/statuses/{named['id']}")) == {}
    assert not FilterStatus.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"context": ["home"]},  # no title
        {"title": "", "context": ["home"]},
        {"title": "No context"},
        {"title": "Bad", "context": ["everywhere"]},
        {"title": "Blur", "context": ["home"], "filter_action": "blur"},
        {"title": "Bad", "context": ["home"], "filter_action": "drop"},
        {"title": "Bad", "context": ["home"], "expires_in": -5},
        {"title": "Bad", "context": ["home"], "expires_in": "tomorrow"},
        {"title": "Bad", "context": ["home"], "keywords_attributes": [{"keyword": ""}]},
        {
            "title": "Bad",
            "context": ["home"],
            "keywords_attributes": [{"keyword": "same"}, {"keyword": "Same"}],
        },
        {"title": "x" * 101, "context": ["home"]},
    ],
)
def test_bad_input_is_a_422_and_writes_nothing(alice, body):
    response = Masto(alice).post("/api/v2/filters", body)
    assert response.status_code == 422, response.content
    assert response.json()["error"].startswith("Validation failed")
    assert not Filter.objects.exists() and not FilterKeyword.objects.exists()


@pytest.mark.django_db
def test_a_bad_update_changes_nothing_and_others_filters_are_404(alice, carol):
    masto = Masto(alice)
    created = _create(masto)
    path = f"/api/v2/filters/{created['id']}"
    for body in (
        {"title": "New", "keywords_attributes": [{"id": "1", "keyword": "x"}]},
        {"title": "New", "keywords_attributes": [{"keyword": "FINALE"}]},
        {"title": "New", "filter_action": "blur"},
        {"title": "New", "context": []},
    ):
        assert masto.put(path, body).status_code == 422, body
    assert _ok(masto.get(path)) == created
    theirs = Masto(carol)
    assert theirs.get(path).status_code == 404
    assert theirs.put(path, {"title": "Mine"}).status_code == 404
    assert theirs.delete(path).status_code == 404
    assert theirs.get(f"{path}/keywords").status_code == 404
    assert theirs.get(f"{path}/statuses").status_code == 404
    assert ids(theirs.get("/api/v2/filters")) == []
    assert _ok(masto.get(path)) == created


@pytest.mark.django_db
def test_scopes(alice):
    reader = Masto(alice, "read:filters")
    assert reader.get("/api/v2/filters").status_code == 200
    assert reader.get("/api/v1/filters").status_code == 200
    refused = reader.post("/api/v2/filters", {"title": "x", "context": ["home"]})
    assert refused.status_code == 403
    other = Masto(alice, "read:statuses write:statuses")
    assert other.get("/api/v2/filters").status_code == 403
    assert other.post("/api/v1/filters", {"phrase": "x", "context": ["home"]}).status_code == 403
    assert not Filter.objects.exists()


@pytest.mark.django_db
def test_v1_filters_are_the_keywords_of_v2_filters(alice):
    masto = Masto(alice, "read:filters write:filters")
    created = _ok(
        masto.post(
            "/api/v1/filters",
            {"phrase": "election", "context": ["home", "thread"], "irreversible": True},
        )
    )
    check("V1Filter", created)
    assert created["phrase"] == "election" and created["irreversible"] is True
    assert created["whole_word"] is True and created["expires_at"] is None
    v2 = _create(masto)
    listed = _ok(masto.get("/api/v1/filters"))
    for item in listed:
        check("V1Filter", item)
    assert sorted(f["phrase"] for f in listed) == ["election", "finale", "season"]
    path = f"/api/v1/filters/{created['id']}"
    assert _ok(masto.get(path)) == created
    changed = _ok(
        masto.put(path, {"phrase": "elections", "context": ["home"], "irreversible": False})
    )
    assert (changed["phrase"], changed["context"], changed["irreversible"]) == (
        "elections",
        ["home"],
        False,
    )
    assert Filter.objects.get(keywords__pk=int(created["id"])).title == "elections"
    # a keyword of a filter of several: its filter is changed through v2
    finale = v2["keywords"][0]["id"]
    assert masto.put(f"/api/v1/filters/{finale}", {"context": ["home"]}).status_code == 422
    assert _ok(masto.put(f"/api/v1/filters/{finale}", {"phrase": "finales"}))["phrase"] == "finales"
    assert _ok(masto.delete(f"/api/v1/filters/{finale}")) == {}
    assert [k["keyword"] for k in _ok(masto.get(f"/api/v2/filters/{v2['id']}"))["keywords"]] == [
        "season"
    ]
    assert _ok(masto.delete(path)) == {}
    assert not Filter.objects.filter(title="elections").exists()
    assert masto.post("/api/v1/filters", {"phrase": "x"}).status_code == 422  # no context


@pytest.mark.django_db
def test_filtered_follows_the_context_of_each_timeline(alice, bob, fanned):
    post = fanned(post_actions.post_publish, author=alice, body="The finale #tv")
    masto = Masto(bob)
    _create(masto, title="Public only", context=["public"])
    _create(masto, title="Threads", context=["thread", "account"], filter_action="hide")

    def titles(statuses) -> list[str]:
        [status] = [s for s in statuses if s["id"] == str(post.pk)]
        return sorted(r["filter"]["title"] for r in status["filtered"])

    assert titles(_ok(masto.get("/api/v1/timelines/home"))) == []
    assert titles(_ok(masto.get("/api/v1/timelines/public"))) == ["Public only"]
    assert titles(_ok(masto.get("/api/v1/timelines/tag/tv"))) == ["Public only"]
    assert titles(_ok(masto.get(f"/api/v1/accounts/{alice.pk}/statuses"))) == ["Threads"]
    reply = fanned(post_actions.post_reply, author=alice, to=post, body="About the finale")
    context = _ok(masto.get(f"/api/v1/statuses/{reply.pk}/context"))
    assert titles(context["ancestors"]) == ["Threads"]
    # one status on its own: every filter, each with its context for the app to apply
    assert titles([_ok(masto.get(f"/api/v1/statuses/{post.pk}"))]) == ["Public only", "Threads"]


@pytest.mark.django_db
def test_the_home_timeline_drops_hide_filters_and_marks_warn_ones(alice, bob, fanned):
    fanned(post_actions.post_publish, author=alice, body="The finale tonight")
    fanned(post_actions.post_publish, author=alice, body="The election tomorrow")
    fanned(post_actions.post_publish, author=alice, body="Pottery")
    filter_create(owner=bob, title="Politics", contexts=["home"], action="hide",
                  keywords=[("election", True)])  # fmt: skip
    filter_create(owner=bob, title="TV", contexts=["home"], keywords=[("finale", True)])
    masto = Masto(bob)
    for path in ("/api/v1/timelines/home",):
        timeline = _ok(masto.get(path))
        shown = {s["content"]: [r["filter"]["title"] for r in s["filtered"]] for s in timeline}
        assert shown == {"<p>The finale tonight</p>": ["TV"], "<p>Pottery</p>": []}
        [result] = next(s["filtered"] for s in timeline if s["filtered"])
        assert result["keyword_matches"] == ["finale"]


# --- Streaming and Mastodon.py, against a live server ---------------------------------------


@pytest.fixture
def fresh_broker():
    old = set_broker(InProcessBroker())
    yield get_broker()
    set_broker(old)


@pytest.mark.django_db(transaction=True)
def test_filters_changed_reaches_the_user_stream(uvicorn_server, fresh_broker, alice, bob):
    token = user_token(bob)
    url = (
        uvicorn_server.url.replace("http://", "ws://")
        + f"/api/v1/streaming?stream=user&access_token={token}"
    )
    with connect(url) as ws:
        filter_create(owner=bob, title="TV", keywords=[("finale", True)])
        message = orjson.loads(ws.recv(timeout=10))
        assert message == {"stream": ["user"], "event": "filters_changed"}
        post = post_actions.post_publish(author=alice, body="The finale")
        fan_out_post(post=post)
        message = orjson.loads(ws.recv(timeout=10))
        assert message["event"] == "update"
        [result] = orjson.loads(message["payload"])["filtered"]
        assert result["filter"]["title"] == "TV"


@pytest.mark.django_db(transaction=True)
def test_mastodon_py_filter_calls(mastodon_client, alice, bob):
    client = mastodon_client(bob)
    created = client.create_filter_v2(
        title="TV",
        context=["home", "thread"],
        filter_action="warn",
        expires_in=None,
        keywords_attributes=[{"keyword": "finale", "whole_word": True}],
    )
    assert created.title == "TV" and [k.keyword for k in created.keywords] == ["finale"]
    added = client.add_filter_keyword_v2(created.id, "season", whole_word=False)
    assert (added.keyword, added.whole_word) == ("season", False)
    [listed] = client.filters_v2()
    assert sorted(k.keyword for k in listed.keywords) == ["finale", "season"]
    assert client.filter_v2(created.id).title == "TV"
    assert sorted(k.keyword for k in client.filter_keywords_v2(created.id)) == ["finale", "season"]
    changed = client.update_filter_v2(created.id, title="Television", filter_action="hide")
    assert (changed.title, changed.filter_action) == ("Television", "hide")
    post = post_actions.post_publish(author=alice, body="Anything")
    named = client.add_filter_status_v2(created.id, post.pk)
    assert str(named.status_id) == str(post.pk)
    assert [str(s.id) for s in client.filter_statuses_v2(created.id)] == [str(named.id)]
    assert str(client.filter_status_v2(named.id).status_id) == str(post.pk)
    client.delete_filter_status_v2(named.id)
    assert sorted(f.phrase for f in client.filters()) == ["finale", "season"]
    client.delete_filter_keyword_v2(added.id)
    assert [k.keyword for k in client.filter_v2(created.id).keywords] == ["finale"]
    v1 = client.filter_create("spoiler", ["home"], irreversible=True)
    assert v1.irreversible is True
    client.delete_filter_v2(created.id)
    assert [f.title for f in client.filters_v2()] == ["spoiler"]
