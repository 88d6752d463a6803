"""Media on the Mastodon API: upload (v1, v2), read, describe; bad uploads store nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from kith.conversations import actions
from kith.conversations.media import media_storage
from kith.conversations.models import Media
from tests.mastodon.conftest import png
from tests.mastodon.oauth_helpers import bearer, user_token


def _file(data: bytes, name="a.png", content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.parametrize("path", ["/api/v1/media", "/api/v2/media"])
def test_upload_an_image(alice, path):
    token = user_token(alice, scope="write:media")
    answer = Client().post(
        path, {"file": _file(png(80, 60)), "description": "A square"}, **bearer(token)
    )
    assert answer.status_code == 200, answer.content
    data = answer.json()
    media = Media.objects.get(pk=int(data["id"]))
    assert media.owner_id == alice.pk and media.alt_text == "A square"
    assert data["type"] == "image" and data["url"].endswith(media.url)
    assert data["meta"]["original"]["width"] == 80


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: {"file": _file(b"not an image", "a.txt", "text/plain")}, id="type"),
        pytest.param(lambda: {"description": "no file"}, id="missing"),
        pytest.param(lambda: {"file": "just text"}, id="string"),
        pytest.param(lambda: {"file": _file(png()), "focus": "2,9"}, id="focus"),
        pytest.param(lambda: {"file": _file(png()), "description": "x" * 2000}, id="alt"),
    ],
)
def test_bad_uploads_store_nothing(alice, upload):
    token = user_token(alice, scope="write")
    answer = Client().post("/api/v2/media", upload(), **bearer(token))
    assert answer.status_code == 422, answer.content
    assert answer.json()["error"].startswith("Validation failed")
    assert not Media.objects.exists()


@override_settings(KITH_MEDIA_MAX_BYTES=1000)
def test_oversized_upload_is_refused(alice):
    before = set(media_storage().listdir("")[1]) if media_storage().exists("") else set()
    token = user_token(alice, scope="write")
    answer = Client().post(
        "/api/v1/media", {"file": _file(png(400, 400) + b"0" * 2000)}, **bearer(token)
    )
    assert answer.status_code == 422
    assert "File size" in answer.json()["error"]
    assert not Media.objects.exists()
    after = set(media_storage().listdir("")[1]) if media_storage().exists("") else set()
    assert after == before


def test_upload_needs_write_media(alice):
    token = user_token(alice, scope="read")
    answer = Client().post("/api/v2/media", {"file": _file(png())}, **bearer(token))
    assert answer.status_code == 403
    assert not Media.objects.exists()


def test_get_and_describe_own_media_only(alice, carol):
    media = actions.media_upload(owner=alice, data=png())
    mine = user_token(alice, scope="read write")
    theirs = user_token(carol, scope="read write")
    client = Client()
    got = client.get(f"/api/v1/media/{media.pk}", **bearer(mine))
    assert got.status_code == 200 and got.json()["id"] == str(media.pk)
    assert client.get(f"/api/v1/media/{media.pk}", **bearer(theirs)).status_code == 404
    assert client.get("/api/v1/media/nope", **bearer(mine)).status_code == 404
    put = client.put(
        f"/api/v1/media/{media.pk}",
        data='{"description": "Now described", "focus": "0.5,-0.2"}',
        content_type="application/json",
        **bearer(mine),
    )
    assert put.status_code == 200, put.content
    assert put.json()["description"] == "Now described"
    refused = client.put(
        f"/api/v1/media/{media.pk}",
        data='{"description": "Stolen"}',
        content_type="application/json",
        **bearer(theirs),
    )
    assert refused.status_code == 404
    assert Media.objects.get(pk=media.pk).alt_text == "Now described"
