"""Invitations: every path, policy, limit and cooldown, through the actions and the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kith.feeds.models import Notification
from kith.people.models import InvitationPolicy
from kith.relationships.access import relationship_between
from kith.relationships.actions import invitations as inv
from kith.relationships.actions.connections import connection_create
from kith.relationships.models import (
    Block,
    Connection,
    IntroCall,
    Invitation,
    InvitationStatus,
    UnknownSenderMark,
)
from tests.conftest import make_person


def send(sender, recipient, how="in_person", **kwargs):
    return inv.invitation_send(sender=sender, recipient=recipient, how_known=how, **kwargs)


def error_code(call) -> str:
    with pytest.raises(ValidationError) as error:
        call()
    if hasattr(error.value, "error_dict"):
        return next(iter(error.value.error_dict))
    return error.value.code


@pytest.fixture
def dan(db):
    return make_person("dan")


@pytest.fixture
def eve(db):
    return make_person("eve")


def test_accept_connects_and_notifies(dan, eve):
    invitation = send(dan, eve, note="We met at PyCon")
    assert Notification.objects.filter(recipient=eve, invitation=invitation).exists()
    connection = inv.invitation_accept(invitation=invitation, by=eve)
    assert connection.how_met == "in_person"
    assert relationship_between(dan, eve).connected
    assert Notification.objects.filter(recipient=dan, kind="invitation_accepted").exists()
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.ACCEPTED and invitation.responded_at


def test_decline_is_silent(dan, eve):
    invitation = send(dan, eve)
    inv.invitation_decline(invitation=invitation, by=eve)
    assert not Notification.objects.filter(recipient=dan).exists()
    assert not relationship_between(dan, eve).connected


def test_reply_without_accepting(dan, eve):
    invitation = send(dan, eve)
    inv.invitation_reply(invitation=invitation, by=eve, body="Remind me where we met?")
    inv.invitation_reply(invitation=invitation, by=dan, body="The Lisbon meetup.")
    assert [m.body for m in invitation.messages.all()] == [
        "Remind me where we met?",
        "The Lisbon meetup.",
    ]
    assert invitation.status == InvitationStatus.PENDING
    assert (
        error_code(lambda: inv.invitation_reply(invitation=invitation, by=eve, body=" ")) == "body"
    )
    stranger = make_person("frank")
    assert (
        error_code(lambda: inv.invitation_reply(invitation=invitation, by=stranger, body="hi"))
        == "not_allowed"
    )


def test_only_the_right_side_can_answer(dan, eve):
    invitation = send(dan, eve)
    assert error_code(lambda: inv.invitation_accept(invitation=invitation, by=dan)) == "not_allowed"
    assert (
        error_code(lambda: inv.invitation_withdraw(invitation=invitation, by=eve)) == "not_allowed"
    )
    inv.invitation_withdraw(invitation=invitation, by=dan)
    assert error_code(lambda: inv.invitation_accept(invitation=invitation, by=eve)) == "closed"


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        ("self", "self"),
        ("connected", "connected"),
        ("duplicate", "duplicate"),
        ("invited_you", "invited_you"),
        ("blocked_by_recipient", "blocked"),
        ("blocked_recipient", "blocked"),
        ("unknown", "unknown"),
    ],
)
def test_refused_invitations(dan, eve, setup, code):
    recipient = eve
    if setup == "self":
        recipient = dan
    elif setup == "connected":
        connection_create(person=dan, other=eve, how_met="call")
    elif setup == "duplicate":
        send(dan, eve)
    elif setup == "invited_you":
        send(eve, dan)
    elif setup == "blocked_by_recipient":
        Block.objects.create(blocker=eve, blocked=dan)
    elif setup == "blocked_recipient":
        Block.objects.create(blocker=dan, blocked=eve)
    elif setup == "unknown":
        inv.invitation_mark_unknown(invitation=send(dan, eve), by=eve)
    before = Invitation.objects.count()
    assert error_code(lambda: send(dan, recipient)) == code
    assert Invitation.objects.count() == before


@pytest.mark.parametrize(
    ("how", "kwargs", "field"),
    [
        ("knitting_circle", {}, "how_known"),
        ("other", {}, "how_known_detail"),
        ("introduced", {}, "introduced_by"),
        ("in_person", {"note": "x" * 1001}, "note"),
        ("in_person", {"how_known_detail": "x" * 201}, "how_known_detail"),
    ],
)
def test_bad_invitation_input(dan, eve, how, kwargs, field):
    with pytest.raises(ValidationError) as error:
        send(dan, eve, how=how, **kwargs)
    assert field in error.value.message_dict
    assert not Invitation.objects.exists()


def test_withdraw_cooldown(dan, eve, settings):
    invitation = send(dan, eve)
    inv.invitation_withdraw(invitation=invitation, by=dan)
    with pytest.raises(ValidationError) as error:
        send(dan, eve)
    assert error.value.code == "cooldown" and "again after" in error.value.messages[0]
    Invitation.objects.filter(pk=invitation.pk).update(
        responded_at=timezone.now() - timedelta(days=settings.KITH_REINVITE_COOLDOWN_DAYS + 1)
    )
    assert send(dan, eve).status == InvitationStatus.PENDING


def test_weekly_limit_says_when_the_next_is_possible(dan, settings):
    settings.KITH_INVITATIONS_PER_WEEK = 3
    people = [make_person(f"p{i}") for i in range(4)]
    for person in people[:3]:
        send(dan, person)
    with pytest.raises(ValidationError) as error:
        send(dan, people[3])
    assert error.value.code == "weekly_limit"
    assert "send the next one after" in error.value.messages[0]
    Invitation.objects.update(created_at=timezone.now() - timedelta(days=8))
    send(dan, people[3])


def test_five_unknown_marks_restrict_for_a_week(dan):
    markers = [make_person(f"m{i}") for i in range(6)]
    for marker in markers[:5]:
        inv.invitation_mark_unknown(invitation=send(dan, marker), by=marker)
    assert UnknownSenderMark.objects.filter(sender=dan).count() == 5
    with pytest.raises(ValidationError) as error:
        send(dan, markers[5])
    assert error.value.code == "restricted" and "until" in error.value.messages[0]
    UnknownSenderMark.objects.update(created_at=timezone.now() - timedelta(days=8))
    send(dan, markers[5])


@pytest.mark.parametrize(
    ("policy", "how", "mutual", "expected"),
    [
        (InvitationPolicy.ANYONE, "other", False, "pending"),
        (InvitationPolicy.MET, "in_person", False, "pending"),
        (InvitationPolicy.MET, "call", False, "pending"),
        (InvitationPolicy.MET, "worked_together", False, "refused"),
        (InvitationPolicy.INTRO_CALL, "in_person", False, "intro_offered"),
        (InvitationPolicy.FRIENDS_OF_FRIENDS, "in_person", True, "pending"),
        (InvitationPolicy.FRIENDS_OF_FRIENDS, "in_person", False, "intro_offered"),
    ],
)
def test_invitation_policy(dan, eve, policy, how, mutual, expected):
    eve.invitation_policy = policy
    eve.save()
    if mutual:
        friend = make_person("friend")
        connection_create(person=dan, other=friend, how_met="call")
        connection_create(person=eve, other=friend, how_met="call")
    kwargs = {"how_known_detail": "a forum"} if how == "other" else {}
    if expected == "refused":
        with pytest.raises(ValidationError) as error:
            send(dan, eve, how=how)
        assert "met in person" in str(error.value)
        assert not Invitation.objects.exists()
        return
    invitation = send(dan, eve, how=how, **kwargs)
    assert invitation.status == expected
    assert IntroCall.objects.filter(invitation=invitation).exists() == (expected == "intro_offered")


# --- Through the API --------------------------------------------------------------------------


def test_api_invitation_flow(api, dan, eve, token_for):
    dan_token, eve_token = token_for(dan), token_for(eve)
    response = api(
        "POST",
        "/people/eve/invitations",
        token=dan_token,
        json={"how_known": "worked_together", "note": "From the Lumen project"},
    )
    assert response.status_code == 201, response.content
    invitation_id = response.json()["id"]
    received = api("GET", "/invitations?box=received", token=eve_token).json()
    assert [i["id"] for i in received] == [invitation_id]
    response = api(
        "POST",
        f"/invitations/{invitation_id}/messages",
        token=eve_token,
        json={"body": "Which team were you on?"},
    )
    assert response.status_code == 201
    assert api("POST", f"/invitations/{invitation_id}/accept", token=dan_token).status_code == 422
    response = api("POST", f"/invitations/{invitation_id}/accept", token=eve_token)
    assert response.json()["status"] == "accepted"
    names = [c["person"]["handle"] for c in api("GET", "/connections", token=dan_token).json()]
    assert names == ["eve"]
    assert api("DELETE", "/connections/eve", token=dan_token).status_code == 204
    assert api("GET", "/connections", token=dan_token).json() == []
    assert api("DELETE", "/connections/eve", token=dan_token).status_code == 404


@pytest.mark.parametrize(
    ("path", "payload", "status"),
    [
        ("/people/dan/invitations", {"how_known": "in_person"}, 422),  # yourself
        ("/people/nobody/invitations", {"how_known": "in_person"}, 404),
        ("/people/eve/invitations", {"how_known": "telepathy"}, 422),
        ("/people/eve/invitations", {"how_known": "in_person", "extra": 1}, 422),
        ("/people/eve/invitations", {"how_known": "introduced", "introduced_by": "ghost"}, 404),
    ],
)
def test_api_bad_invitations(api, dan, eve, token_for, path, payload, status):
    response = api("POST", path, token=token_for(dan), json=payload)
    assert response.status_code == status, response.content
    assert "error" in response.json()
    assert not Invitation.objects.exists()


def test_invitations_are_private_to_the_two(api, dan, eve, carol, token_for, client):
    invitation = send(dan, eve, note="private note")
    assert api("GET", f"/invitations/{invitation.pk}", token=token_for(carol)).status_code == 404
    assert api("GET", f"/invitations/{invitation.pk}").status_code == 401
    assert (
        api("POST", f"/invitations/{invitation.pk}/accept", token=token_for(carol)).status_code
        == 404
    )
    client.force_login(carol)
    assert client.get(f"/invitations/{invitation.pk}/").status_code == 404
    assert "private note" not in client.get("/invitations/").content.decode()
    client.force_login(eve)
    assert "private note" in client.get(f"/invitations/{invitation.pk}/").content.decode()


def test_blocked_person_cannot_find_the_blocker_to_invite(api, dan, eve, token_for):
    Block.objects.create(blocker=eve, blocked=dan)
    response = api(
        "POST", "/people/eve/invitations", token=token_for(dan), json={"how_known": "call"}
    )
    assert response.status_code == 404


# --- Through the web --------------------------------------------------------------------------


def test_web_invite_accept(client, dan, eve):
    client.force_login(dan)
    page = client.get("/@eve")
    assert "/@eve/invite/" in page.content.decode()
    response = client.post("/@eve/invite/", {"how_known": "in_person", "note": "Hi!"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    client.force_login(eve)
    assert "Hi!" in client.get("/invitations/").content.decode()
    response = client.post(f"/invitations/{invitation.pk}/accept/")
    assert response.status_code == 302
    assert Connection.objects.count() == 1
    assert "Dan" in client.get("/connections/?q=da").content.decode()
    assert "Dan" not in client.get("/connections/?q=zzz").content.decode()


def test_web_invite_bad_input(client, dan, eve):
    client.force_login(dan)
    response = client.post("/@eve/invite/", {"how_known": "other"})
    assert response.status_code == 400
    assert "how you know each other" in response.content.decode()
    assert not Invitation.objects.exists()
