"""An archive is its owner's alone: everyone else gets 404 from every surface (not even staff)."""

from __future__ import annotations

import pytest

from kith.archives import samples
from kith.archives.actions import archive_import
from tests.archives.conftest import stored

VIEWERS = ["owner", "connection", "stranger", "staff", "anonymous"]
WEB = [
    ("get", "/archives/{id}/"),
    ("get", "/archives/{id}/status"),
    ("post", "/archives/{id}/delete"),
]
API = [
    ("get", "/api/kith/v1/archives/{id}"),
    ("get", "/api/kith/v1/archives/{id}/figures"),
    ("get", "/api/kith/v1/archives/{id}/comparison"),
    ("delete", "/api/kith/v1/archives/{id}"),
]


@pytest.fixture
def archive(alice, tmp_path):
    return archive_import(
        owner=alice, network="linkedin", path=samples.linkedin_zip(tmp_path / "l.zip")
    )[0]


@pytest.fixture
def viewer(request, alice, bob, carol, staff):
    return {"owner": alice, "connection": bob, "stranger": carol, "staff": staff}.get(request.param)


def _expected_web(who: str, method: str) -> int:
    if who == "anonymous":
        return 302  # to the login page
    if who != "owner":
        return 404
    return 302 if method == "post" else 200


def _expected_api(who: str, method: str) -> int:
    if who == "anonymous":
        return 401
    if who != "owner":
        return 404
    return 204 if method == "delete" else 200


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
@pytest.mark.parametrize(("method", "path"), WEB)
def test_web_truth_table(client, archive, viewer, request, method, path):
    who = request.node.callspec.params["viewer"]
    if viewer is not None:
        client.force_login(viewer)
    before = stored()
    response = getattr(client, method)(path.format(id=archive.pk))
    assert response.status_code == _expected_web(who, method)
    if who != "owner":
        assert stored() == before
        assert response.status_code != 200
        assert b"Ada" not in response.content


@pytest.mark.parametrize("viewer", VIEWERS, indirect=True)
@pytest.mark.parametrize(("method", "path"), API)
def test_api_truth_table(client, archive, viewer, request, token_for, method, path):
    who = request.node.callspec.params["viewer"]
    headers = {"Authorization": f"Bearer {token_for(viewer)}"} if viewer else {}
    before = stored()
    response = getattr(client, method)(path.format(id=archive.pk), headers=headers)
    assert response.status_code == _expected_api(who, method)
    if who != "owner":
        assert stored() == before
        assert b"Ada" not in response.content


@pytest.mark.parametrize("viewer", ["connection", "stranger", "staff"], indirect=True)
def test_lists_show_only_ones_own_archives(client, archive, viewer, token_for):
    client.force_login(viewer)
    assert str(archive.pk) not in client.get("/archives/").content.decode()
    headers = {"Authorization": f"Bearer {token_for(viewer)}"}
    assert client.get("/api/kith/v1/archives", headers=headers).json() == []


def test_a_missing_or_malformed_id_is_the_same_404(client, alice, archive):
    client.force_login(alice)
    for bad in ("0", "abc", "99999999999999999999", str(archive.pk + 1)):
        assert client.get(f"/archives/{bad}/").status_code == 404
        assert client.get(f"/api/kith/v1/archives/{bad}").status_code == 404


def test_surfaces_reach_archives_only_through_the_access_module():
    import pathlib
    import re

    src = pathlib.Path(__file__).resolve().parents[2] / "src" / "kith"
    direct = re.compile(r"\bArchive\w*\.objects\b")
    offenders = [
        f"{path.relative_to(src)}:{number}"
        for path in src.rglob("*.py")
        if "archives" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if direct.search(line)
    ]
    assert not offenders, "archives read outside kith.archives: " + ", ".join(offenders)
