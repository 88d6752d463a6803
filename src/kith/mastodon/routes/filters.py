"""Filters (docs.joinmastodon.org/methods/filters) on Kith's filters (`feeds.models.Filter`):
v2 filters with their keywords and statuses, and the v1 API (one keyword = one v1 filter).

Every change goes through `feeds.actions` (all or nothing: a bad keyword among good ones
changes nothing) and tells the person's `user` streams `filters_changed`. Someone else's
filter, keyword or status filter is a 404; bad input a 422. Kith has no `blur` action (a
422 says so). See docs/mastodon.md ("Mapping: filters").
"""

from __future__ import annotations

from django.http import Http404
from ninja import Router, Schema
from pydantic import Field

from kith.core.ids import parse_id
from kith.feeds import actions
from kith.feeds.models import Filter, FilterAction, FilterKeyword, FilterStatus
from kith.feeds.selectors import access_filter, filters_of
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import not_found, unprocessable
from kith.mastodon.parser import Params

router_v1 = Router(tags=["filters"])
router_v2 = Router(tags=["filters"])

READ = mastodon_auth("read:filters")
WRITE = mastodon_auth("write:filters")

Text = str | int | float | None
Flag = bool | None


class KeywordAttributes(Schema):
    id: str | int | None = None
    keyword: Text = None
    whole_word: Flag = None
    destroy: Flag = Field(None, alias="_destroy")


class FilterIn(Schema):
    title: Text = None
    context: list[str] | str | None = None
    filter_action: str | None = None
    expires_in: int | str | None = None
    keywords_attributes: list[KeywordAttributes] | None = None


class KeywordIn(Schema):
    keyword: Text = None
    whole_word: Flag = None


class StatusIn(Schema):
    status_id: str | int | None = None


class FilterV1In(Schema):
    phrase: Text = None
    context: list[str] | str | None = None
    irreversible: Flag = None
    whole_word: Flag = None
    expires_in: int | str | None = None


def _contexts(value) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _text(value) -> str | None:
    return None if value is None else str(value)


def _filter(person, filter_id) -> Filter:
    found = access_filter(person, filter_id)  # someone else's: Http404 → 404
    return Filter.objects.prefetch_related("keywords", "statuses").get(pk=found.pk)


def _keyword(person, keyword_id) -> FilterKeyword:
    pk = parse_id(keyword_id)
    found = (
        FilterKeyword.objects.filter(pk=pk, filter__owner=person).select_related("filter").first()
        if pk
        else None
    )
    if found is None:
        raise not_found()
    return found


def _named(person, filter_status_id) -> FilterStatus:
    pk = parse_id(filter_status_id)
    found = (
        FilterStatus.objects.filter(pk=pk, filter__owner=person).select_related("filter").first()
        if pk
        else None
    )
    if found is None:
        raise not_found()
    return found


def _changes(params: Schema, names: dict[str, str]) -> dict:
    """The `filter_update` arguments of the parameters that were sent (`names`: parameter →
    argument)."""
    given = params.model_fields_set
    changes = {}
    for name, argument in names.items():
        if name in given:
            value = getattr(params, name)
            if name == "context":
                value = _contexts(value) or []
            elif name == "title":
                value = _text(value)
            changes[argument] = value
    return changes


# --- v2 ------------------------------------------------------------------------------------


@router_v2.get("/filters", auth=READ)
def all_filters(request):
    """Your filters (expired ones too: `expires_at` says), by title."""
    return [entities.filter_entity(f) for f in filters_of(request.auth)]


@router_v2.post("/filters", auth=WRITE)
def create_filter(request, params: Params[FilterIn]):
    """A filter: `title`, `context[]`, `filter_action`, `expires_in` (seconds) and
    `keywords_attributes[][keyword|whole_word]`."""
    if params.title is None:
        raise unprocessable("title can't be blank")
    contexts = _contexts(params.context)
    if not contexts:
        raise unprocessable("context can't be blank")
    keywords = [
        (_text(k.keyword) or "", True if k.whole_word is None else k.whole_word)
        for k in params.keywords_attributes or ()
        if not k.destroy
    ]
    found = actions.filter_create(
        owner=request.auth,
        title=_text(params.title),
        contexts=contexts,
        action=params.filter_action or FilterAction.WARN,
        expires_in=params.expires_in,
        keywords=keywords,
    )
    return entities.filter_entity(_filter(request.auth, found.pk))


@router_v2.get("/filters/{filter_id}", auth=READ)
def get_filter(request, filter_id: str):
    return entities.filter_entity(_filter(request.auth, filter_id))


@router_v2.put("/filters/{filter_id}", auth=WRITE)
def update_filter(request, filter_id: str, params: Params[FilterIn]):
    """Change what is sent (`expires_in` empty: never expires); `keywords_attributes[]` with
    an `id` change that keyword (or remove it: `_destroy`), without one add a keyword."""
    found = access_filter(request.auth, filter_id)
    changes = _changes(
        params,
        {
            "title": "title",
            "context": "contexts",
            "filter_action": "action",
            "expires_in": "expires_in",
        },
    )
    if changes.get("action", "") is None:
        del changes["action"]
    keywords = [
        actions.KeywordChange(
            id=k.id, keyword=_text(k.keyword), whole_word=k.whole_word, destroy=bool(k.destroy)
        )
        for k in params.keywords_attributes or ()
    ]
    actions.filter_update(filter=found, keywords=keywords, **changes)
    return entities.filter_entity(_filter(request.auth, found.pk))


@router_v2.delete("/filters/{filter_id}", auth=WRITE)
def delete_filter(request, filter_id: str):
    actions.filter_delete(filter=access_filter(request.auth, filter_id))
    return {}


