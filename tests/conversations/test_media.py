"""Post images: checked uploads, drafts attached on publishing, thumbnails, guarded files."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from PIL import Image

from kith.conversations import actions
from kith.conversations.media import media_storage
from kith.conversations.models import Media, Post
from kith.conversations.tasks import make_media_thumbnail
from kith.people.actions import person_update_profile
from kith.web.media_form import media_ids_from_request
from tests.conversations.visibility_cases import CASES, SEES, client_for, viewers  # noqa: F401


def image_bytes(fmt="PNG", size=(40, 30), exif=False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    if exif:
        data = Image.Exif()
        data[0x010F] = "SpyCam"  # Make
        data[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS
        image.save(out, format=fmt, exif=data.tobytes())
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def stored_files() -> set[str]:
    storage = media_storage()
    return set(storage.listdir("")[1]) if storage.exists("") else set()


@pytest.fixture(autouse=True)
def _own_media_store(settings, tmp_path):
    """Give each test its own store, so "nothing stored" can be checked (xdist shares VAR_DIR)."""
    settings.VAR_DIR = tmp_path


@pytest.fixture
def upload(alice):
    def make(owner=alice, alt_text="An orange square", **kwargs):
        return actions.media_upload(owner=owner, data=image_bytes(**kwargs), alt_text=alt_text)

    return make


def test_upload_is_a_webp_draft_without_exif(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        media = actions.media_upload(owner=alice, data=image_bytes("JPEG", exif=True))
    assert media.is_draft and media.owner == alice and (media.width, media.height) == (40, 30)
    with media_storage().open(media.file, "rb") as handle:
        stored = Image.open(io.BytesIO(handle.read()))
        assert stored.format == "WEBP" and not stored.getexif()
    media.refresh_from_db()
    assert media.thumbnail.endswith(".thumb.webp")  # made by the task, on commit


def test_thumbnail_task_is_idempotent(upload):
    media = upload()
    make_media_thumbnail.call(media.pk)
    media.refresh_from_db()
    first = media.thumbnail
    make_media_thumbnail.call(media.pk)
    make_media_thumbnail.call(10**15)  # gone: nothing happens
    media.refresh_from_db()
    assert first and media.thumbnail == first
    assert len([n for n in stored_files() if n.endswith(".thumb.webp")]) >= 1


@pytest.mark.parametrize(
    ("data", "limits", "code"),
    [
        (b"%PDF-1.4 not an image", {}, "not an image"),
        (b"", {}, "empty"),
        (image_bytes(size=(50, 50)), {"KITH_MEDIA_MAX_BYTES": 100}, "the limit is"),
        (image_bytes(size=(50, 50)), {"KITH_MEDIA_MAX_PIXELS": 100}, "pixels"),
    ],
    ids=["not-an-image", "empty", "too-many-bytes", "too-many-pixels"],
)
def test_bad_uploads_are_refused_through_the_api_and_nothing_is_stored(
    alice, api, token_for, settings, data, limits, code
):
    for name, value in limits.items():
        setattr(settings, name, value)
    before = stored_files()
    response = api(
        "post",
        "/media",
        token=token_for(alice),
        data={"file": io.BytesIO(data), "alt_text": "x"},
    )
    assert response.status_code == 422, response.content
    assert code in response.content.decode()
    assert not Media.objects.exists() and stored_files() == before


def test_api_upload_describe_list_and_remove(alice, carol, api, token_for):
    token = token_for(alice)
    made = api("post", "/media", token=token, data={"file": io.BytesIO(image_bytes())})
    assert made.status_code == 201
    media_id = made.json()["id"]
    assert made.json()["post_id"] is None and made.json()["url"].startswith("http://testserver/")
    changed = api("patch", f"/media/{media_id}", token=token, json={"alt_text": "A cat"})
    assert changed.json()["alt_text"] == "A cat"
    assert [m["id"] for m in api("get", "/media", token=token).json()] == [media_id]
    # Someone else's image is missing to them.
    assert api("get", f"/media/{media_id}", token=token_for(carol)).status_code == 404
    assert api("delete", f"/media/{media_id}", token=token_for(carol)).status_code == 404
    assert api("delete", f"/media/{media_id}", token=token).status_code == 204
    assert not Media.objects.exists()


def test_publish_attaches_drafts_in_order(alice, upload, publish):
    first, second = upload(alt_text="one"), upload(alt_text="two")
    post = publish(alice, "Two pictures", media_ids=[str(second.pk), first.pk])
    assert list(Media.objects.filter(post=post).values_list("alt_text", "position")) == [
        ("two", 0),
        ("one", 1),
    ]


def test_too_many_attachments_publish_nothing(alice, upload, publish):
    ids = [upload().pk for _ in range(5)]
    with pytest.raises(ValidationError) as refused:
        publish(alice, "Five pictures", media_ids=ids)
    assert "at most 4" in str(refused.value)
    assert not Post.objects.filter(author=alice).exists()
    assert not Media.objects.filter(post__isnull=False).exists()
    with pytest.raises(ValidationError):
        actions.media_upload_many(owner=alice, files=[image_bytes()] * 5)
    assert Media.objects.count() == 5


def test_someone_elses_or_attached_media_cannot_be_attached(alice, bob, upload, publish):
    bobs = upload(owner=bob)
    with pytest.raises(ValidationError):
        publish(alice, "Not mine", media_ids=[bobs.pk])
    mine = upload()
    publish(alice, "First", media_ids=[mine.pk])
    with pytest.raises(ValidationError):
        publish(alice, "Again", media_ids=[mine.pk])
    assert Post.objects.filter(author=alice).count() == 1


def test_missing_alt_text_is_refused_when_the_author_requires_it(alice, upload, publish):
    person_update_profile(person=alice, require_alt_text=True)
    bare = upload(alt_text="")
    with pytest.raises(ValidationError) as refused:
        publish(alice, "Undescribed", media_ids=[bare.pk])
    assert "alt text" in str(refused.value)
    assert not Post.objects.filter(author=alice).exists() and Media.objects.get().is_draft
    actions.media_set_alt_text(media=bare, by=alice, alt_text="A described square")
    post = publish(alice, "Described", media_ids=[bare.pk])
    bare.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.media_set_alt_text(media=bare, by=alice, alt_text="  ")
    assert bare.post == post


def test_attach_media_to_an_existing_post(alice, carol, upload, publish):
    post = publish(alice, "Later pictures")
    media = actions.attach_media(post=post, by=alice, media_ids=[upload().pk])
    assert [m.post_id for m in media] == [post.pk]
    with pytest.raises(ValidationError):
        actions.attach_media(post=post, by=carol, media_ids=[upload(owner=carol).pk])
    with pytest.raises(ValidationError):
        actions.attach_media(post=post, by=alice, media_ids=[upload().pk for _ in range(4)])


def test_web_form_uploads_drafts_for_publishing(alice, publish):
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = RequestFactory().post(
        "/compose",
        {
            "media": [SimpleUploadedFile(f"{i}.png", image_bytes()) for i in range(2)],
            "media_alt": ["first", "second"],
        },
    )
    request.user = alice
    ids = media_ids_from_request(request)
    post = publish(alice, "From the web", media_ids=ids)
    assert list(Media.objects.filter(post=post).values_list("alt_text", flat=True)) == [
        "first",
        "second",
    ]
    request = RequestFactory().post("/compose", {"media": [SimpleUploadedFile("x.txt", b"hello")]})
    request.user = alice
    with pytest.raises(ValidationError):
        media_ids_from_request(request)
    assert Media.objects.count() == 2


def test_drafts_are_their_owners_alone(alice, carol, upload, client):
    media = upload()
    assert client.get(media.url).status_code == 404
    client.force_login(carol)
    assert client.get(media.url).status_code == 404
    client.force_login(alice)
    response = client.get(media.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert "no-store" in response["Cache-Control"]


def test_files_are_not_reachable_through_the_public_media_path(alice, upload, client):
    media = upload()
    assert client.get(f"/media/{media.file}").status_code == 404
    assert client.get(f"/media/../post-media/{media.file}").status_code == 404
    assert client.get("/media/posts/../kith.sqlite3").status_code == 404


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
def test_media_url_truth_table(
    alice,
    viewers,  # noqa: F811
    upload,
    publish,
    client,
    visibility,
    relationship,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        media = upload()
    post = publish(alice, "Look @mo @blake", visibility=visibility, media_ids=[media.pk])
    media.refresh_from_db()
    browser = client_for(client, viewers[relationship])
    for url in (media.url, media.thumbnail_url):
        response = browser.get(url)
        if relationship in SEES[visibility]:
            assert response.status_code == 200
            public = visibility == "public"
            assert ("public" in response["Cache-Control"]) is public
        else:
            assert response.status_code == 404
    actions.post_delete(post=post, by=alice)
    assert browser.get(media.url).status_code == 404
    assert not Media.objects.exists()


def test_web_form_slots_keep_each_description_with_its_image(alice, publish):
    """Slots 1 and 3 filled: the descriptions of empty slots do not shift onto other images."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    request = RequestFactory().post(
        "/compose",
        {
            "media_1": SimpleUploadedFile("a.png", image_bytes()),
            "media_alt_1": "first",
            "media_alt_2": "",
            "media_3": SimpleUploadedFile("c.png", image_bytes()),
            "media_alt_3": "third",
            "media_alt_4": "",
        },
    )
    request.user = alice
    post = publish(alice, "Slots", media_ids=media_ids_from_request(request))
    assert list(Media.objects.filter(post=post).values_list("alt_text", flat=True)) == [
        "first",
        "third",
    ]


