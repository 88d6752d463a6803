"""Timelines: home (Kith's Latest feed, through its hot path), public, tag and list.

Every post comes through `conversations.access` (the feed's selectors use it too) and every
Status from `kith.mastodon.entities`. See docs/mastodon.md ("Timelines").
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from ninja import Query, Router

from kith.conversations.access import visible_posts, with_relations
from kith.conversations.models import Media, PostHashtag, PostVisibility
from kith.core.text import normalise_tag
from kith.feeds.selectors import access_list, home_feed, list_feed
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import not_found
from kith.mastodon.pagination import PageParams, cursor, link_header, page_limit, paginate
from kith.relationships.access import active_mutes

router = Router(tags=["timelines"])

READ = mastodon_auth("read:statuses")
READ_PUBLIC = mastodon_auth("read:statuses", optional=True)
READ_LISTS = mastodon_auth("read:lists")


class PublicQuery(PageParams):
    local: bool = False
    remote: bool = False
    only_media: bool = False


class TagQuery(PublicQuery):
    any: list[str] = []
    all: list[str] = []
    none: list[str] = []


def _feed_statuses(request, response: HttpResponse, page, viewer, params: PageParams) -> list:
    """Statuses of a feed page (`feeds.selectors.FeedPage`, home and lists: the "home"
    filter context, with the filters the page loaded), with the Link header.

    The feed selectors page by `max_id` and `min_id` (the page just above it, as Mastodon);
    `since_id` keeps, of the newest page, what is newer than it."""
    since_id = cursor(params.since_id, "since_id")
    items = list(page.items)
    if since_id is not None and cursor(params.min_id, "min_id") is None:
        items = [item for item in items if item.cursor > since_id]
    posts = [item.post for item in items]
    statuses = entities.statuses(posts, viewer, filters=page.filters, context="home")
    if items:
        oldest = page.next_max_id if page.next_max_id is not None else items[-1].cursor
        link = link_header(request, items[0].cursor, oldest, page.next_max_id is not None)
        if link:
            response["Link"] = link
    return statuses


@router.get("/timelines/home", auth=READ)
def home(request, response: HttpResponse, params: Query[PageParams]):
    """The viewer's home feed, Latest (newest first), through the feed's hot path."""
    viewer = request.auth
    max_id = cursor(params.max_id, "max_id")
    min_id = cursor(params.min_id, "min_id")
    limit = page_limit(params.limit, default=20, maximum=40)
    page = home_feed(viewer, max_id=max_id, min_id=min_id, limit=limit, light=True)
    return _feed_statuses(request, response, page, viewer, params)


def _without_muted(viewer, posts):
    if getattr(viewer, "is_authenticated", False):
        mutes = active_mutes(viewer).values("muted")
        posts = posts.exclude(author__in=mutes)
    return posts


def _public_posts(viewer, params: PublicQuery):
    posts = visible_posts(viewer).filter(
        visibility=PostVisibility.PUBLIC, in_reply_to__isnull=True, repost_of__isnull=True
    )
    if params.remote and not params.local:
        return posts.none()  # Kith has no remote posts
    if params.only_media:
        posts = posts.filter(Exists(Media.objects.filter(post=OuterRef("pk"))))
    return _without_muted(viewer, posts)


def _page(request, response: HttpResponse, posts, viewer, params: PageParams) -> list:
    found = paginate(request, with_relations(posts), params, default_limit=20, max_limit=40)
    found.add_link(response)
    return entities.statuses(found.items, viewer, context="public")


@router.get("/timelines/public", auth=READ_PUBLIC)
def public(request, response: HttpResponse, params: Query[PublicQuery]):
    """Public posts (not replies or reposts), newest first: all of Kith's are local."""
    viewer = request.auth
    return _page(request, response, _public_posts(viewer, params), viewer, params)


def _tagged(name: str):
    return Exists(PostHashtag.objects.filter(post=OuterRef("pk"), hashtag__name=name))


@router.get("/timelines/tag/{hashtag}", auth=READ_PUBLIC)
def tag(request, hashtag: str, response: HttpResponse, params: Query[TagQuery]):
    """Public posts with the hashtag (or any of `any[]`), all of `all[]`, none of `none[]`."""
    viewer = request.auth
    names = [normalise_tag(t) for t in [hashtag, *params.any]]
    wanted = [n for n in names if n]
    if not wanted:
        return []
    condition = Q()
    for name in wanted:
        condition |= _tagged(name)
    posts = _public_posts(viewer, params).filter(condition)
    for raw in params.all:
        name = normalise_tag(raw)
        posts = posts.filter(_tagged(name)) if name else posts.none()
    for raw in params.none:
        name = normalise_tag(raw)
        if name:
            posts = posts.exclude(_tagged(name))
    return _page(request, response, posts, viewer, params)


@router.get("/timelines/list/{list_id}", auth=READ_LISTS)
def list_timeline(request, list_id: str, response: HttpResponse, params: Query[PageParams]):
    """The posts of the people on one of the viewer's lists (Kith's list feed)."""
    viewer = request.auth
    try:
        person_list = access_list(viewer, list_id)
    except Http404:
        raise not_found() from None
    max_id = cursor(params.max_id, "max_id")
    min_id = cursor(params.min_id, "min_id")
    limit = page_limit(params.limit, default=20, maximum=40)
    page = list_feed(viewer, person_list, max_id=max_id, min_id=min_id, limit=limit)
    return _feed_statuses(request, response, page, viewer, params)
