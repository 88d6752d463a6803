"""The HTTP surface every Mastodon endpoint shares: CORS for browser apps, the rate limit and
its headers, errors in Mastodon's shape, id pagination with Link headers."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from kith.mastodon.errors import MastodonError
from kith.mastodon.pagination import PageParams, link_header, paginate
from kith.people.models import Person
from tests.conftest import make_person

ELK = "https://elk.zone"


# --- CORS ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/instance",
        "/api/v2/instance",
        "/oauth/token",
        "/oauth/revoke",
        "/.well-known/oauth-authorization-server",
    ],
)
def test_preflight_from_a_browser_app(db, path):
    response = Client().options(
        path,
        HTTP_ORIGIN=ELK,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type, idempotency-key",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    allowed = response["Access-Control-Allow-Headers"].lower()
    assert "authorization" in allowed and "idempotency-key" in allowed
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Credentials" not in response


def test_cors_answers_expose_link_and_rate_limit_headers(db):
    response = Client().get("/api/v1/instance", HTTP_ORIGIN=ELK)
    assert response["Access-Control-Allow-Origin"] == "*"
    exposed = response["Access-Control-Expose-Headers"]
    for name in ("Link", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert name in exposed


@pytest.mark.parametrize("path", ["/login/", "/api/kith/v1/me", "/oauth/authorize"])
def test_the_rest_of_the_site_stays_same_origin(db, path):
    response = Client().get(path, HTTP_ORIGIN=ELK)
    assert "Access-Control-Allow-Origin" not in response


# --- rate limit ---------------------------------------------------------------------------------
def test_rate_limit_headers_and_429(db, settings):
    settings.KITH_MASTODON_RATE_LIMIT = 3
    client = Client()
    remaining = []
    for _ in range(3):
        response = client.get("/api/v1/instance/rules")
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "3"
        assert response["X-RateLimit-Reset"].endswith("Z")
        remaining.append(response["X-RateLimit-Remaining"])
    assert remaining == ["2", "1", "0"]
    over = client.get("/api/v1/instance/rules")
    assert over.status_code == 429
    assert over.json() == {"error": "Too many requests"}
    assert over["X-RateLimit-Remaining"] == "0"
    assert int(over["Retry-After"]) > 0
    # another token has its own allowance; the web pages are not counted
    other = client.get("/api/v1/instance/rules", HTTP_AUTHORIZATION="Bearer other")
    assert other.status_code == 200
    assert other["X-RateLimit-Remaining"] == "2"
    assert client.get("/login/").status_code == 200


def test_rate_limit_off(db, settings):
    settings.KITH_MASTODON_RATE_LIMIT = 0
    response = Client().get("/api/v1/instance/rules")
    assert "X-RateLimit-Limit" not in response


def test_a_trailing_slash_is_ignored_as_mastodon_ignores_it(db):
    # Mastodon.py asks for /api/v1/instance/ and /api/v2/instance/.
    for path in ("/api/v1/instance", "/api/v2/instance", "/api/v1/instance/rules"):
        plain, slashed = Client().get(path), Client().get(path + "/")
        assert (plain.status_code, slashed.status_code) == (200, 200)
        assert slashed.json() == plain.json()
    assert Client().get("/api/v1/").status_code == 404
    # The rest of the site keeps its own slashes.
    assert Client().get("/login").status_code == 301


# --- error shapes -------------------------------------------------------------------------------
def test_a_method_a_path_does_not_take_is_a_json_405(db):
    response = Client().generic("TRACE", "/api/v1/apps")
    assert response.status_code == 405
    assert response.json() == {"error": "Method not allowed"}
    assert "POST" in response["Allow"]


def test_unknown_path_is_a_json_404(db):
    for path in ("/api/v1/nothing/here", "/api/v2/nothing"):
        response = Client().get(path)
        assert response.status_code == 404
        assert response.json() == {"error": "Record not found"}


def test_wrong_types_are_422_validation_failed(db):
    response = Client().post(
        "/api/v1/apps",
        {"client_name": {"nested": True}, "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"].startswith("Validation failed: client_name")


def test_openapi_description_is_served(db):
    response = Client().get("/api/mastodon/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/apps" in paths and "/api/v2/instance" in paths
    assert "requestBody" in paths["/api/v1/apps"]["post"]


# --- pagination ---------------------------------------------------------------------------------
@pytest.fixture
def people(db) -> list[Person]:
    return [make_person(f"p{i}") for i in range(7)]  # ids ascend with creation


def _page(query: str, **kwargs):
    request = RequestFactory().get(f"/api/v1/things?{query}")
    found = paginate(request, Person.objects.all(), **kwargs)
    return [p.handle for p in found.items], found.link


def test_newest_first_with_next_and_prev_links(people):
    handles, link = _page("limit=3&types[]=x")
    assert handles == ["p6", "p5", "p4"]
    newest, oldest = people[6].pk, people[4].pk
    assert (
        f'<http://testserver/api/v1/things?limit=3&types%5B%5D=x&max_id={oldest}>; rel="next"'
        in link
    )
    assert (
        f'<http://testserver/api/v1/things?limit=3&types%5B%5D=x&min_id={newest}>; rel="prev"'
        in link
    )


def test_max_id_since_id_min_id(people):
    ids = [p.pk for p in people]
    assert _page(f"max_id={ids[4]}&limit=2")[0] == ["p3", "p2"]
    assert _page(f"since_id={ids[1]}&limit=2")[0] == ["p6", "p5"]  # newest above since_id
    assert _page(f"min_id={ids[1]}&limit=2")[0] == ["p3", "p2"]  # just above min_id
    assert _page(f"max_id={ids[5]}&min_id={ids[1]}&limit=10")[0] == ["p4", "p3", "p2"]


def test_last_page_has_no_next_link_and_empty_page_no_link(people):
    handles, link = _page(f"max_id={people[2].pk}&limit=5")
    assert handles == ["p1", "p0"]
    assert 'rel="next"' not in link and 'rel="prev"' in link
    assert _page(f"max_id={people[0].pk}") == ([], None)


@pytest.mark.parametrize(("limit", "size"), [("0", 1), ("-5", 1), ("2", 2), ("1000", 7)])
def test_limit_is_clamped(people, limit, size):
    assert len(_page(f"limit={limit}", max_limit=40)[0]) == size


@pytest.mark.parametrize("value", ["abc", "1e5", "-3", "9" * 25])
def test_bad_cursor_is_422(people, value):
    with pytest.raises(MastodonError) as raised:
        _page(f"max_id={value}")
    assert raised.value.status == 422


def test_explicit_params_and_link_header_helper(people):
    request = RequestFactory().get("/api/v1/things")
    found = paginate(request, Person.objects.all(), PageParams(limit=1))
    assert [p.handle for p in found.items] == ["p6"]
    assert link_header(request, None, None, True) is None
    assert 'rel="next"' in link_header(request, 5, 3, True)
