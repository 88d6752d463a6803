"""Follows, follow requests, followers and the attention budget in the native API.

Missing and forbidden are the same 404 (`access_person`). Lists of follows are private:
only you see whom you follow and who follows you, as on LinkedIn.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from ninja import Query, Router, Schema, Status
from ninja.errors import ValidationError as SchemaValidationError
from pydantic import ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from kith.api import auth
from kith.api.routes.people import PageQuery
from kith.api.schemas import ErrorOut, PersonSummaryOut
from kith.api.serializers import person_summary_dict
from kith.core.ids import parse_id
from kith.people.access import access_person
from kith.relationships.access import (
    access_follow_request,
    follow_requests_to,
    followers_of,
    follows_of,
    relationship_between,
    standing_between,
)
from kith.relationships.actions import follows as actions
from kith.relationships.attention import (
    attention_summary,
    follow_figures,
    follow_rows,
    ranked_follows,
)

router = Router(tags=["follows"], auth=auth.required)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class FiguresOut(Schema):
    load: float = Field(description="Posts a day you read now (follows and connections)")
    cost: float = Field(description="Posts a day following this person would add")
    capacity: int = Field(description="Your reading capacity, posts a day")


class RelationshipOut(Schema):
    person: PersonSummaryOut
    following: bool
    requested: bool = Field(description="You asked to follow; they have not answered")
    followed_by: bool
    requested_by: bool = Field(description="They asked to follow you")
    connected: bool
    blocking: bool
    muting: bool
    muting_expires_at: datetime | None
    note: str = Field(description="Your private note; only you ever see it")
    attention: FiguresOut


class FollowIn(Schema):
    model_config = ConfigDict(extra="forbid")
    confirm_over_budget: bool = False


class FollowingQuery(PageQuery):
    sort: Literal["recent", "cost", "interaction"] = Field(
        "recent",
        description="recent: newest follows first, paged with max_id. cost (costliest first) "
        "and interaction (least first) rank every follow, paged with page.",
    )
    page: int = Field(1, ge=1, le=10_000, description="Page of a ranked list (cost, interaction)")


class FollowingOut(Schema):
    id: str = Field(description="The follow's id (for max_id)")
    person: PersonSummaryOut
    since: datetime
    cost: float = Field(description="Their posts a day over the last 30 days")
    frees: float = Field(description="Posts a day unfollowing frees (0 for a connection)")
    connected: bool
    follows_you: bool
    interactions: dict[str, int] = Field(description="Counts by source: connected, messages…")
    interaction_total: int


class FollowerOut(Schema):
    id: str = Field(description="The follow's id (for max_id)")
    person: PersonSummaryOut
    since: datetime
    following_back: bool


class FollowRequestOut(Schema):
    id: str
    person: PersonSummaryOut
    requested_at: datetime


class AttentionOut(Schema):
    load: float
    capacity: int
    remaining: float
    over_budget: bool
    from_follows: float
    from_connections_only: float = Field(description="Connections you do not also follow")
    follows: int
    connections_only: int
    window_days: int


def relationship_dict(viewer, person) -> dict:
    """Return how `viewer` stands to `person` (Mastodon's relationship, plus attention)."""
    standing = standing_between(viewer, person)
    return {
        "person": person_summary_dict(person),
        "following": standing.following,
        "requested": standing.requested,
        "followed_by": standing.followed_by,
        "requested_by": standing.requested_by,
        "connected": relationship_between(viewer, person).connected,
        "blocking": standing.blocking,
        "muting": standing.muting,
        "muting_expires_at": standing.muted_until,
        "note": standing.note,
        "attention": follow_figures(viewer, person).as_dict(),
    }


def _limit(page: PageQuery) -> int:
    return min(page.limit, settings.KITH_API_PAGE_MAX)


def page_before(queryset, page: PageQuery):
    """Return the first page of `queryset` (newest first) below `max_id`."""
    if page.max_id:
        queryset = queryset.filter(id__lt=parse_id(page.max_id) or 0)
    return queryset[: _limit(page)]


def _following_dict(row) -> dict:
    return {
        "id": str(row.follow.pk),
        "person": person_summary_dict(row.person),
        "since": row.follow.created_at,
        "cost": round(row.cost, 2),
        "frees": round(row.frees, 2),
        "connected": row.connected,
        "follows_you": row.follows_you,
        "interactions": row.interactions,
        "interaction_total": row.interaction_total,
    }


@router.get(
    "/people/{handle}/relationship",
    response={200: RelationshipOut, **ERRORS},
    summary="How I stand to a person",
)
def get_relationship(request, handle: str):
    """Return follows both ways, block, mute, your private note and what following would cost."""
    return relationship_dict(request.auth, access_person(request.auth, handle))


def optional_body(request, schema: type[Schema]):
    """Return the JSON body parsed as `schema`, or None when there is none (422 when bad)."""
    if request.content_type != "application/json" or not request.body.strip():
        return None
    try:
        return schema.model_validate_json(request.body)
    except PydanticValidationError as error:
        raise SchemaValidationError(
            [{**e, "loc": ("body", *e.get("loc", ()))} for e in error.errors()]
        ) from None


def optional_body_doc(schema: type[Schema]) -> dict:
    """Describe an optional JSON body in the OpenAPI document."""
    return {
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


@router.post(
    "/people/{handle}/follow",
    response={200: RelationshipOut, 409: ErrorOut, **ERRORS},
    summary="Follow a person",
    openapi_extra=optional_body_doc(FollowIn),
)
def follow(request, handle: str, confirm_over_budget: bool = False):
    """Follow, or ask to follow a locked account (`requested` is then true).

    A follow that would take your load past your reading capacity answers
    409 `{"error": "over_budget", "detail": {"load", "cost", "capacity"}}` and changes
    nothing; send `confirm_over_budget=true` (query or body) to follow anyway.
    """
    body = optional_body(request, FollowIn)
    confirm = confirm_over_budget or bool(body and body.confirm_over_budget)
    target = access_person(request.auth, handle)
    try:
        actions.follow_create(follower=request.auth, target=target, confirm_over_budget=confirm)
    except actions.OverBudget as over:
        return Status(409, {"error": "over_budget", "detail": over.figures.as_dict()})
    return relationship_dict(request.auth, target)


@router.delete(
    "/people/{handle}/follow",
    response={200: RelationshipOut, **ERRORS},
    summary="Unfollow a person or withdraw a follow request",
)
def unfollow(request, handle: str):
    target = access_person(request.auth, handle)
    actions.follow_remove(follower=request.auth, target=target)
    return relationship_dict(request.auth, target)


@router.get(
    "/me/following", response={200: list[FollowingOut], **ERRORS}, summary="People I follow"
)
def list_following(request, query: Query[FollowingQuery]):
    """List your follows with what each costs and how much you interacted.

    `sort=recent` pages newest first with `max_id`; `sort=cost` and `sort=interaction`
    rank all your follows (to find whom to unfollow) and page with `page`.
    """
    me = request.auth
    limit = _limit(query)
    if query.sort == "recent":
        rows = follow_rows(me, list(page_before(follows_of(me), query)))
    else:
        start = (query.page - 1) * limit
        rows = ranked_follows(me, sort=query.sort)[start : start + limit]
    return [_following_dict(row) for row in rows]


@router.get("/me/followers", response={200: list[FollowerOut], **ERRORS}, summary="My followers")
def list_followers(request, page: Query[PageQuery]):
    """List the people who follow you, newest first; page with `max_id`."""
    me = request.auth
    follows = list(page_before(followers_of(me), page))
    back = set(
        follows_of(me)
        .filter(target_person_id__in=[f.follower_id for f in follows])
        .values_list("target_person_id", flat=True)
    )
    return [
        {
            "id": str(f.pk),
            "person": person_summary_dict(f.follower),
            "since": f.created_at,
            "following_back": f.follower_id in back,
        }
        for f in follows
    ]


@router.delete(
    "/me/followers/{handle}",
    response={200: RelationshipOut, **ERRORS},
    summary="Remove a follower",
)
def remove_follower(request, handle: str):
    """Stop `handle` following you. They are not told; lock your account or block to keep
    them from following again."""
    person = access_person(request.auth, handle)
    actions.follower_remove(person=request.auth, follower=person)
    return relationship_dict(request.auth, person)


@router.get(
    "/me/follow_requests",
    response={200: list[FollowRequestOut], **ERRORS},
    summary="Follow requests waiting for me",
)
def list_follow_requests(request, page: Query[PageQuery]):
    return [
        {"id": str(f.pk), "person": person_summary_dict(f.follower), "requested_at": f.created_at}
        for f in page_before(follow_requests_to(request.auth), page)
    ]


@router.post(
    "/me/follow_requests/{handle}/approve",
    response={200: RelationshipOut, **ERRORS},
    summary="Approve a follow request",
)
def approve_follow_request(request, handle: str):
    follow = access_follow_request(request.auth, handle)
    actions.follow_request_approve(person=request.auth, follow=follow)
    return relationship_dict(request.auth, follow.follower)


@router.post(
    "/me/follow_requests/{handle}/reject",
    response={200: RelationshipOut, **ERRORS},
    summary="Reject a follow request",
)
def reject_follow_request(request, handle: str):
    follow = access_follow_request(request.auth, handle)
    actions.follow_request_reject(person=request.auth, follow=follow)
    return relationship_dict(request.auth, follow.follower)


@router.get("/me/attention", response={200: AttentionOut, **ERRORS}, summary="My attention load")
def get_attention(request):
    """Return the posts a day your follows and connections bring, against your capacity."""
    summary = attention_summary(request.auth)
    return {
        "load": round(summary.load, 2),
        "capacity": summary.capacity,
        "remaining": round(summary.remaining, 2),
        "over_budget": summary.over_budget,
        "from_follows": round(summary.from_follows, 2),
        "from_connections_only": round(summary.from_connections_only, 2),
        "follows": summary.follows,
        "connections_only": summary.connections_only,
        "window_days": summary.window_days,
    }
