"""Notifications (grouped, paged), unread count, mark read, and notification settings.

Lists are newest first, paged with `max_id`; the next page is in the `Link` header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as SchemaValidationError
from pydantic import ConfigDict, Field
from pydantic import ValidationError as PydanticValidationError

from kith.api import auth
from kith.api.post_serializers import json_response
from kith.api.schemas import ErrorOut
from kith.core.ids import parse_id
from kith.feeds.actions import notifications_mark_read
from kith.notify.models import Delivery, DigestFrequency
from kith.notify.preferences import (
    digest_frequency,
    digest_frequency_set,
    notification_settings,
    notification_settings_update,
)
from kith.notify.selectors import notification_page, unread_count, visible_notifications

router = Router(tags=["notifications"], auth=auth.required)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ID = r"^\d{1,20}$"


class NotificationOut(Schema):
    id: str = Field(description="The newest notification of the group")
    ids: list[str] = Field(description="Every notification in the group (mark them read)")
    kind: str
    text: str = Field(description="“Ana and 3 others found your answer helpful: …”")
    url: str
    actor: str | None = Field(description="Handle of the newest actor")
    actors: list[str] = Field(description="Handles of everyone in the group, newest first")
    count: int
    post_id: str | None
    community: str | None = Field(description="Slug of the community it is about, if any")
    created_at: datetime
    read: bool


class NotificationQuery(Schema):
    limit: int = Field(40, ge=1)
    max_id: str | None = Field(None, pattern=ID)
    unread: bool = False


class MarkReadIn(Schema):
    model_config = ConfigDict(extra="forbid")
    ids: list[str] | None = Field(
        None, max_length=500, description="Notification ids; leave out to mark all read"
    )


class MarkedOut(Schema):
    marked: int
    unread: int


class UnreadOut(Schema):
    unread: int


class SettingsOut(Schema):
    kinds: dict[str, Literal["in_app", "email", "off"]]
    digest: Literal["off", "daily", "weekly"]


class SettingsPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    kinds: dict[str, str] = Field(
        default_factory=dict, description=f"kind → one of {', '.join(Delivery.values)}"
    )
    digest: Literal["off", "daily", "weekly"] | None = Field(
        None, description=f"one of {', '.join(DigestFrequency.values)}"
    )


def group_dict(group) -> dict:
    return {
        "id": str(group.latest.pk),
        "ids": [str(pk) for pk in group.ids],
        "kind": group.kind,
        "text": group.text,
        "url": settings.BASE_URL + group.url if group.url else "",
        "actor": group.latest.actor.handle if group.latest.actor else None,
        "actors": [actor.handle for actor in group.actors],
        "count": len(group.items),
        "post_id": str(group.post_id) if group.post_id else None,
        "community": group.latest.community.slug if group.latest.community_id else None,
        "created_at": group.created_at,
        "read": not group.unread,
    }


@router.get(
    "/notifications",
    response={200: list[NotificationOut], **ERRORS},
    summary="List my notifications, grouped",
)
def list_notifications(request, query: Query[NotificationQuery]):
    """Notifications of one kind about one post within a few hours come as one group.

    A notification about a post you may no longer see is left out.
    """
    limit = min(query.limit, settings.KITH_API_PAGE_MAX)
    groups, next_max_id = notification_page(
        request.auth,
        limit=limit,
        max_id=int(query.max_id) if query.max_id else None,
        unread_only=query.unread,
    )
    headers = None
    if next_max_id is not None:
        params = request.GET.copy()
        params["max_id"] = str(next_max_id)
        url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(params.items()))}")
        headers = {"Link": f'<{url}>; rel="next"'}
    return json_response([group_dict(group) for group in groups], headers=headers)


@router.get("/notifications/unread", response={200: UnreadOut, **ERRORS}, summary="Unread count")
def get_unread(request):
    return {"unread": unread_count(request.auth)}


@router.post(
    "/notifications/read",
    response={200: MarkedOut, **ERRORS},
    summary="Mark notifications read",
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {"application/json": {"schema": MarkReadIn.model_json_schema()}},
        }
    },
)
def mark_notifications_read(request):
    """Mark all read (no body), or those in `ids` (e.g. a group's `ids`)."""
    ids = None
    if request.content_type == "application/json" and request.body.strip():
        try:
            payload = MarkReadIn.model_validate_json(request.body)
        except PydanticValidationError as exc:
            raise SchemaValidationError(
                [{"loc": ("body", *e["loc"]), "msg": e["msg"]} for e in exc.errors()]
            ) from None
        if payload.ids is not None:
            ids = [parse_id(value) for value in payload.ids]
            if None in ids:
                raise SchemaValidationError([{"loc": ("body", "ids"), "msg": "Not a valid id."}])
    marked = notifications_mark_read(person=request.auth, ids=ids)
    return {"marked": marked, "unread": unread_count(request.auth)}


@router.post(
    "/notifications/{notification_id}/read",
    response={200: MarkedOut, **ERRORS},
    summary="Mark one notification read",
)
def mark_one_read(request, notification_id: str):
    pk = parse_id(notification_id)
    if not pk or not visible_notifications(request.auth).filter(pk=pk).exists():
        raise Http404("No such notification.")
    marked = notifications_mark_read(person=request.auth, ids=[pk])
    return {"marked": marked, "unread": unread_count(request.auth)}


@router.get(
    "/notification-settings",
    response={200: SettingsOut, **ERRORS},
    summary="My notification settings",
)
def get_settings(request):
    """How each kind reaches you (in_app, email or off) and your digest (off by default)."""
    return {
        "kinds": notification_settings(request.auth),
        "digest": digest_frequency(request.auth),
    }


@router.patch(
    "/notification-settings",
    response={200: SettingsOut, **ERRORS},
    summary="Change my notification settings",
)
def patch_settings(request, payload: SettingsPatch):
    """Change the kinds given and/or the digest; an unknown kind or delivery changes nothing."""
    from django.db import transaction

    with transaction.atomic():
        notification_settings_update(person=request.auth, changes=payload.kinds)
        if payload.digest is not None:
            digest_frequency_set(person=request.auth, frequency=payload.digest)
    return get_settings(request)
