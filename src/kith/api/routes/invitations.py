"""Invitations, intro calls and connections in the native API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from django.http import Http404
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from kith.api import auth
from kith.api.schemas import ErrorOut, PersonSummaryOut
from kith.api.serializers import person_summary_dict
from kith.core.ids import parse_id
from kith.people.access import access_person
from kith.relationships.access import (
    access_intro_call,
    access_invitation,
    connection_list,
    invitations_of,
)
from kith.relationships.actions import intro_calls as calls
from kith.relationships.actions import invitations as inv
from kith.relationships.actions.connections import connection_remove
from kith.relationships.ics import intro_call_ics_response

router = Router(tags=["invitations"], auth=auth.required)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
HowKnown = Literal[
    "in_person", "call", "worked_together", "studied_together", "introduced", "other"
]


class InvitationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    how_known: HowKnown
    how_known_detail: str = Field("", max_length=1000)
    note: str = Field("", max_length=5000)
    introduced_by: str | None = Field(None, description="Handle of who introduced you")


class MessageOut(Schema):
    id: str
    author: str
    body: str
    created_at: datetime


class SlotOut(Schema):
    id: str
    starts_at: datetime


class IntroCallOut(Schema):
    id: str
    invitation_id: str
    host: PersonSummaryOut
    guest: PersonSummaryOut
    status: str
    time_zone: str
    duration_minutes: int
    join_url: str
    phone: str
    starts_at: datetime | None
    slots: list[SlotOut]
    sequence: int
    expires_at: datetime
    ics_url: str | None


class InvitationOut(Schema):
    id: str
    sender: PersonSummaryOut
    recipient: PersonSummaryOut
    status: str
    how_known: str
    how_known_detail: str
    introduced_by: str | None
    note: str
    created_at: datetime
    messages: list[MessageOut]
    intro_call_id: str | None


class MessageIn(Schema):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(max_length=10000)


class OfferIn(Schema):
    model_config = ConfigDict(extra="forbid")
    slots: list[str] = Field(max_length=10, description="ISO times, in time_zone if naive")
    time_zone: str = Field("UTC", max_length=64)
    duration_minutes: int = 20
    join_url: str = Field("", max_length=500)
    phone: str = Field("", max_length=100)


class PickIn(Schema):
    model_config = ConfigDict(extra="forbid")
    slot_id: str


class RescheduleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    starts_at: str
    time_zone: str | None = Field(None, max_length=64)


class ConnectionOut(Schema):
    person: PersonSummaryOut
    how_met: str
    how_met_detail: str
    since: datetime
    last_interaction_at: datetime


def invitation_dict(invitation) -> dict:
    call = getattr(invitation, "intro_call", None)  # the reverse one-to-one may be missing
    return {
        "id": str(invitation.pk),
        "sender": person_summary_dict(invitation.sender),
        "recipient": person_summary_dict(invitation.recipient),
        "status": invitation.status,
        "how_known": invitation.how_known,
        "how_known_detail": invitation.how_known_detail,
        "introduced_by": invitation.introduced_by.handle if invitation.introduced_by else None,
        "note": invitation.note,
        "created_at": invitation.created_at,
        "messages": [
            {"id": str(m.pk), "author": m.author.handle, "body": m.body, "created_at": m.created_at}
            for m in invitation.messages.select_related("author")
        ],
        "intro_call_id": str(call.pk) if call else None,
    }


def intro_call_dict(call) -> dict:
    return {
        "id": str(call.pk),
        "invitation_id": str(call.invitation_id),
        "host": person_summary_dict(call.host),
        "guest": person_summary_dict(call.guest),
        "status": call.status,
        "time_zone": call.time_zone,
        "duration_minutes": call.duration_minutes,
        "join_url": call.join_url,
        "phone": call.phone,
        "starts_at": call.starts_at,
        "slots": [{"id": str(s.pk), "starts_at": s.starts_at} for s in call.slots.all()],
        "sequence": call.sequence,
        "expires_at": call.expires_at,
        "ics_url": (
            f"{settings.BASE_URL}/api/kith/v1/intro-calls/{call.pk}/invite.ics"
            if call.starts_at
            else None
        ),
    }


# --- Invitations ----------------------------------------------------------------------------


@router.get("/invitations", response={200: list[InvitationOut], **ERRORS})
def list_invitations(request, box: Literal["received", "sent"] = "received"):
    """Return your open invitations, received or sent."""
    return [invitation_dict(i) for i in invitations_of(request.auth, box=box)[:200]]


@router.post("/people/{handle}/invitations", response={201: InvitationOut, **ERRORS})
def send_invitation(request, handle: str, payload: InvitationIn):
    """Invite someone to connect; their policy may answer at once with an intro-call offer."""
    recipient = access_person(request.auth, handle)
    introduced_by = None
    if payload.introduced_by:
        introduced_by = access_person(request.auth, payload.introduced_by)
    invitation = inv.invitation_send(
        sender=request.auth,
        recipient=recipient,
        how_known=payload.how_known,
        how_known_detail=payload.how_known_detail,
        note=payload.note,
        introduced_by=introduced_by,
    )
    return Status(201, invitation_dict(access_invitation(request.auth, invitation.pk)))


@router.get("/invitations/{invitation_id}", response={200: InvitationOut, **ERRORS})
def get_invitation(request, invitation_id: str):
    return invitation_dict(access_invitation(request.auth, invitation_id))


def _answer(action):
    def endpoint(request, invitation_id: str):
        invitation = access_invitation(request.auth, invitation_id)
        action(invitation=invitation, by=request.auth)
        return invitation_dict(access_invitation(request.auth, invitation_id))

    return endpoint


for _verb, _action in [
    ("accept", inv.invitation_accept),
    ("decline", inv.invitation_decline),
    ("withdraw", inv.invitation_withdraw),
    ("unknown", inv.invitation_mark_unknown),
]:
    router.post(
        f"/invitations/{{invitation_id}}/{_verb}",
        response={200: InvitationOut, **ERRORS},
        operation_id=f"invitation_{_verb}",
        summary=f"{_verb.title()} an invitation",
    )(_answer(_action))


@router.post("/invitations/{invitation_id}/messages", response={201: InvitationOut, **ERRORS})
def reply_to_invitation(request, invitation_id: str, payload: MessageIn):
    """Write to the other person without accepting."""
    invitation = access_invitation(request.auth, invitation_id)
    inv.invitation_reply(invitation=invitation, by=request.auth, body=payload.body)
    return Status(201, invitation_dict(invitation))


@router.post("/invitations/{invitation_id}/intro-call", response={201: IntroCallOut, **ERRORS})
def offer_intro_call(request, invitation_id: str, payload: OfferIn):
    """Answer with an intro call: offer 1–5 times."""
    invitation = access_invitation(request.auth, invitation_id)
    call = calls.invitation_offer_intro_call(
        invitation=invitation, by=request.auth, **payload.model_dump()
    )
    return Status(201, intro_call_dict(access_intro_call(request.auth, call.pk)))


# --- Intro calls ----------------------------------------------------------------------------


@router.get("/intro-calls/{call_id}", response={200: IntroCallOut, **ERRORS})
def get_intro_call(request, call_id: str):
    return intro_call_dict(access_intro_call(request.auth, call_id))


@router.post("/intro-calls/{call_id}/slots", response={200: IntroCallOut, **ERRORS})
def propose_slots(request, call_id: str, payload: OfferIn):
    """Offer (again) 1–5 times (the host)."""
    call = access_intro_call(request.auth, call_id)
    calls.intro_call_propose(call=call, by=request.auth, **payload.model_dump())
    return intro_call_dict(access_intro_call(request.auth, call_id))


@router.post("/intro-calls/{call_id}/pick", response={200: IntroCallOut, **ERRORS})
def pick_slot(request, call_id: str, payload: PickIn):
    """Pick one of the offered times (the inviter): both get a calendar invite."""
    call = access_intro_call(request.auth, call_id)
    calls.intro_call_pick(call=call, by=request.auth, slot_id=parse_id(payload.slot_id) or -1)
    return intro_call_dict(access_intro_call(request.auth, call_id))


@router.post("/intro-calls/{call_id}/reschedule", response={200: IntroCallOut, **ERRORS})
def reschedule(request, call_id: str, payload: RescheduleIn):
    call = access_intro_call(request.auth, call_id)
    calls.intro_call_reschedule(call=call, by=request.auth, **payload.model_dump())
    return intro_call_dict(access_intro_call(request.auth, call_id))


def _call_step(action):
    def endpoint(request, call_id: str):
        call = access_intro_call(request.auth, call_id)
        action(call=call, by=request.auth)
        return intro_call_dict(access_intro_call(request.auth, call_id))

    return endpoint


for _verb, _action in [
    ("cancel", calls.intro_call_cancel),
    ("talked", calls.intro_call_mark_talked),
    ("confirm", calls.intro_call_confirm_talked),
    ("no-show", calls.intro_call_mark_no_show),
]:
    router.post(
        f"/intro-calls/{{call_id}}/{_verb}",
        response={200: IntroCallOut, **ERRORS},
        operation_id=f"intro_call_{_verb.replace('-', '_')}",
        summary=f"Intro call: {_verb}",
    )(_call_step(_action))


@router.get("/intro-calls/{call_id}/invite.ics", response={200: None, **ERRORS})
def download_ics(request, call_id: str):
    """Download the calendar invite of a scheduled call."""
    call = access_intro_call(request.auth, call_id)
    return intro_call_ics_response(call, for_person=request.auth)


# --- Connections --------------------------------------------------------------------------


class ConnectionQuery(Schema):
    q: str = Field("", max_length=100)
    sort: Literal["since", "last_interaction", "name"] = "since"
    limit: int = Field(100, ge=1)


@router.get("/connections", response={200: list[ConnectionOut], **ERRORS})
def list_connections(request, query: Query[ConnectionQuery]):
    """Return your connections, searched by name or handle and sorted."""
    pairs = connection_list(request.auth, query=query.q, sort=query.sort)
    limit = min(query.limit, settings.KITH_API_PAGE_MAX)
    return [
        {
            "person": person_summary_dict(person),
            "how_met": c.how_met,
            "how_met_detail": c.how_met_detail,
            "since": c.since,
            "last_interaction_at": c.last_interaction_at,
        }
        for c, person in pairs[:limit]
    ]


@router.delete("/connections/{handle}", response={204: None, **ERRORS})
def remove_connection(request, handle: str):
    """Remove a connection, silently."""
    other = access_person(request.auth, handle)
    if not connection_remove(person=request.auth, other=other):
        raise Http404("You are not connected.")
    return Status(204, None)
