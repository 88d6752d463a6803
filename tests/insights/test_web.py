"""The /insights dashboard, its charts, drill-downs and downloads (web)."""

from __future__ import annotations

import csv
import io

import pytest

from kith.conversations import actions as posts
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.safety import block_create


@pytest.fixture
def network(alice, bob, carol, people, publish, reply):
    """alice: two posts, one a conversation with bob; eve a connection she never talked to;
    carol reposted one post and marked it helpful."""
    eve = people("eve")
    connection_create(person=alice, other=eve, how_met="in_person")
    first = publish(alice, "first post")
    reply(alice, reply(bob, first))
    second = publish(alice, "second post")
    posts.post_repost(person=carol, post=second)
    posts.helpful_mark(person=carol, post=second)
    return {"first": first, "second": second, "eve": eve}


def test_dashboard_answers_the_question_in_plain_words(client, alice, network):
    client.force_login(alice)
    response = client.get("/insights/")
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Last 90 days: 50% of your posts became conversations; "
        "1 of your 2 connections you have never talked to."
    ) in page
    # four charts drawn in the page from the same computation, and each downloadable
    assert page.count('<img src="data:image/svg+xml;base64,') == 4
    for name in ("trend", "reciprocity", "response", "echo"):
        assert f"/insights/charts/{name}.svg" in page
    # every chart has its table equivalent
    for table in ("trend-table", "reciprocity-table", "response-table", "echo-table"):
        assert f'data-testid="{table}"' in page
    assert 'data-drill="conversations"' in page and 'data-drill="never_talked"' in page


def test_dashboard_is_for_its_signed_in_owner_only(client):
    response = client.get("/insights/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    for path in ("/insights/charts/trend.svg", "/insights/export.json", "/insights/posts/"):
        assert client.get(path).status_code == 302


def test_charts_are_svg_images_without_scripts_that_run(client, alice, network):
    client.force_login(alice)
    response = client.get("/insights/charts/trend.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response.content.startswith(b"<svg") and b'width="640"' in response.content
    assert "script-src" not in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert client.get("/insights/charts/nope.svg").status_code == 404


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("conversations", ["first post"]),
        ("echoed", ["second post"]),
        ("posts", ["first post", "second post"]),
        ("never_talked", ["@eve"]),
        ("balanced", ["@bob"]),
        ("dormant", ["@eve"]),
        ("helpful_received", ["second post", "@carol"]),
        ("replies", ["A reply"]),
    ],
)
def test_every_number_drills_down_to_posts_and_people(client, alice, network, key, expected):
    client.force_login(alice)
    response = client.get(f"/insights/{key}/")
    assert response.status_code == 200
    page = response.content.decode()
    for text in expected:
        assert text in page


def test_unknown_drill_down_is_404(client, alice):
    client.force_login(alice)
    assert client.get("/insights/nothing_here/").status_code == 404


def test_bad_window_is_a_clear_400(client, alice):
    client.force_login(alice)
    response = client.get("/insights/?since=yesterday")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    response = client.get("/insights/export.csv?since=2999-01-01")
    assert response.status_code == 400 and b"start before" in response.content
    assert client.get("/insights/export.csv?table=secrets").status_code == 400


def test_window_since_a_date(client, alice, network):
    client.force_login(alice)
    response = client.get("/insights/?since=2026-01-01")
    assert response.status_code == 200
    assert "From 2026-01-01" in response.content.decode()


def test_json_and_csv_downloads(client, alice, network):
    client.force_login(alice)
    response = client.get("/insights/export.json")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = response.json()
    assert data["two_way"]["conversations"] == 1
    kinds = {(row["kind"], row["direction"], row["person"]) for row in data["interactions"]}
    assert ("reply", "in", "@bob") in kinds and ("repost", "in", "@carol") in kinds
    metrics = dict(csv.reader(io.StringIO(client.get("/insights/export.csv").content.decode())))
    assert metrics["two_way.posts"] == "2" and metrics["strangers.connections"] == "2"
    rows = list(
        csv.DictReader(io.StringIO(client.get("/insights/export.csv?table=posts").content.decode()))
    )
    assert {r["snippet"]: r["verdict"] for r in rows} == {
        "first post": "conversation",
        "second post": "echo",
    }
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/insights/export.csv?table=interactions").content.decode())
        )
    )
    assert any(
        (r["kind"], r["direction"], r["person"], r["count"]) == ("helpful", "in", "@carol", "1")
        for r in rows
    )


def test_a_blocked_person_is_on_no_insights_surface(client, alice, carol, network):
    block_create(blocker=carol, blocked=alice)
    client.force_login(alice)
    pages = [client.get("/insights/").content, client.get("/insights/export.json").content]
    pages += [
        client.get(f"/insights/export.csv?table={t}").content
        for t in ("metrics", "posts", "relationships", "interactions")
    ]
    pages += [client.get(f"/insights/{k}/").content for k in ("helpful_received", "echoed")]
    for content in pages:
        assert b"carol" not in content.lower()
