"""Mastodon's id pagination: `max_id`, `since_id`, `min_id`, `limit`, and the `Link` header.

Lists come newest first. `max_id` gives what is older than it, `since_id` the newest items
newer than it, `min_id` the items just newer than it (the page right above, for scrolling
up). The `Link` header points to the next (older) and previous (newer) pages:

    Link: <https://kith.example/api/v1/timelines/home?max_id=7>; rel="next",
          <https://kith.example/api/v1/timelines/home?min_id=9>; rel="prev"

In a route:

    @router.get("/blocks", auth=mastodon_auth("read:blocks"), response=list[dict])
    def blocks(request, response: HttpResponse, page: Query[PageParams]):
        found = paginate(request, Block.objects.filter(owner=request.auth), page,
                         default_limit=40, max_limit=80)
        found.add_link(response)           # the temporal response ninja sends
        return [entities.account(b.target) for b in found.items]

`key` names the ordering field when it is not the item's id (bookmarks page by the
bookmark's id, not the status's): `paginate(…, key="bookmark_id")` with the queryset
annotated or filtered so that each item carries that attribute. A hot path that runs its own
prepared query builds the header from its cursors: `link_header(request, first, last, full)`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from ninja import Schema

from kith.mastodon.errors import MastodonError

CURSORS = ("max_id", "since_id", "min_id")


class PageParams(Schema):
    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None
    limit: int | None = None


@dataclass
class Page:
    items: list
    link: str | None

    def add_link(self, response) -> None:
        """Set the Link header on `response` (when there is anything to link to)."""
        if self.link:
            response["Link"] = self.link


def cursor(value: str | int | None, name: str) -> int | None:
    """Read a cursor parameter: an id (digits) or nothing; anything else is a 422."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if not text.isdigit() or len(text) > 19:
        raise MastodonError(422, f"Validation failed: {name} must be an id")
    return int(text)


def page_limit(value: int | None, *, default: int = 20, maximum: int = 40) -> int:
    """Return the page size asked for, within 1…maximum (Mastodon clamps, it does not fail)."""
    if value is None:
        return default
    return max(1, min(int(value), maximum))


def _url(request, **cursor_value: int) -> str:
    kept = [
        (key, value)
        for key, values in request.GET.lists()
        if key not in CURSORS
        for value in values
    ]
    kept.extend((key, str(value)) for key, value in cursor_value.items())
    return request.build_absolute_uri(request.path) + "?" + urlencode(kept)


def link_header(request, newest: int | None, oldest: int | None, full: bool) -> str | None:
    """Return the Link header for a page whose items run from cursor `newest` to `oldest`;
    `full`: the page holds `limit` items (so an older page may exist)."""
    if newest is None or oldest is None:
        return None
    links = []
    if full:
        links.append(f'<{_url(request, max_id=oldest)}>; rel="next"')
    links.append(f'<{_url(request, min_id=newest)}>; rel="prev"')
    return ", ".join(links)


def paginate(
    request,
    queryset: QuerySet,
    page: PageParams | None = None,
    *,
    key: str = "id",
    default_limit: int = 20,
    max_limit: int = 40,
    cursor_of: Callable[[Any], int] | None = None,
) -> Page:
    """Return one page of `queryset` (newest first by `key`) and its Link header."""
    if page is None:
        page = PageParams(
            **{k: request.GET.get(k) for k in (*CURSORS, "limit") if k in request.GET}
        )
    limit = page_limit(page.limit, default=default_limit, maximum=max_limit)
    max_id = cursor(page.max_id, "max_id")
    since_id = cursor(page.since_id, "since_id")
    min_id = cursor(page.min_id, "min_id")
    if max_id is not None:
        queryset = queryset.filter(**{f"{key}__lt": max_id})
    if min_id is not None:
        items: Sequence = list(queryset.filter(**{f"{key}__gt": min_id}).order_by(key)[:limit])
        items = list(reversed(items))
    else:
        if since_id is not None:
            queryset = queryset.filter(**{f"{key}__gt": since_id})
        items = list(queryset.order_by(f"-{key}")[:limit])
    read = cursor_of or _attribute(key)
    link = None
    if items:
        link = link_header(request, read(items[0]), read(items[-1]), len(items) == limit)
    return Page(list(items), link)


def _attribute(key: str) -> Callable[[Any], int]:
    parts = key.split("__")

    def read(item: Any) -> int:
        for part in parts:
            item = getattr(item, part)
        return item

    return read