def test_api_publishes_with_images_and_shows_them_only_to_who_may_see_the_post(
    alice, bob, carol, api, token_for, upload
):
    from kith.relationships.actions.connections import connection_create

    connection_create(person=alice, other=bob, how_met="worked_together")
    token = token_for(alice)
    first, second = upload(alt_text="one"), upload(alt_text="two")
    made = api(
        "post",
        "/posts",
        token=token,
        json={
            "body": "Pictures",
            "visibility": "connections",
            "media_ids": [str(first.pk), str(second.pk)],
        },
    )
    assert made.status_code == 201, made.content
    media = made.json()["media"]
    assert [m["alt_text"] for m in media] == ["one", "two"]
    assert all(m["post_id"] == made.json()["id"] for m in media)
    post_id = made.json()["id"]
    seen = api("get", f"/posts/{post_id}", token=token_for(bob))
    assert [m["id"] for m in seen.json()["media"]] == [str(first.pk), str(second.pk)]
    thread = api("get", f"/posts/{post_id}/context", token=token_for(bob)).json()
    assert thread["rows"][0]["post"]["media"] == seen.json()["media"]
    # A stranger sees neither the post nor its files.
    assert api("get", f"/posts/{post_id}", token=token_for(carol)).status_code == 404
    path = media[0]["url"].removeprefix("http://testserver")
    client = Client()
    client.force_login(carol)
    assert client.get(path).status_code == 404
    client.force_login(bob)
    assert client.get(path).status_code == 200


