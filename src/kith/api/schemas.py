"""Request and response shapes of the native API. Ids are strings, as 64-bit ids overflow JS."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

FieldKindName = Literal[
    "job_title", "organisation", "location", "phone", "email", "website", "custom"
]
VisibilityName = Literal["public", "connections", "only_me"]
PolicyName = Literal["anyone", "met", "intro_call", "connections_of_connections"]


class ErrorOut(Schema):
    error: str
    detail: object = None


class ContactFieldOut(Schema):
    id: str
    kind: FieldKindName
    label: str
    value: str
    visibility: VisibilityName
    position: int
    updated_at: datetime


class ContactFieldIn(Schema):
    model_config = ConfigDict(extra="forbid")
    kind: FieldKindName
    value: str = Field(max_length=1000)
    visibility: VisibilityName = "connections"
    label: str = Field("", max_length=200)
    announce: bool | None = Field(
        None, description="Tell connections; default: yes for job, organisation, location"
    )


class ContactFieldPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    value: str | None = Field(None, max_length=1000)
    visibility: VisibilityName | None = None
    label: str | None = Field(None, max_length=200)
    announce: bool | None = Field(
        None, description="Tell connections; default: yes for job, organisation, location"
    )


class FieldOrderIn(Schema):
    model_config = ConfigDict(extra="forbid")
    field_ids: list[str] = Field(max_length=100)


class PersonSummaryOut(Schema):
    id: str
    handle: str
    display_name: str
    avatar_url: str
    url: str


class PersonOut(PersonSummaryOut):
    bio: str
    interests: list[str]
    fields: list[ContactFieldOut]
    connected: bool
    connected_since: datetime | None
    how_met: str | None
    joined_at: datetime


class MeOut(PersonOut):
    email: str
    email_confirmed: bool
    reading_capacity: int
    invitation_policy: PolicyName
    is_locked: bool
    close_replies_after_days: int = Field(description="Replies to new posts close; 0: never")
    require_alt_text: bool = Field(description="Images on my posts need a description")
    findable_by_email: bool = Field(
        description="People who import an address book with my email address may find me"
    )


class MePatch(Schema):
    model_config = ConfigDict(extra="forbid")
    display_name: str | None = Field(None, max_length=1000)
    bio: str | None = Field(None, max_length=10000)
    interests: list[str] | None = Field(None, max_length=100)
    reading_capacity: int | None = None
    invitation_policy: PolicyName | None = None
    is_locked: bool | None = Field(None, description="Follows need your approval")
    close_replies_after_days: int | None = Field(
        None, description="Close replies to new posts after this many days; 0: never"
    )
    require_alt_text: bool | None = Field(None, description="Refuse images without alt text")
    findable_by_email: bool | None = Field(
        None, description="Let people who import an address book with my email find me"
    )


class TokenOut(Schema):
    id: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
