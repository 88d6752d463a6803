"""`kith report` (tables and JSON against its schema) and the native API of insights."""

from __future__ import annotations

import json
import pathlib
import re

import jsonschema
import pytest
from typer.testing import CliRunner

from kith.cli import app
from kith.conversations import actions as posts
from kith.relationships.actions.connections import connection_create

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "src" / "kith" / "insights" / "report.schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text())


def validate(data: dict) -> None:
    validator = jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    validator.validate(data)


@pytest.fixture
def network(alice, bob, carol, people, publish, reply):
    eve = people("eve")
    connection_create(person=alice, other=eve, how_met="in_person")
    first = publish(alice, "first post")
    reply(alice, reply(bob, first))
    second = publish(alice, "second post")
    posts.post_repost(person=carol, post=second)
    posts.used_it_add(person=carol, post=second, story="it helped")
    posts.helpful_mark(person=alice, post=publish(bob, "bob's tip"))
    return first


def test_the_schema_in_the_docs_is_the_schema_checked():
    docs = (ROOT / "docs" / "insights.md").read_text()
    block = re.search(r"<!-- schema -->\n```json\n(.*?)\n```", docs, re.S)
    assert block, "docs/insights.md must show the JSON Schema"
    assert json.loads(block.group(1)) == SCHEMA
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_report_json_validates_against_its_schema(alice, network):
    result = CliRunner().invoke(app, ["report", "@alice", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data)
    assert data["person"] == "@alice"
    assert data["two_way"]["conversations"] == 1
    assert data["interactions"], "the underlying interactions are exported"


def test_report_json_since_a_date(alice, network):
    result = CliRunner().invoke(app, ["report", "alice", "--since", "2026-01-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate(data)
    assert data["window"]["since"].startswith("2026-01-01")


def test_the_schema_rejects_what_it_should(alice, network):
    data = json.loads(CliRunner().invoke(app, ["report", "@alice", "--json"]).stdout)
    data["two_way"]["ratio"] = 1.5
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


def test_report_tables(alice, network):
    result = CliRunner().invoke(app, ["report", "@alice"])
    assert result.exit_code == 0, result.output
    assert "50% of your posts became conversations" in result.output
    for title in ("Summary", "Response time", "Value", "Reciprocity", "Week by week"):
        assert title in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [(["report", "@nobody"], "No such person"), (["report", "@alice", "--since", "soon"], "YYYY")],
)
def test_report_bad_input(alice, args, message):
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert message in result.output


def test_api_insights(api, alice, token_for, network):
    token = token_for(alice)
    response = api("GET", "/insights", token=token)
    assert response.status_code == 200
    data = response.json()
    assert data["headline"].startswith("Last 90 days: 50%")
    assert data["value"]["helpful_given"] == 1 and data["value"]["stories_received"] == 1
    assert "interactions" not in data


def test_api_export_json_validates_against_the_schema(api, alice, token_for, network):
    response = api("GET", "/insights/export.json?since=2026-01-01", token=token_for(alice))
    assert response.status_code == 200
    validate(response.json())


def test_api_export_csv(api, alice, token_for, network):
    response = api("GET", "/insights/export.csv?table=relationships", token=token_for(alice))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[0] == "handle,name,relation,out,in,status"
    assert "bob,Bob,connection,2,1,balanced" in lines  # a reply and a helpful mark; a reply


def test_api_drill_down(api, alice, token_for, network):
    token = token_for(alice)
    response = api("GET", "/insights/stories_received", token=token)
    assert response.status_code == 200
    assert [p["story"] for p in response.json()["posts"]] == ["it helped"]
    response = api("GET", "/insights/conversations", token=token)
    assert [p["snippet"] for p in response.json()["posts"]] == ["first post"]
    assert api("GET", "/insights/nothing", token=token).status_code == 404


@pytest.mark.parametrize(
    "query", ["?since=tomorrow", "?since=2999-01-01", "?days=0", "?days=abc", "?table=x"]
)
def test_api_bad_window_is_422(api, alice, token_for, query):
    path = "/insights/export.csv" if "table" in query else "/insights"
    response = api("GET", path + query, token=token_for(alice))
    assert response.status_code == 422
    assert response.json()["error"] in ("invalid", "invalid_request")


def test_api_needs_a_token(api):
    for path in ("/insights", "/insights/export.json", "/insights/export.csv", "/insights/posts"):
        assert api("GET", path).status_code == 401


def test_openapi_describes_the_insights_endpoints(client):
    paths = client.get("/api/kith/openapi.json").json()["paths"]
    for path in (
        "/api/kith/v1/insights",
        "/api/kith/v1/insights/export.json",
        "/api/kith/v1/insights/export.csv",
        "/api/kith/v1/insights/{key}",
    ):
        assert path in paths


# The token (2), 12 interaction sources (both reactions in one), the replies and mentions
# received (read once, also as the items to answer), the reposts and quotes of one's posts
# (read once, also as counts per post), posts, their threads, messages, relations (2),
# invitations, people, attention (2), the feed and card changes: whatever the size.
QUERIES = 27


def _grow(alice, people, publish, reply, size: int) -> None:
    from kith.relationships.actions.follows import follow_create

    for i in range(size):
        other = people(f"grow{size}x{i}")
        connection_create(person=alice, other=other, how_met="in_person")
        follow_create(follower=other, target=alice)
        mine = publish(alice, f"post {i}")
        reply(alice, reply(other, mine))
        posts.helpful_mark(person=other, post=mine)


@pytest.mark.parametrize("size", [2, 12])
def test_insights_take_a_fixed_number_of_queries(
    api, alice, token_for, people, publish, reply, size, django_assert_num_queries
):
    _grow(alice, people, publish, reply, size)
    token = token_for(alice)
    with django_assert_num_queries(QUERIES):
        response = api("GET", "/insights", token=token)
    assert response.status_code == 200
    assert response.json()["two_way"]["conversations"] == size
