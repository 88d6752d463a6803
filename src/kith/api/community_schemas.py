"""Request and response shapes of the community endpoints (`routes/communities.py`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from kith.api.post_schemas import PostOut
from kith.api.routes.people import PageQuery
from kith.api.schemas import PersonSummaryOut

PolicyName = Literal["open", "approval", "invitation"]
RoleName = Literal["member", "moderator", "owner"]
StatusName = Literal["active", "requested", "invited", "banned"]


class ViewerOut(Schema):
    status: StatusName | None = Field(description="Your standing; null: not a member")
    role: RoleName | None
    muted_until: datetime | None = None
    can_post: bool
    can_join: bool
    can_moderate: bool
    can_manage: bool


class CommunityOut(Schema):
    id: str
    slug: str
    url: str
    name: str
    description: str
    rules: list[str]
    policy: PolicyName
    members_count: int
    created_at: datetime
    viewer: ViewerOut


class CommunityIn(Schema):
    model_config = ConfigDict(extra="forbid")
    slug: str = Field(max_length=64, description="Its address: /c/<slug>")
    name: str = Field(max_length=200)
    description: str = Field("", max_length=10_000)
    rules: str = Field("", max_length=10_000, description="One rule per line")
    policy: PolicyName = "open"


class CommunityPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    rules: str | None = Field(None, max_length=10_000)
    policy: PolicyName | None = None


class MemberOut(Schema):
    id: str
    person: PersonSummaryOut
    role: RoleName
    status: StatusName
    muted: bool
    muted_until: datetime | None
    banned_until: datetime | None
    joined_at: datetime | None


class ListQuery(Schema):
    q: str = Field("", max_length=80, description="Part of the name or address")


class QuestionsQuery(PageQuery):
    limit: int = Field(20, ge=1)
    without_answers: bool = Field(False, description="Only questions nobody has answered yet")


class FeedQuery(PageQuery):
    limit: int = Field(20, ge=1)


class MembersQuery(PageQuery):
    status: StatusName = Field("active", description="Other than active: moderators only")


class HandleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    handle: str = Field(max_length=64)


class RoleIn(Schema):
    model_config = ConfigDict(extra="forbid")
    role: RoleName


class SanctionIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field("", max_length=5_000)
    days: int | None = Field(None, description="How long; null: until lifted")


class ReasonIn(Schema):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field("", max_length=5_000)


class ReportIn(Schema):
    model_config = ConfigDict(extra="forbid")
    post_id: str = Field(max_length=40)
    reason: str = Field(max_length=5_000)


class ResolveIn(Schema):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["resolved", "dismissed", "removed"] = Field(
        description="removed: the post is removed from the community too"
    )


class ReportOut(Schema):
    id: str
    post_id: str
    post: PostOut | None = Field(description="null: you may not see this post")
    reporter: PersonSummaryOut
    reason: str
    status: Literal["open", "resolved", "dismissed"]
    created_at: datetime
    resolved_at: datetime | None


class ReportsQuery(Schema):
    status: Literal["open", "resolved", "dismissed"] = "open"


class LogEntryOut(Schema):
    id: str
    action: str
    description: str
    actor: PersonSummaryOut | None
    target: PersonSummaryOut | None
    post_id: str | None
    reason: str
    until: datetime | None
    created_at: datetime


class LogQuery(Schema):
    limit: int = Field(50, ge=1)
    max_id: str | None = Field(None, pattern=r"^\d{1,20}$")
