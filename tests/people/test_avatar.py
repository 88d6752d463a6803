"""Avatars: checked with Pillow, limited in size and pixels, EXIF stripped, cropped square."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from kith.people.models import Person


def jpeg_with_exif(width=640, height=480) -> bytes:
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam Inc."  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° to display upright
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(data: bytes, name="avatar.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_avatar_is_normalised_and_stripped(api, alice, token_for, client):
    token = token_for(alice)
    response = client.post(
        "/api/kith/v1/me/avatar",
        {"avatar": upload(jpeg_with_exif())},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.content
    alice.refresh_from_db()
    with default_storage.open(alice.avatar) as stored:
        image = Image.open(io.BytesIO(stored.read()))
    assert image.format == "WEBP" and image.size == (400, 400)
    assert not image.getexif() and "exif" not in image.info
    served = client.get(alice.avatar_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/webp"
    assert response.json()["avatar_url"].endswith(alice.avatar_url)


@pytest.mark.parametrize(
    ("data", "overrides", "message"),
    [
        (b"%PDF-1.4 definitely not an image", {}, "not an image"),
        (b"", {}, "empty"),
        (jpeg_with_exif(), {"KITH_AVATAR_MAX_BYTES": 1000}, "the limit is"),
        (jpeg_with_exif(), {"KITH_AVATAR_MAX_PIXELS": 10_000}, "pixels"),
    ],
)
def test_bad_avatars_are_refused_and_change_nothing(
    client, alice, token_for, settings, data, overrides, message
):
    for key, value in overrides.items():
        setattr(settings, key, value)
    token = token_for(alice)
    files_before = _stored_avatars()
    response = client.post(
        "/api/kith/v1/me/avatar",
        {"avatar": upload(data)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code in (400, 422), response.content
    assert message in response.content.decode()
    assert Person.objects.get(pk=alice.pk).avatar == ""
    assert _stored_avatars() == files_before


def test_avatar_web_form(client, alice):
    client.force_login(alice)
    response = client.post("/settings/avatar/", {"avatar": upload(b"GIF89a not really")})
    assert response.status_code == 400
    assert "not an image" in response.content.decode()
    response = client.post("/settings/avatar/", {"avatar": upload(jpeg_with_exif())})
    assert response.status_code == 302
    old = Person.objects.get(pk=alice.pk).avatar
    assert old
    response = client.post("/settings/avatar/", {"remove": "1"})
    assert Person.objects.get(pk=alice.pk).avatar == ""


def _stored_avatars() -> set[str]:
    try:
        return set(default_storage.listdir("avatars")[1])
    except FileNotFoundError:
        return set()
