"""Feeds in the native API: the home feed (Latest / Conversations) with "why am I seeing
this", lists and their feeds, keyword filters, the topics you answer questions about and
per-follow feed settings.

Reads go through `feeds.selectors` (posts through `conversations.access`), changes through
`feeds.actions` / `relationships.actions`. Feed pages are encoded with orjson without
per-item validation (the schemas describe them in OpenAPI); the next page is in the `Link`
header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kith.api import auth
from kith.api.post_schemas import PostOut
from kith.api.post_serializers import json_response, posts_data, posts_data_cached
from kith.api.routes.posts import _page_response
from kith.api.schemas import ErrorOut, PersonSummaryOut
from kith.api.serializers import person_summary_dict
from kith.feeds import actions, selectors
from kith.feeds.models import FilterAction
from kith.people.access import access_person
from kith.relationships.access import follows_of
from kith.relationships.actions.follows import follow_settings_set

router = Router(tags=["feeds"], auth=auth.required)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- Schemas ----------------------------------------------------------------------------------


class ScoreOut(Schema):
    relationship: float
    conversation: float
    value: float
    interest: float
    freshness: float
    broadcasting: float = Field(description="Negative for authors who never reply to anyone")
    total: float


class WhyOut(Schema):
    reason: str = Field(
        description="own, mention, reply, connection, follow, repost, topic, community, "
        "question; list for a list feed"
    )
    detail: str = Field("", description="e.g. the #topic")
    text: str = Field(description="The reason in a sentence")
    score: ScoreOut | None = Field(description="The parts of the Conversations score")


class FeedItemOut(Schema):
    entry_id: str | None = Field(description="None in a list feed (read from the posts)")
    post: PostOut = Field(description="A repost carries its original in repost_of")
    shared_by: PersonSummaryOut | None
    via: PersonSummaryOut | None = Field(description="Whose share the sharer saw")
    filtered: str | None = Field(description="The title of a warn filter this post matches")
    why: WhyOut


class FeedQuery(Schema):
    mode: Literal["latest", "conversations"] = "latest"
    limit: int = Field(20, ge=1, description="Page size; capped at KITH_API_PAGE_MAX.")
    max_id: str | None = Field(None, pattern=r"^\d{1,20}$", description="Latest: older than")
    page: int = Field(1, ge=1, le=100, description="Conversations: the page of the ranking")


class ListPageQuery(Schema):
    limit: int = Field(20, ge=1)
    max_id: str | None = Field(None, pattern=r"^\d{1,20}$")


class ListIn(Schema):
    name: str


class ListOut(Schema):
    id: str
    name: str
    members: list[PersonSummaryOut]


Context = Literal["home", "notifications", "public", "thread", "account"]
Duration = Literal["forever", "1h", "1d", "7d", "30d"]


class KeywordIn(Schema):
    keyword: str
    whole_word: bool = True


class FilterIn(Schema):
    title: str | None = Field(None, description="Required unless `phrase` is given")
    keywords: list[KeywordIn] = []
    contexts: list[Context] | None = Field(None, description="Where it applies; default: all")
    action: Literal["hide", "warn"] = "warn"
    expires_in: int | None = Field(None, ge=1, description="Seconds; wins over `duration`")
    duration: Duration = "forever"
    phrase: str | None = Field(
        None,
        description="Shortcut: a filter titled `phrase` with that one keyword, in every "
        "context (adding the same phrase again replaces its settings)",
    )
    whole_word: bool = Field(True, description="With `phrase`")


class KeywordChangeIn(Schema):
    id: str | None = Field(None, description="A keyword of the filter; none: a new keyword")
    keyword: str | None = None
    whole_word: bool | None = None
    remove: bool = False


class FilterPatchIn(Schema):
    title: str | None = None
    contexts: list[Context] | None = None
    action: Literal["hide", "warn"] | None = None
    expires_in: int | None = Field(None, ge=1, description="Seconds; null: never expires")
    duration: Duration | None = None
    keywords: list[KeywordChangeIn] = Field([], description="Add, change or remove keywords")


class KeywordOut(Schema):
    id: str
    keyword: str
    whole_word: bool


class FilterOut(Schema):
    id: str
    title: str
    contexts: list[Context]
    action: Literal["hide", "warn"]
    expires_at: datetime | None
    active: bool
    keywords: list[KeywordOut]
    post_ids: list[str] = Field(description="The posts this filter names")


class FilterPostIn(Schema):
    post_id: str


class OfferOut(Schema):
    tag: str


class FollowSettingsIn(Schema):
    hide_reposts: bool | None = None
    show_replies: bool | None = None


class FollowSettingsOut(Schema):
    person: PersonSummaryOut
    hide_reposts: bool
    show_replies: bool


# --- The home feed ----------------------------------------------------------------------------


def _items_data(viewer, page) -> list[dict]:
    show = posts_data_cached if page.light else posts_data
    posts = show(viewer, [item.post for item in page.items])
    data = []
    for item, post in zip(page.items, posts, strict=True):
        entry = item.entry
        via = getattr(entry, "via_person", None) if entry and entry.via_person_id else None
        data.append(
            {
                "entry_id": str(entry.pk) if entry else None,
                "post": post,
                "shared_by": post["author"] if item.post.repost_of_id else None,
                "via": person_summary_dict(via) if via else None,
                "filtered": item.warning or None,
                "why": item.why(),
            }
        )
    return data


@router.get("/feed", response={200: list[FeedItemOut], **ERRORS}, summary="My home feed")
def home(request, query: Query[FeedQuery]) -> HttpResponse:
    """Your home feed. `mode=latest`: newest first, next page with `max_id` (Link header).
    `mode=conversations`: ranked (docs/ranking.md), next page with `page`. Each item says
    why it is there (`why`: the reason and the parts of the score)."""
    page = selectors.home_feed(
        request.auth,
        mode=query.mode,
        max_id=query.max_id,
        page=query.page,
        limit=query.limit,
        light=True,
    )
    data = _items_data(request.auth, page)
    if page.next_page is not None:
        query_string = request.GET.copy()
        query_string["page"] = str(page.next_page)
        url = request.build_absolute_uri(f"{request.path}?{query_string.urlencode()}")
        return json_response(data, headers={"Link": f'<{url}>; rel="next"'})
    return _page_response(request, data, page.next_max_id)


@router.get(
    "/feed/{entry_id}/why", response={200: WhyOut, **ERRORS}, summary="Why am I seeing this"
)
def why(request, entry_id: str):
    return selectors.access_entry(request.auth, entry_id).why()


# --- Lists ------------------------------------------------------------------------------------


def _list_dict(person_list) -> dict:
    members = person_list.members.select_related("person")
    return {
        "id": str(person_list.pk),
        "name": person_list.name,
        "members": [person_summary_dict(m.person) for m in members],
    }


@router.get("/lists", response={200: list[ListOut], **ERRORS}, summary="My lists")
def list_lists(request):
    return [_list_dict(pl) for pl in selectors.lists_of(request.auth)]


@router.post("/lists", response={201: ListOut, **ERRORS}, summary="Create a list")
def create_list(request, data: ListIn):
    return Status(201, _list_dict(actions.person_list_create(owner=request.auth, name=data.name)))


@router.get("/lists/{list_id}", response={200: ListOut, **ERRORS}, summary="A list")
def get_list(request, list_id: str):
    return _list_dict(selectors.access_list(request.auth, list_id))


@router.patch("/lists/{list_id}", response={200: ListOut, **ERRORS}, summary="Rename a list")
def rename_list(request, list_id: str, data: ListIn):
    person_list = selectors.access_list(request.auth, list_id)
    return _list_dict(actions.person_list_rename(person_list=person_list, name=data.name))


@router.delete("/lists/{list_id}", response={204: None, **ERRORS}, summary="Delete a list")
def delete_list(request, list_id: str):
    actions.person_list_delete(person_list=selectors.access_list(request.auth, list_id))
    return Status(204, None)


@router.put(
    "/lists/{list_id}/members/{handle}",
    response={200: ListOut, **ERRORS},
    summary="Add a person to a list",
)
def add_member(request, list_id: str, handle: str):
    person_list = selectors.access_list(request.auth, list_id)
    person = access_person(request.auth, handle)
    actions.person_list_add(person_list=person_list, person=person)
    return _list_dict(person_list)


@router.delete(
    "/lists/{list_id}/members/{handle}",
    response={200: ListOut, **ERRORS},
    summary="Take a person off a list",
)
def remove_member(request, list_id: str, handle: str):
    person_list = selectors.access_list(request.auth, list_id)
    person = access_person(request.auth, handle)
    actions.person_list_remove(person_list=person_list, person=person)
    return _list_dict(person_list)


@router.get(
    "/lists/{list_id}/feed",
    response={200: list[FeedItemOut], **ERRORS},
    summary="A list's feed",
)
def list_feed(request, list_id: str, query: Query[ListPageQuery]) -> HttpResponse:
    """The posts of the people on the list, newest first (mutes and filters apply)."""
    person_list = selectors.access_list(request.auth, list_id)
    page = selectors.list_feed(request.auth, person_list, max_id=query.max_id, limit=query.limit)
    return _page_response(request, _items_data(request.auth, page), page.next_max_id)


# --- Filters --------------------------------------------------------------------------------


def _filter_dict(found, now) -> dict:
    return {
        "id": str(found.pk),
        "title": found.title,
        "contexts": list(found.contexts),
        "action": found.action,
        "expires_at": found.expires_at,
        "active": found.expires_at is None or found.expires_at > now,
        "keywords": [
            {"id": str(k.pk), "keyword": k.keyword, "whole_word": k.whole_word}
            for k in found.keywords.all()
        ],
        "post_ids": [str(s.post_id) for s in found.statuses.all()],
    }


def _filter_out(request, filter_id) -> dict:
    from django.utils import timezone

    found = selectors.filter_with_parts(request.auth, filter_id)
    return _filter_dict(found, timezone.now())


@router.get("/filters", response={200: list[FilterOut], **ERRORS}, summary="My filters")
def list_filters(request):
    """Every filter, expired ones too (`active` says), by title."""
    from django.utils import timezone

    now = timezone.now()
    return [_filter_dict(f, now) for f in selectors.filters_of(request.auth)]


@router.post("/filters", response={201: FilterOut, **ERRORS}, summary="Add a filter")
def add_filter(request, data: FilterIn):
    """Hide posts containing any of `keywords`, or show them behind a warning, in `contexts`
    (home: the home feed and lists; the others apply in Mastodon apps)."""
    if data.phrase is not None and data.title is None:
        found = actions.keyword_filter_add(
            owner=request.auth,
            phrase=data.phrase,
            action=FilterAction(data.action),
            whole_word=data.whole_word,
            duration=data.duration,
        )
    else:
        seconds = data.expires_in or actions.duration_seconds(data.duration)
        found = actions.filter_create(
            owner=request.auth,
            title=data.title or "",
            contexts=data.contexts,
            action=data.action,
            expires_in=seconds,
            keywords=[(k.keyword, k.whole_word) for k in data.keywords],
        )
    return Status(201, _filter_out(request, found.pk))


@router.get("/filters/{filter_id}", response={200: FilterOut, **ERRORS}, summary="A filter")
def get_filter(request, filter_id: str):
    return _filter_out(request, filter_id)


@router.patch(
    "/filters/{filter_id}", response={200: FilterOut, **ERRORS}, summary="Change a filter"
)
def change_filter(request, filter_id: str, data: FilterPatchIn):
    """Change what is given: `expires_in` (null: never) or `duration`; `keywords` lines with an
    `id` change or (`remove`) remove that keyword, lines without one add a keyword. All or
    nothing."""
    found = selectors.access_filter(request.auth, filter_id)
    given = data.model_fields_set
    changes = {}
    for name in ("title", "contexts", "action"):
        if name in given and getattr(data, name) is not None:
            changes[name] = getattr(data, name)
    if "expires_in" in given:
        changes["expires_in"] = data.expires_in
    elif data.duration is not None:
        changes["expires_in"] = actions.duration_seconds(data.duration)
    keywords = [
        actions.KeywordChange(id=k.id, keyword=k.keyword, whole_word=k.whole_word, destroy=k.remove)
        for k in data.keywords
    ]
    actions.filter_update(filter=found, keywords=keywords, **changes)
    return _filter_out(request, found.pk)


@router.delete("/filters/{filter_id}", response={204: None, **ERRORS}, summary="Remove a filter")
def remove_filter(request, filter_id: str):
    if not actions.keyword_filter_remove(owner=request.auth, filter_id=filter_id):
        raise Http404("No such filter.")
    return Status(204, None)


@router.post(
    "/filters/{filter_id}/posts",
    response={201: FilterOut, **ERRORS},
    summary="Make a filter match a post",
)
def add_filter_post(request, filter_id: str, data: FilterPostIn):
    """The post (one you may see) and reposts of it match the filter, whatever their text."""
    from kith.conversations.access import access_post

    found = selectors.access_filter(request.auth, filter_id)
    actions.filter_status_add(filter=found, post=access_post(request.auth, data.post_id))
    return Status(201, _filter_out(request, found.pk))


@router.delete(
    "/filters/{filter_id}/posts/{post_id}",
    response={200: FilterOut, **ERRORS},
    summary="Stop a filter matching a post",
)
def remove_filter_post(request, filter_id: str, post_id: str):
    from kith.core.ids import parse_id
    from kith.feeds.models import FilterStatus

    found = selectors.access_filter(request.auth, filter_id)
    named = FilterStatus.objects.filter(filter=found, post_id=parse_id(post_id) or 0).first()
    if named is None:
        raise Http404("The filter does not name that post.")
    actions.filter_status_remove(filter_status=named)
    return _filter_out(request, found.pk)


# --- Question routing -------------------------------------------------------------------------


@router.get(
    "/me/answering",
    response={200: list[OfferOut], **ERRORS},
    summary="Topics I am happy to answer questions about",
)
def list_offers(request):
    return [{"tag": o.tag} for o in selectors.answer_offers_of(request.auth)]


@router.put(
    "/me/answering/{tag}",
    response={200: OfferOut, **ERRORS},
    summary="Offer to answer questions about a topic",
)
def add_offer(request, tag: str):
    """Questions tagged #tag from your connections and their connections reach your feed
    (reason `question`), at most KITH_QUESTIONS_ROUTED_PER_DAY a day."""
    return {"tag": actions.answer_offer_add(person=request.auth, tag=tag).tag}


@router.delete(
    "/me/answering/{tag}", response={204: None, **ERRORS}, summary="Stop answering a topic"
)
def remove_offer(request, tag: str):
    if not actions.answer_offer_remove(person=request.auth, tag=tag):
        raise Http404("You do not answer questions about this topic.")
    return Status(204, None)


# --- Per-follow feed settings -------------------------------------------------------------------


def _follow_or_404(viewer, person):
    follow = follows_of(viewer).filter(target_person=person).first()
    if follow is None:
        raise Http404("You do not follow this person.")
    return follow


@router.get(
    "/me/following/{handle}/settings",
    response={200: FollowSettingsOut, **ERRORS},
    summary="How a follow's posts reach my feed",
)
def get_follow_settings(request, handle: str):
    person = access_person(request.auth, handle)
    follow = _follow_or_404(request.auth, person)
    return {
        "person": person_summary_dict(person),
        "hide_reposts": follow.hide_reposts,
        "show_replies": follow.show_replies,
    }


@router.patch(
    "/me/following/{handle}/settings",
    response={200: FollowSettingsOut, **ERRORS},
    summary="Hide their reposts, show all their replies",
)
def set_follow_settings(request, handle: str, data: FollowSettingsIn):
    person = access_person(request.auth, handle)
    _follow_or_404(request.auth, person)
    follow = follow_settings_set(
        follower=request.auth,
        target=person,
        hide_reposts=data.hide_reposts,
        show_replies=data.show_replies,
    )
    return {
        "person": person_summary_dict(person),
        "hide_reposts": follow.hide_reposts,
        "show_replies": follow.show_replies,
    }
