"""The web pages and API endpoints of imported archives: upload, progress, figures, delete."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kith.archives import samples
from kith.archives.actions import upload_path
from kith.archives.models import Archive
from tests.archives.conftest import NOTHING, stored


def _zip_bytes(tmp_path, network="linkedin") -> bytes:
    if network == "linkedin":
        return samples.linkedin_zip(tmp_path / "export.zip").read_bytes()
    files = samples.x_files() if network == "x" else samples.mastodon_files()
    return samples.write_zip(tmp_path / "a.zip", files).read_bytes()


def test_web_upload_imports_and_shows_the_figures(
    client, alice, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    assert client.get("/archives/").status_code == 200
    upload = SimpleUploadedFile("Basic_LinkedInDataExport.zip", _zip_bytes(tmp_path))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/archives/", {"network": "linkedin", "file": upload})
    archive = Archive.objects.get(owner=alice)
    assert response.status_code == 302 and response["Location"] == f"/archives/{archive.pk}/"
    assert archive.status == "done" and archive.progress == 100
    assert not upload_path(archive).exists()  # the upload is not kept once imported
    page = client.get(f"/archives/{archive.pk}/").content.decode()
    assert "On LinkedIn: 5 connections, messaged 2." in page
    assert "Connections you ever messaged" in page and "Ada Alvarez0" in page
    assert 'hx-trigger="every 1s"' not in page  # finished: no more polling
    listing = client.get("/archives/").content.decode()
    assert "On LinkedIn: 5 connections, messaged 2." in listing


def test_web_status_is_polled_while_the_import_waits(client, alice, tmp_path):
    client.force_login(alice)
    upload = SimpleUploadedFile("export.zip", _zip_bytes(tmp_path))
    client.post("/archives/", {"network": "linkedin", "file": upload})  # task not run yet
    archive = Archive.objects.get(owner=alice)
    assert archive.status == "pending" and upload_path(archive).exists()
    fragment = client.get(f"/archives/{archive.pk}/status").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "<progress" in fragment
    client.post(f"/archives/{archive.pk}/delete")
    assert not upload_path(archive).exists()
    assert stored() == NOTHING


def test_web_upload_of_a_hostile_archive_shows_why_and_keeps_no_item(
    client, alice, tmp_path, django_capture_on_commit_callbacks
):
    files = {**samples.linkedin_files(), "../../evil.csv": "x"}
    data = samples.write_zip(tmp_path / "evil.zip", files).read_bytes()
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/archives/", {"network": "linkedin", "file": SimpleUploadedFile("e.zip", data)}
        )
    archive = Archive.objects.get(owner=alice)
    assert archive.status == "failed"
    assert stored() == {**NOTHING, "archives": 1}  # the failed upload's record, no item
    page = client.get(f"/archives/{archive.pk}/").content.decode()
    assert "could not be imported" in page
    assert "../../evil.csv: &#x27;..&#x27; is not allowed" in page
    # uploading the same file again tries again (and fails the same way), no duplicate
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/archives/", {"network": "linkedin", "file": SimpleUploadedFile("e.zip", data)}
        )
    assert Archive.objects.count() == 1


def test_web_upload_twice_gives_one_archive(
    client, alice, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    data = _zip_bytes(tmp_path, "x")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/archives/", {"network": "x", "file": SimpleUploadedFile("x.zip", data)})
    before = stored()
    assert before["archives"] == 1 and before["ArchivePost"] == 6


def test_web_upload_form_errors(client, alice, settings):
    client.force_login(alice)
    response = client.post("/archives/", {"network": "myspace"})
    assert response.status_code == 400
    settings.KITH_ARCHIVE_MAX_UPLOAD_BYTES = 10
    big = SimpleUploadedFile("export.zip", b"PK" + b"\0" * 20)
    response = client.post("/archives/", {"network": "x", "file": big})
    assert response.status_code == 400
    assert "larger than 10" in response.content.decode()
    assert stored() == NOTHING


def test_web_delete_removes_everything(client, alice, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/archives/",
            {"network": "mastodon", "file": SimpleUploadedFile("m.zip", _zip_bytes(tmp_path, "m"))},
        )
    archive = Archive.objects.get()
    response = client.post(f"/archives/{archive.pk}/delete")
    assert response.status_code == 302 and response["Location"] == "/archives/"
    assert stored() == NOTHING


def test_api_upload_status_figures_delete(
    client, alice, token_for, tmp_path, django_capture_on_commit_callbacks
):
    headers = {"Authorization": f"Bearer {token_for(alice)}"}
    # The same bytes twice: a zip written again in another second holds another timestamp.
    data = _zip_bytes(tmp_path, "x")
    upload = SimpleUploadedFile("twitter.zip", data)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/kith/v1/archives", {"network": "x", "file": upload}, headers=headers
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["network"] == "x" and body["file_name"] == "twitter.zip"
    status = client.get(f"/api/kith/v1/archives/{body['id']}", headers=headers).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert (
        status["headline"] == "On X: 6 posts (2 replies, 1 repost), following 4, messaged 1 person."
    )
    figures = client.get(f"/api/kith/v1/archives/{body['id']}/figures", headers=headers).json()
    assert (figures["posts"], figures["replies"], figures["reposts"]) == (3, 2, 1)
    assert figures["talked_with"][0] == {"who": "700", "messages": 2, "replies": 0}
    again = client.post(
        "/api/kith/v1/archives",
        {"network": "x", "file": SimpleUploadedFile("copy.zip", data)},
        headers=headers,
    )
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    listed = client.get("/api/kith/v1/archives", headers=headers).json()
    assert [a["id"] for a in listed] == [body["id"]]
    assert client.delete(f"/api/kith/v1/archives/{body['id']}", headers=headers).status_code == 204
    assert stored() == NOTHING


def test_api_figures_of_an_archive_not_yet_imported_is_a_conflict(
    client, alice, token_for, tmp_path
):
    headers = {"Authorization": f"Bearer {token_for(alice)}"}
    upload = SimpleUploadedFile("export.zip", _zip_bytes(tmp_path))
    body = client.post(
        "/api/kith/v1/archives", {"network": "linkedin", "file": upload}, headers=headers
    ).json()
    assert body["status"] == "pending"
    response = client.get(f"/api/kith/v1/archives/{body['id']}/figures", headers=headers)
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("data", "status"),
    [({"network": "myspace"}, 422), ({"network": "x"}, 422)],
)
def test_api_upload_bad_input(client, alice, token_for, data, status):
    headers = {"Authorization": f"Bearer {token_for(alice)}"}
    if data.get("network") == "myspace":
        data = {**data, "file": SimpleUploadedFile("a.zip", b"PK")}
    response = client.post("/api/kith/v1/archives", data, headers=headers)
    assert response.status_code == status
    assert stored() == NOTHING


def test_api_upload_too_large_is_413(client, alice, token_for, settings):
    settings.KITH_ARCHIVE_MAX_UPLOAD_BYTES = 10
    headers = {"Authorization": f"Bearer {token_for(alice)}"}
    upload = SimpleUploadedFile("a.zip", b"PK" + b"\0" * 20)
    response = client.post(
        "/api/kith/v1/archives", {"network": "x", "file": upload}, headers=headers
    )
    assert response.status_code == 413
    assert stored() == NOTHING


def test_openapi_describes_the_archive_endpoints(client, db):
    paths = client.get("/api/kith/openapi.json").json()["paths"]
    assert set(paths["/api/kith/v1/archives"]) == {"get", "post"}
    assert set(paths["/api/kith/v1/archives/{archive_id}"]) == {"get", "delete"}
    assert "get" in paths["/api/kith/v1/archives/{archive_id}/figures"]
    assert "get" in paths["/api/kith/v1/archives/{archive_id}/comparison"]


def test_web_upload_of_connections_csv_alone(client, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    text = samples.linkedin_files(connections=4)["Connections.csv"].encode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/archives/",
            {"network": "linkedin", "file": SimpleUploadedFile("Connections.csv", text)},
        )
    archive = Archive.objects.get(owner=alice)
    assert archive.status == "done"
    assert archive.figures["headline"] == "On LinkedIn: 4 connections, messaged 0."
