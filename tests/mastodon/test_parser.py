"""Parameters as Mastodon reads them: query string, JSON, form and multipart; Rack names."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.utils.datastructures import MultiValueDict

from kith.mastodon.errors import MastodonError
from kith.mastodon.parser import nest, request_params

factory = RequestFactory()


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("limit", "20")], {"limit": "20"}),
        ([("media_ids[]", "1"), ("media_ids[]", "2")], {"media_ids": ["1", "2"]}),
        ([("types[]", "mention")], {"types": ["mention"]}),
        (
            [
                ("poll[options][]", "Tea"),
                ("poll[options][]", "Coffee"),
                ("poll[expires_in]", "300"),
            ],
            {"poll": {"options": ["Tea", "Coffee"], "expires_in": "300"}},
        ),
        (
            [
                ("fields_attributes[1][name]", "Site"),
                ("fields_attributes[0][name]", "Pronouns"),
                ("fields_attributes[0][value]", "they/them"),
                ("fields_attributes[1][value]", "https://example.org"),
            ],
            {
                "fields_attributes": [
                    {"name": "Pronouns", "value": "they/them"},
                    {"name": "Site", "value": "https://example.org"},
                ]
            },
        ),
        (
            [("source[privacy]", "private"), ("source[sensitive]", "1")],
            {"source": {"privacy": "private", "sensitive": "1"}},
        ),
        # a plain key given twice is a list; a malformed or too deep name is ignored
        ([("id", "1"), ("id", "2")], {"id": ["1", "2"]}),
        ([("a]b[", "x"), ("a[b][c][d][e][f]", "y")], {}),
        ([("id[]", "")], {"id": [""]}),
        # lists of objects (`keywords_attributes[][keyword]`, as Tusky sends them)
        (
            [
                ("keywords_attributes[][keyword]", "one"),
                ("keywords_attributes[][whole_word]", "false"),
                ("keywords_attributes[][keyword]", "two"),
                ("keywords_attributes[][whole_word]", "true"),
            ],
            {
                "keywords_attributes": [
                    {"keyword": "one", "whole_word": "false"},
                    {"keyword": "two", "whole_word": "true"},
                ]
            },
        ),
        (
            [("a[][x]", "1"), ("a[][y]", "2")],
            {"a": [{"x": "1", "y": "2"}]},
        ),
    ],
)
def test_rack_style_names_nest(pairs, expected):
    data = MultiValueDict()
    for key, value in pairs:
        data.appendlist(key, value)
    assert nest(data) == expected


def test_a_name_used_as_value_and_list_is_a_422():
    data = MultiValueDict({"poll": ["x"], "poll[options][]": ["a"]})
    with pytest.raises(MastodonError) as raised:
        nest(data)
    assert raised.value.status == 422


def test_list_fields_named_by_the_schema_are_lists_even_when_given_once():
    assert nest(MultiValueDict({"id": ["7"]}), ["id"]) == {"id": ["7"]}


def test_json_body_with_numbered_objects_becomes_lists():
    request = factory.post(
        "/api/v1/x?limit=5",
        json.dumps({"fields_attributes": {"0": {"name": "A"}, "1": {"name": "B"}}, "n": 1}),
        content_type="application/json",
    )
    assert request_params(request) == {
        "limit": "5",
        "fields_attributes": [{"name": "A"}, {"name": "B"}],
        "n": 1,
    }


def test_body_wins_over_query_string():
    request = factory.post("/api/v1/x?status=query", {"status": "body"})
    assert request_params(request)["status"] == "body"


def test_multipart_with_a_file():
    upload = SimpleUploadedFile("a.png", b"\x89PNG", content_type="image/png")
    request = factory.post("/api/v1/x", {"description": "alt", "file": upload})
    params = request_params(request)
    assert params["description"] == "alt"
    assert params["file"].name == "a.png"


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"'])
def test_bad_json_bodies_answer_in_mastodon_shape(db, body):
    response = Client().post("/api/v1/apps", body, content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"error"}


def test_a_multipart_body_without_its_boundary_is_a_400_in_mastodon_shape(db):
    # Found by schemathesis: Django's own HTML "Bad request" page answered before.
    response = Client().post("/api/v1/apps", b"client_name=x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json() == {"error": "The multipart body could not be read"}


@pytest.mark.parametrize("encoding", ["json", "form", "multipart", "query"])
def test_an_endpoint_reads_every_encoding(db, encoding):
    """POST /api/v1/apps with the same parameters in each of the four ways apps send them."""
    fields = {
        "client_name": "Enc",
        "redirect_uris": "https://app.example/cb",
        "scopes": "read write",
        "website": "https://app.example",
        "unknown_parameter": "ignored",
    }
    client = Client()
    if encoding == "json":
        response = client.post("/api/v1/apps", fields, content_type="application/json")
    elif encoding == "form":
        from urllib.parse import urlencode

        response = client.post(
            "/api/v1/apps", urlencode(fields), content_type="application/x-www-form-urlencoded"
        )
    elif encoding == "multipart":
        response = client.post("/api/v1/apps", fields)
    else:
        from urllib.parse import urlencode

        response = client.post("/api/v1/apps?" + urlencode(fields))
    assert response.status_code == 200, response.content
    app = response.json()
    assert app["name"] == "Enc"
    assert app["scopes"] == ["read", "write"]
    assert app["redirect_uris"] == ["https://app.example/cb"]
    assert app["website"] == "https://app.example"


def test_redirect_uris_as_an_array_and_scopes_as_an_array(db):
    response = Client().post(
        "/api/v1/apps",
        "client_name=Arr&redirect_uris[]=https://a.example/cb&redirect_uris[]=myapp://cb"
        "&scopes=read+follow",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200, response.content
    app = response.json()
    assert app["redirect_uris"] == ["https://a.example/cb", "myapp://cb"]
    assert app["redirect_uri"] == "https://a.example/cb\nmyapp://cb"
    assert app["scopes"] == ["read", "follow"]


class _Flags(__import__("ninja").Schema):
    sensitive: bool = False
    limit: int = 20
    ids: list[str] = []


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("false", False), ("0", False), ("True", True)],
)
def test_booleans_as_apps_send_them(raw, expected):
    parsed = _Flags.model_validate(nest(MultiValueDict({"sensitive": [raw], "ids[]": ["3"]})))
    assert parsed.sensitive is expected
    assert parsed.ids == ["3"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ({"client_name": "A\x00B", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}, "json"),
        ({"client_name": "A", "redirect_uris": ["urn:ietf:wg:oauth:2.0:oob\x00"]}, "json"),
        ("client_name=A%00B&redirect_uris=urn:ietf:wg:oauth:2.0:oob", "form"),
    ],
)
def test_nul_characters_are_refused_not_stored(db, body, content_type):
    client = Client()
    if content_type == "json":
        response = client.post("/api/v1/apps", body, content_type="application/json")
    else:
        response = client.post(
            "/api/v1/apps", body, content_type="application/x-www-form-urlencoded"
        )
    assert response.status_code == 422
    assert "NUL" in response.json()["error"]