@router_v2.get("/filters/{filter_id}/keywords", auth=READ)
def filter_keywords(request, filter_id: str):
    found = _filter(request.auth, filter_id)
    return [entities.filter_keyword(k) for k in found.keywords.all()]


@router_v2.post("/filters/{filter_id}/keywords", auth=WRITE)
def add_keyword(request, filter_id: str, params: Params[KeywordIn]):
    """Add `keyword` (with `whole_word`, true unless sent) to the filter."""
    found = access_filter(request.auth, filter_id)
    if params.keyword is None:
        raise unprocessable("keyword can't be blank")
    whole = True if params.whole_word is None else params.whole_word
    keyword = actions.filter_keyword_add(
        filter=found, keyword=_text(params.keyword), whole_word=whole
    )
    return entities.filter_keyword(keyword)


@router_v2.get("/filters/keywords/{keyword_id}", auth=READ)
def get_keyword(request, keyword_id: str):
    return entities.filter_keyword(_keyword(request.auth, keyword_id))


@router_v2.put("/filters/keywords/{keyword_id}", auth=WRITE)
def update_keyword(request, keyword_id: str, params: Params[KeywordIn]):
    keyword = _keyword(request.auth, keyword_id)
    changed = actions.filter_keyword_update(
        keyword=keyword, text=_text(params.keyword), whole_word=params.whole_word
    )
    return entities.filter_keyword(changed)


@router_v2.delete("/filters/keywords/{keyword_id}", auth=WRITE)
def delete_keyword(request, keyword_id: str):
    actions.filter_keyword_remove(keyword=_keyword(request.auth, keyword_id))
    return {}


@router_v2.get("/filters/{filter_id}/statuses", auth=READ)
def filter_statuses(request, filter_id: str):
    found = _filter(request.auth, filter_id)
    return [entities.filter_status(s) for s in found.statuses.all()]


@router_v2.post("/filters/{filter_id}/statuses", auth=WRITE)
def add_status(request, filter_id: str, params: Params[StatusIn]):
    """Make the filter match the status `status_id` (one you may see) and reblogs of it."""
    from kith.conversations.access import access_post

    found = access_filter(request.auth, filter_id)
    try:
        post = access_post(request.auth, str(params.status_id or ""))
    except Http404:
        raise unprocessable("status_id: no such status") from None
    if post.repost_of_id is not None:  # a reblog: the filter names what it shares
        post = access_post(request.auth, post.repost_of_id)
    return entities.filter_status(actions.filter_status_add(filter=found, post=post))


@router_v2.get("/filters/statuses/{filter_status_id}", auth=READ)
def get_status_filter(request, filter_status_id: str):
    return entities.filter_status(_named(request.auth, filter_status_id))


@router_v2.delete("/filters/statuses/{filter_status_id}", auth=WRITE)
def delete_status_filter(request, filter_status_id: str):
    actions.filter_status_remove(filter_status=_named(request.auth, filter_status_id))
    return {}


# --- v1: one keyword of a filter is one v1 filter ------------------------------------------


@router_v1.get("/filters", auth=READ)
def all_filters_v1(request):
    """Every keyword of every filter, as v1 filters."""
    return [entities.filter_v1(k) for f in filters_of(request.auth) for k in f.keywords.all()]


@router_v1.get("/filters/{keyword_id}", auth=READ)
def get_filter_v1(request, keyword_id: str):
    return entities.filter_v1(_keyword(request.auth, keyword_id))


@router_v1.post("/filters", auth=WRITE)
def create_filter_v1(request, params: Params[FilterV1In]):
    """A filter titled `phrase` with that one keyword; `irreversible`: hide."""
    contexts = _contexts(params.context)
    if not contexts:
        raise unprocessable("context can't be blank")
    phrase = _text(params.phrase) or ""
    found = actions.filter_create(
        owner=request.auth,
        title=phrase,
        contexts=contexts,
        action=FilterAction.HIDE if params.irreversible else FilterAction.WARN,
        expires_in=params.expires_in,
        keywords=[(phrase, True if params.whole_word is None else params.whole_word)],
    )
    return entities.filter_v1(found.keywords.select_related("filter").get())


@router_v1.put("/filters/{keyword_id}", auth=WRITE)
def update_filter_v1(request, keyword_id: str, params: Params[FilterV1In]):
    """Change the keyword; the filter's contexts, action and expiry too when it is the
    filter's only keyword (a filter of several keywords is changed through v2)."""
    keyword = _keyword(request.auth, keyword_id)
    found = keyword.filter
    changes = _changes(params, {"context": "contexts", "expires_in": "expires_in"})
    if "irreversible" in params.model_fields_set and params.irreversible is not None:
        changes["action"] = FilterAction.HIDE if params.irreversible else FilterAction.WARN
    only = found.keywords.count() == 1
    if changes and not only:
        raise unprocessable("this filter has several keywords: change it with /api/v2/filters")
    if only and params.phrase is not None:
        changes["title"] = _text(params.phrase)
    change = actions.KeywordChange(
        id=keyword.pk, keyword=_text(params.phrase), whole_word=params.whole_word
    )
    actions.filter_update(filter=found, keywords=[change], **changes)
    return entities.filter_v1(_keyword(request.auth, keyword.pk))


@router_v1.delete("/filters/{keyword_id}", auth=WRITE)
def delete_filter_v1(request, keyword_id: str):
    """Remove the keyword; a filter left without keywords or statuses goes with it."""
    keyword = _keyword(request.auth, keyword_id)
    found = keyword.filter
    if found.keywords.count() == 1 and not found.statuses.exists():
        actions.filter_delete(filter=found)
    else:
        actions.filter_keyword_remove(keyword=keyword)
    return {}
