"""Every contact-field visibility × viewer × surface: a field shows exactly where it may."""

from __future__ import annotations

import pytest

from kith.people.models import Visibility
from tests.conftest import CARD_VALUES, make_person

VIEWERS = ["anonymous", "stranger", "connection", "self", "staff"]
SURFACES = ["page", "partial", "api"]
MAY_SEE = {
    "anonymous": {Visibility.PUBLIC},
    "stranger": {Visibility.PUBLIC},
    "connection": {Visibility.PUBLIC, Visibility.CONNECTIONS},
    "self": {Visibility.PUBLIC, Visibility.CONNECTIONS, Visibility.ONLY_ME},
    # Staff see what their relationship allows; moderation goes through the admin.
    "staff": {Visibility.PUBLIC},
}


def _viewer(name, alice, bob, carol, staff):
    return {"anonymous": None, "stranger": carol, "connection": bob, "self": alice, "staff": staff}[
        name
    ]


def _fetch(surface, viewer, client, token_for):
    if surface == "api":
        headers = {"Authorization": f"Bearer {token_for(viewer)}"} if viewer else {}
        return client.get("/api/kith/v1/people/alice", headers=headers)
    if viewer:
        client.force_login(viewer)
    return client.get("/@alice" if surface == "page" else "/@alice/card")


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("viewer_name", VIEWERS)
@pytest.mark.parametrize("visibility", list(Visibility))
def test_field_shows_exactly_where_allowed(
    visibility, viewer_name, surface, alice, bob, carol, staff, client, token_for
):
    viewer = _viewer(viewer_name, alice, bob, carol, staff)
    response = _fetch(surface, viewer, client, token_for)
    assert response.status_code == 200
    body = response.content.decode()
    shown = CARD_VALUES[visibility] in body
    assert shown == (visibility in MAY_SEE[viewer_name]), (
        f"{visibility} field {'leaked to' if shown else 'hidden from'} {viewer_name} on {surface}"
    )


@pytest.mark.parametrize("surface", SURFACES)
def test_api_lists_only_visible_levels(surface, alice, bob, client, token_for):
    response = client.get(
        "/api/kith/v1/people/alice", headers={"Authorization": f"Bearer {token_for(bob)}"}
    )
    levels = {f["visibility"] for f in response.json()["fields"]}
    assert levels == {"public", "connections"}


@pytest.mark.parametrize("surface", SURFACES)
def test_unconfirmed_person_is_missing_everywhere_but_to_themself(surface, db, client, token_for):
    hidden = make_person("hidden", confirmed=False)
    viewer = make_person("viewer")
    assert _fetch_handle(surface, "hidden", None, client, token_for).status_code == 404
    assert _fetch_handle(surface, "hidden", viewer, client, token_for).status_code == 404
    assert _fetch_handle(surface, "nobody", viewer, client, token_for).status_code == 404
    client.logout()
    assert _fetch_handle(surface, "hidden", hidden, client, token_for).status_code == 200


def _fetch_handle(surface, handle, viewer, client, token_for):
    if surface == "api":
        headers = {"Authorization": f"Bearer {token_for(viewer)}"} if viewer else {}
        return client.get(f"/api/kith/v1/people/{handle}", headers=headers)
    client.logout()
    if viewer:
        client.force_login(viewer)
    return client.get(f"/@{handle}" if surface == "page" else f"/@{handle}/card")


def test_missing_and_forbidden_look_the_same(db, client):
    make_person("hidden", confirmed=False)
    missing = client.get("/api/kith/v1/people/nobody")
    forbidden = client.get("/api/kith/v1/people/hidden")
    assert missing.status_code == forbidden.status_code == 404
    assert missing.json() == forbidden.json()
