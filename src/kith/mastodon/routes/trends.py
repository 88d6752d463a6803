"""Trends from recent activity on this server, through the viewer's access rule.

- `GET /api/v1/trends/tags`: tags on public posts of the last 7 days, by how many people used
  them, then how many posts; each with its daily history (uses, accounts) for those 7 days.
- `GET /api/v1/trends/statuses`: public posts of the last 2 days that people reacted to
  (helpful marks + reposts + replies), most first.
- `GET /api/v1/trends/links`: an empty list — Kith keeps no per-link activity to rank.
Anyone may read them (a token is optional; a bad token is refused).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F
from django.db.models.functions import TruncDate
from django.utils import timezone
from ninja import Query, Router, Schema

from kith.conversations.access import posts_by_ids, visible_posts
from kith.conversations.models import Hashtag, PostHashtag
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import unprocessable

router = Router(tags=["trends"])
TAG_DAYS = 7
STATUS_DAYS = 2
MAX_OFFSET = 200


class TrendsQuery(Schema):
    limit: int | None = None
    offset: int = 0


def _window(params: TrendsQuery, default: int, maximum: int) -> tuple[int, int]:
    if not 0 <= params.offset <= MAX_OFFSET:
        raise unprocessable(f"offset must be between 0 and {MAX_OFFSET}")
    limit = default if params.limit is None else max(1, min(params.limit, maximum))
    return params.offset, limit


def _public_recent(viewer, days: int):
    since = timezone.now() - dt.timedelta(days=days)
    return visible_posts(viewer).filter(
        visibility="public", repost_of__isnull=True, created_at__gte=since
    )


@router.get("/trends/tags", auth=mastodon_auth(optional=True), response=list[dict])
def trending_tags(request, params: Query[TrendsQuery]):
    offset, limit = _window(params, 10, 20)
    recent = _public_recent(request.auth, TAG_DAYS)
    uses = PostHashtag.objects.filter(post__in=recent.values("pk"))
    ranked = list(
        uses.values("hashtag_id")
        .annotate(accounts=Count("post__author", distinct=True), posts=Count("post"))
        .order_by("-accounts", "-posts", "hashtag_id")[offset : offset + limit]
    )
    ids = [row["hashtag_id"] for row in ranked]
    if not ids:
        return []
    daily: dict[int, dict[dt.date, tuple[int, int]]] = {}
    for row in (
        uses.filter(hashtag_id__in=ids)
        .annotate(day=TruncDate("post__created_at"))
        .values("hashtag_id", "day")
        .annotate(uses=Count("post"), accounts=Count("post__author", distinct=True))
    ):
        daily.setdefault(row["hashtag_id"], {})[row["day"]] = (row["uses"], row["accounts"])
    today = timezone.now().date()
    tags = Hashtag.objects.in_bulk(ids)
    result = []
    for tag_id in ids:
        history = []
        for back in range(TAG_DAYS):
            day = today - dt.timedelta(days=back)
            used, people = daily.get(tag_id, {}).get(day, (0, 0))
            midnight = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
            history.append(
                {"day": str(int(midnight.timestamp())), "uses": str(used), "accounts": str(people)}
            )
        result.append(entities.tag(tags[tag_id], history=history))
    return result


@router.get("/trends/statuses", auth=mastodon_auth(optional=True), response=list[dict])
def trending_statuses(request, params: Query[TrendsQuery]):
    offset, limit = _window(params, 20, 40)
    score = F("helpful_count") + F("reposts_count") + F("replies_count")
    ids = list(
        _public_recent(request.auth, STATUS_DAYS)
        .annotate(score=score)
        .filter(score__gt=0)
        .order_by("-score", "-pk")
        .values_list("pk", flat=True)[offset : offset + limit]
    )
    found = posts_by_ids(request.auth, ids)
    return entities.statuses([found[pk] for pk in ids if pk in found], request.auth)


@router.get("/trends/links", auth=mastodon_auth(optional=True), response=list[dict])
def trending_links(request, params: Query[TrendsQuery]):
    _window(params, 10, 20)
    return []


@router.get("/trends", auth=mastodon_auth(optional=True), response=list[dict])
def trends(request, params: Query[TrendsQuery]):
    """The deprecated alias of /trends/tags."""
    return trending_tags(request, params)
