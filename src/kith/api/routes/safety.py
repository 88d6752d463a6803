"""Blocks, mutes and private notes in the native API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from kith.api import auth
from kith.api.routes.follows import (
    ERRORS,
    RelationshipOut,
    optional_body,
    optional_body_doc,
    page_before,
    relationship_dict,
)
from kith.api.routes.people import PageQuery
from kith.api.schemas import PersonSummaryOut
from kith.api.serializers import person_summary_dict
from kith.people.access import access_person
from kith.people.validators import normalise_handle
from kith.relationships.access import blocks_of, mutes_of, note_of
from kith.relationships.actions import safety as actions

router = Router(tags=["blocks, mutes and notes"], auth=auth.required)


class BlockOut(Schema):
    id: str
    person: PersonSummaryOut
    created_at: datetime


class MuteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    duration: Literal["1h", "1d", "7d", "forever"] = "forever"


class MuteOut(Schema):
    id: str
    person: PersonSummaryOut
    expires_at: datetime | None = Field(description="null: until you unmute")
    created_at: datetime


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(max_length=20_000, description="Empty removes the note")


class NoteOut(Schema):
    person: PersonSummaryOut
    body: str


@router.get("/me/blocks", response={200: list[BlockOut], **ERRORS}, summary="People I blocked")
def list_blocks(request, page: Query[PageQuery]):
    return [
        {"id": str(b.pk), "person": person_summary_dict(b.blocked), "created_at": b.created_at}
        for b in page_before(blocks_of(request.auth), page)
    ]


@router.post(
    "/people/{handle}/block", response={200: RelationshipOut, **ERRORS}, summary="Block a person"
)
def block(request, handle: str):
    """Block: they no longer see you; your connection, follows both ways and open
    invitations between you end. They are not told."""
    person = access_person(request.auth, handle)
    actions.block_create(blocker=request.auth, blocked=person)
    return relationship_dict(request.auth, person)


@router.delete(
    "/people/{handle}/block", response={200: RelationshipOut, **ERRORS}, summary="Unblock"
)
def unblock(request, handle: str):
    # Looked up among your blocks, so you can unblock someone who has also blocked you.
    block = blocks_of(request.auth).filter(blocked__handle=normalise_handle(handle)).first()
    if block is None:
        raise Http404("You have not blocked this person.")
    actions.block_remove(blocker=request.auth, blocked=block.blocked)
    return relationship_dict(request.auth, block.blocked)


@router.get("/me/mutes", response={200: list[MuteOut], **ERRORS}, summary="People I mute")
def list_mutes(request, page: Query[PageQuery]):
    """List the mutes in force (expired ones are left out), newest first."""
    return [
        {
            "id": str(m.pk),
            "person": person_summary_dict(m.muted),
            "expires_at": m.expires_at,
            "created_at": m.created_at,
        }
        for m in page_before(mutes_of(request.auth), page)
    ]


@router.post(
    "/people/{handle}/mute",
    response={200: RelationshipOut, **ERRORS},
    summary="Mute a person",
    openapi_extra=optional_body_doc(MuteIn),
)
def mute(request, handle: str):
    """Mute for `duration` (1h, 1d, 7d or forever): their posts and notifications stay out of
    your way. They are not told."""
    payload = optional_body(request, MuteIn)
    person = access_person(request.auth, handle)
    duration = payload.duration if payload else "forever"
    actions.mute_create(muter=request.auth, muted=person, duration=duration)
    return relationship_dict(request.auth, person)


@router.delete("/people/{handle}/mute", response={200: RelationshipOut, **ERRORS}, summary="Unmute")
def unmute(request, handle: str):
    person = access_person(request.auth, handle)
    actions.mute_remove(muter=request.auth, muted=person)
    return relationship_dict(request.auth, person)


@router.get(
    "/people/{handle}/note", response={200: NoteOut, **ERRORS}, summary="My note on a person"
)
def get_note(request, handle: str):
    """Return your private note on a person ("" when you have none). Only you see it."""
    person = access_person(request.auth, handle)
    return {"person": person_summary_dict(person), "body": note_of(request.auth, person)}


@router.put("/people/{handle}/note", response={200: NoteOut, **ERRORS}, summary="Write my note")
def put_note(request, handle: str, payload: NoteIn):
    person = access_person(request.auth, handle)
    note = actions.note_set(author=request.auth, subject=person, body=payload.body)
    return {"person": person_summary_dict(person), "body": note.body if note else ""}


@router.delete("/people/{handle}/note", response={200: NoteOut, **ERRORS}, summary="Remove my note")
def delete_note(request, handle: str):
    person = access_person(request.auth, handle)
    actions.note_set(author=request.auth, subject=person, body="")
    return {"person": person_summary_dict(person), "body": ""}
