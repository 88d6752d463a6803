"""Invitations, intro calls and connection lists: who sees them, from every surface. 0 leaks."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from kith.people.models import InvitationPolicy
from kith.relationships.actions import intro_calls as calls
from kith.relationships.actions import invitations as inv
from kith.relationships.actions.connections import connection_create
from kith.relationships.models import IntroCall
from tests.conftest import make_person

SECRET_NOTE = "we met at the allotment, plot 42"
VIEWERS = ["anonymous", "stranger", "staff", "sender", "recipient"]
PARTIES = {"sender", "recipient"}


@pytest.fixture
def world(db):
    sender, recipient = make_person("sam"), make_person("rita")
    recipient.invitation_policy = InvitationPolicy.INTRO_CALL
    recipient.save()
    invitation = inv.invitation_send(
        sender=sender, recipient=recipient, how_known="in_person", note=SECRET_NOTE
    )
    call = IntroCall.objects.get(invitation=invitation)
    day = (timezone.now() + timedelta(days=2)).date()
    calls.intro_call_propose(
        call=call,
        by=recipient,
        time_zone="UTC",
        slots=[datetime.combine(day, time(11)).isoformat()],
    )
    calls.intro_call_pick(call=call, by=sender, slot_id=call.slots.first().pk)
    friend = make_person("secretfriend")
    connection_create(person=sender, other=friend, how_met="studied_together")
    return {
        "sender": sender,
        "recipient": recipient,
        "stranger": make_person("stella"),
        "staff": make_person("sid", is_staff=True),
        "anonymous": None,
        "invitation": invitation,
        "call": call,
    }


def _get(client, token_for, viewer, surface, path):
    client.logout()
    if surface == "api":
        headers = {"Authorization": f"Bearer {token_for(viewer)}"} if viewer else {}
        return client.get(f"/api/kith/v1{path}", headers=headers)
    if viewer:
        client.force_login(viewer)
    return client.get(path)


def _expect_hidden(response, surface, viewer_name):
    if viewer_name == "anonymous":
        assert response.status_code == (401 if surface == "api" else 302)
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("surface", ["page", "api"])
@pytest.mark.parametrize("viewer_name", VIEWERS)
def test_invitation(world, client, token_for, viewer_name, surface):
    viewer = world[viewer_name]
    path = f"/invitations/{world['invitation'].pk}" + ("/" if surface == "page" else "")
    response = _get(client, token_for, viewer, surface, path)
    if viewer_name in PARTIES:
        assert response.status_code == 200 and SECRET_NOTE in response.content.decode()
    else:
        _expect_hidden(response, surface, viewer_name)
        assert SECRET_NOTE not in response.content.decode()


@pytest.mark.parametrize("surface", ["page", "api"])
@pytest.mark.parametrize("viewer_name", ["stranger", "staff", "sender", "recipient"])
def test_invitation_lists(world, client, token_for, viewer_name, surface):
    viewer = world[viewer_name]
    if surface == "page":
        body = _get(client, token_for, viewer, surface, "/invitations/").content.decode()
    else:
        body = "".join(
            _get(client, token_for, viewer, surface, f"/invitations?box={box}").content.decode()
            for box in ("received", "sent")
        )
    assert (str(world["invitation"].pk) in body) == (viewer_name in PARTIES)
    if viewer_name not in PARTIES:
        assert SECRET_NOTE not in body


@pytest.mark.parametrize("surface", ["page", "ics", "api", "api-ics"])
@pytest.mark.parametrize("viewer_name", VIEWERS)
def test_intro_call(world, client, token_for, viewer_name, surface):
    viewer, call = world[viewer_name], world["call"]
    path = {
        "page": f"/intro-calls/{call.pk}/",
        "ics": f"/intro-calls/{call.pk}/invite.ics",
        "api": f"/intro-calls/{call.pk}",
        "api-ics": f"/intro-calls/{call.pk}/invite.ics",
    }[surface]
    kind = "api" if surface.startswith("api") else "page"
    response = _get(client, token_for, viewer, kind, path)
    if viewer_name in PARTIES:
        assert response.status_code == 200
        assert call.uid in response.content.decode() or surface in {"page", "api"}
    else:
        _expect_hidden(response, kind, viewer_name)
        assert call.uid not in response.content.decode()


@pytest.mark.parametrize("surface", ["page", "api"])
@pytest.mark.parametrize("viewer_name", ["stranger", "staff", "sender", "recipient"])
def test_connection_lists_are_private(world, client, token_for, viewer_name, surface):
    viewer = world[viewer_name]
    path = "/connections/" if surface == "page" else "/connections"
    response = _get(client, token_for, viewer, surface, path)
    assert response.status_code == 200
    assert ("secretfriend" in response.content.decode()) == (viewer_name == "sender")


@pytest.mark.parametrize("surface", ["page", "api"])
def test_anonymous_has_no_connection_list(world, client, token_for, surface):
    response = _get(
        client, token_for, None, surface, "/connections/" if surface == "page" else "/connections"
    )
    _expect_hidden(response, surface, "anonymous")
