"""Notifications: `/api/v1/notifications…` and the grouped `/api/v2/notifications…`.

Kith's notifications (`feeds.Notification`) as the person may see them now
(`notify.selectors.visible_notifications`: one about a post they may no longer see is
left out), of the kinds Mastodon has a type for (`entities.mastodon_kinds`); Kith-only kinds
(invitations, intro calls, …) stay in Kith's own API and web, and dismissing or clearing
here never touches them.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Query, Router, Schema

from kith.feeds.actions import notifications_dismiss
from kith.feeds.models import Notification
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.entities.notifications import GROUPED_TYPES, MASTODON_TYPES
from kith.mastodon.errors import not_found, unprocessable
from kith.mastodon.pagination import PageParams, cursor, paginate
from kith.notify.selectors import visible_notifications

router_v1 = Router(tags=["notifications"])
router_v2 = Router(tags=["notifications"])

READ = mastodon_auth("read:notifications")
WRITE = mastodon_auth("write:notifications")
TYPES = frozenset(MASTODON_TYPES)
# Mastodon types Kith never produces, accepted in types[]/exclude_types[] (they match nothing)
KNOWN_TYPES = TYPES | {
    "status",
    "admin.sign_up",
    "admin.report",
    "severed_relationships",
    "moderation_warning",
    "annual_report",
    "quoted_update",
}
POLICY = {
    "for_not_following": "accept",
    "for_not_followers": "accept",
    "for_new_accounts": "accept",
    "for_private_mentions": "accept",
    "for_limited_accounts": "accept",
    "summary": {"pending_requests_count": 0, "pending_notifications_count": 0},
}


class NotificationQuery(PageParams):
    types: list[str] = []
    exclude_types: list[str] = []
    account_id: str | None = None


class GroupedQuery(NotificationQuery):
    grouped_types: list[str] | None = None
    expand_accounts: str | None = None
    include_filtered: bool = False


class UnreadQuery(Schema):
    limit: int | None = None
    types: list[str] = []
    exclude_types: list[str] = []
    account_id: str | None = None


def _check_types(names: list[str], field: str) -> list[str]:
    unknown = [n for n in names if n not in KNOWN_TYPES]
    if unknown:
        raise unprocessable(f"{field} has unknown types: {', '.join(sorted(set(unknown)))[:200]}")
    return names


def shown(person, params) -> object:
    """The person's notifications a Mastodon app lists, narrowed by `types[]`,
    `exclude_types[]` and `account_id` (newest first when paginated)."""
    types = _check_types(params.types, "types") or None
    exclude = _check_types(params.exclude_types, "exclude_types")
    kinds = entities.mastodon_kinds(types, exclude)
    found = visible_notifications(person).filter(kind__in=kinds, actor__isnull=False)
    if params.account_id:
        found = found.filter(actor_id=cursor(params.account_id, "account_id"))
    return found


def _one(person, id: str) -> Notification:
    if not id.isdigit() or len(id) > 19:
        raise not_found()
    found = (
        visible_notifications(person)
        .filter(pk=int(id), kind__in=entities.mastodon_kinds(), actor__isnull=False)
        .first()
    )
    if found is None:
        raise not_found()
    return found


@router_v1.get("/notifications", auth=READ, response=list[dict])
def notification_list(request, response: HttpResponse, params: Query[NotificationQuery]):
    page = paginate(request, shown(request.auth, params), params, default_limit=40, max_limit=80)
    page.add_link(response)
    return entities.notifications(page.items, request.auth)


@router_v1.get("/notifications/unread_count", auth=READ, response=dict)
def unread_count(request, params: Query[UnreadQuery]):
    """How many of them are unread (Kith's read mark, which the notifications marker sets)."""
    limit = max(1, min(params.limit or 100, 1000))
    unread = shown(request.auth, params).filter(read_at__isnull=True)
    return {"count": len(unread.values_list("pk", flat=True)[:limit])}


@router_v1.get("/notifications/policy", auth=READ, response=dict)
def policy_v1(request):
    """Kith filters no notifications into requests: everything is accepted."""
    return {
        "filter_not_following": False,
        "filter_not_followers": False,
        "filter_new_accounts": False,
        "filter_private_mentions": False,
        "summary": POLICY["summary"],
    }


@router_v1.get("/notifications/requests", auth=READ, response=list[dict])
def requests(request):
    """Kith filters no notifications into requests: there are none."""
    return []


@router_v1.post("/notifications/clear", auth=WRITE, response=dict)
def clear(request):
    ids = list(
        Notification.objects.filter(
            recipient=request.auth, kind__in=entities.mastodon_kinds()
        ).values_list("pk", flat=True)
    )
    notifications_dismiss(person=request.auth, ids=ids)
    return {}


@router_v1.get("/notifications/{id}", auth=READ, response=dict)
def notification_get(request, id: str):
    found = entities.notifications([_one(request.auth, id)], request.auth)
    if not found:
        raise not_found()
    return found[0]


@router_v1.post("/notifications/{id}/dismiss", auth=WRITE, response=dict)
def dismiss(request, id: str):
    notifications_dismiss(person=request.auth, ids=[_one(request.auth, id).pk])
    return {}


# --- v2: grouped ----------------------------------------------------------------------------------


def _grouped_types(params: GroupedQuery) -> set[str] | None:
    if params.grouped_types is None:
        return None
    return {t for t in _check_types(params.grouped_types, "grouped_types") if t in GROUPED_TYPES}


@router_v2.get("/notifications", auth=READ, response=dict)
def grouped(request, response: HttpResponse, params: Query[GroupedQuery]):
    page = paginate(request, shown(request.auth, params), params, default_limit=40, max_limit=80)
    page.add_link(response)
    return entities.grouped_notifications(
        page.items, request.auth, grouped_types=_grouped_types(params)
    )


@router_v2.get("/notifications/unread_count", auth=READ, response=dict)
def unread_count_v2(request, params: Query[UnreadQuery]):
    return unread_count(request, params)


@router_v2.get("/notifications/policy", auth=READ, response=dict)
def policy_v2(request):
    """Kith filters no notifications into requests: every category is accepted."""
    return POLICY


def _group(person, group_key: str):
    """The notifications of a group key (`entities.notifications.group_key`'s forms)."""
    base = visible_notifications(person).filter(actor__isnull=False)
    kind, _, rest = group_key.partition("-")
    parts = rest.split("-")
    if not all(p.isdigit() and len(p) <= 19 for p in parts):
        raise not_found()
    numbers = [int(p) for p in parts]
    if kind == "ungrouped" and len(numbers) == 1:
        found = base.filter(pk=numbers[0], kind__in=entities.mastodon_kinds())
    elif kind in ("favourite", "reblog") and len(numbers) == 2:
        found = base.filter(kind__in=entities.mastodon_kinds([kind]), post_id=numbers[0])
        found = _in_hour(found, numbers[1])
    elif kind == "follow" and len(numbers) == 1:
        found = _in_hour(base.filter(kind__in=entities.mastodon_kinds(["follow"])), numbers[0])
    else:
        raise not_found()
    items = list(found.order_by("-pk")[:80])
    if not items:
        raise not_found()
    return items


def _in_hour(found, hour: int):
    if hour > 10**8:
        raise not_found()
    start = dt.datetime.fromtimestamp(hour * 3600, tz=dt.UTC)
    return found.filter(created_at__gte=start, created_at__lt=start + dt.timedelta(hours=1))


@router_v2.get("/notifications/{group_key}", auth=READ, response=dict)
def group_get(request, group_key: str):
    result = entities.grouped_notifications(_group(request.auth, group_key), request.auth)
    groups = [g for g in result["notification_groups"] if g["group_key"] == group_key]
    if not groups:
        raise not_found()
    return {**result, "notification_groups": groups}


@router_v2.get("/notifications/{group_key}/accounts", auth=READ, response=list[dict])
def group_accounts(request, group_key: str):
    return entities.grouped_notifications(_group(request.auth, group_key), request.auth)["accounts"]


@router_v2.post("/notifications/{group_key}/dismiss", auth=WRITE, response=dict)
def group_dismiss(request, group_key: str):
    items = _group(request.auth, group_key)
    notifications_dismiss(person=request.auth, ids=[item.pk for item in items])
    return {}