def test_api_refuses_a_fifth_image_and_publishes_nothing(alice, api, token_for, upload):
    ids = [str(upload().pk) for _ in range(5)]
    refused = api(
        "post", "/posts", token=token_for(alice), json={"body": "Too many", "media_ids": ids}
    )
    assert refused.status_code == 422
    assert "media" in refused.content.decode()
    assert not Post.objects.exists() and not Media.objects.filter(post__isnull=False).exists()


def test_alt_text_requirement_is_a_setting_of_the_api_and_the_web(alice, api, token_for, client):
    token = token_for(alice)
    changed = api("patch", "/me", token=token, json={"require_alt_text": True})
    assert changed.status_code == 200 and changed.json()["require_alt_text"] is True
    draft = api("post", "/media", token=token, data={"file": io.BytesIO(image_bytes())})
    refused = api(
        "post", "/posts", token=token, json={"body": "No alt", "media_ids": [draft.json()["id"]]}
    )
    assert refused.status_code == 422 and "alt text" in refused.content.decode()
    client.force_login(alice)
    page = client.get("/settings/profile/")
    assert b"Require a description (alt text)" in page.content
    form = {
        "display_name": "Alice",
        "reading_capacity": 100,
        "invitation_policy": "anyone",
        "close_replies_after_days": 7,
    }
    assert client.post("/settings/profile/", form).status_code == 302
    alice.refresh_from_db()
    assert alice.require_alt_text is False and alice.close_replies_after_days == 7
