"""Reading feeds: the home feed (Latest and Conversations), list feeds, and what they show.

A feed page is one indexed query on FeedEntry, then the posts through
`conversations.access.posts_by_ids` (the access rule again, at read time: an entry whose
post the reader may no longer see is left out), then a fixed number of prefetches. Mutes
hide entries at read time (an expired mute shows them again); keyword filters hide or
put a warning on posts in every feed.

The hot path, for any API that shows a home timeline (the native feed, Mastodon's
`/api/v1/timelines/home`): `home_feed(viewer, light=True, max_id=…, limit=…)` returns a
`FeedPage` without any JSON shape. When `page.light` is true (Latest mode, no quote on the
page) it came from `latest_light`: prepared queries (`core.prepared`) for the filters, the
entries (mutes applied), the posts through the access rule (`access.light_posts_by_ids`),
the viewer's flags (`access.annotate_light`: `post.viewer_reactions`, a set of "helpful"
/ "used", and `post.viewer_reposted`) and the relevance; the posts are light (counters,
visibility, policies, author names; a repost carries its original as `repost_of`), their
text, tags, media and poll come from `api.post_serializers.fragments_for(posts)`, cached by
(id, version) so an edit shows at once. Each item gives the entry (`item.entry`, its
`sort_key` is the page cursor), the post shown (`item.post`, `item.shown`) and the warn
filter it matched (`item.warning`); `page.next_max_id` is the next page's cursor. When
`page.light` is false, the posts are full ORM posts (`access.posts_by_ids`, annotated by
`annotate_for_viewer`) with the same flags. Serialise either into your own shape.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from kith.conversations.access import (
    annotate_for_viewer,
    posts_by_ids,
    visible_posts,
    with_relations,
)
from kith.conversations.models import Post, PostKind
from kith.core.ids import parse_id
from kith.feeds import ranking
from kith.feeds.models import (
    FeedEntry,
    FeedReason,
    Filter,
    FilterAction,
    FilterContext,
    FilterKeyword,
    FilterStatus,
    PersonList,
)
from kith.relationships.access import active_mutes

DEFAULT_LIMIT = 20
RANKED_CANDIDATES = 300
LATEST, CONVERSATIONS = "latest", "conversations"
MODES = (LATEST, CONVERSATIONS)

ENTRY_FIELDS = (
    "id",
    "owner_id",
    "post_id",
    "author_id",
    "via_post_id",
    "sharer_id",
    "via_person_id",
    "reason",
    "reason_detail",
    "sort_key",
    "score_relationship",
    "score_interest",
    "score_author",
    "known_replies",
)


@dataclass
class FeedItem:
    """One post in a feed: `post` is what to show (a repost, whose `repost_of` is `shown`)."""

    post: Post
    entry: FeedEntry | None = None
    score: ranking.Score | None = None
    warning: str = ""  # the phrase of a "warn" filter it matches

    @property
    def shown(self) -> Post:
        return self.post.repost_of if self.post.repost_of_id is not None else self.post

    @property
    def cursor(self) -> int:
        return self.entry.sort_key if self.entry is not None else self.post.pk

    def why(self) -> dict:
        """Return the reason and the parts of the score ("why am I seeing this")."""
        entry = self.entry
        if entry is None:
            return {"reason": "list", "text": "It is by someone on this list.", "score": None}
        text = why_text(entry, self.post)
        return {
            "reason": entry.reason,
            "detail": entry.reason_detail,
            "text": text,
            "score": self.score.parts() if self.score is not None else None,
        }


def _name(person) -> str:
    return person.display_name or f"@{person.handle}"


def why_text(entry: FeedEntry, post: Post) -> str:
    """Say, in a sentence, why `entry` is in its owner's feed."""
    shown = post.repost_of if post.repost_of_id is not None else post
    author = _name(shown.author)
    match entry.reason:
        case FeedReason.OWN:
            return "You wrote it."
        case FeedReason.MENTION:
            return f"{author} mentioned you."
        case FeedReason.REPLY_TO_YOU:
            return f"{author} replied to you."
        case FeedReason.CONNECTION:
            return f"You are connected to {author}."
        case FeedReason.FOLLOW:
            return f"You follow {author}."
        case FeedReason.REPOST:
            sharer = _name(post.author)
            via = getattr(entry, "via_person", None) if entry.via_person_id else None
            return f"{sharer} shared it" + (f" (via {_name(via)})." if via else ".")
        case FeedReason.TOPIC:
            tags = entry.reason_detail
            return f"You follow one of its topics ({tags})." if tags else "You follow its topic."
        case FeedReason.COMMUNITY:
            name = entry.reason_detail
            return f"You are a member of {name}." if name else "You are a member of its community."
        case FeedReason.QUESTION:
            return f"You answer questions about {entry.reason_detail}."
    return ""


@dataclass
class FeedPage:
    items: list[FeedItem]
    mode: str = LATEST
    next_max_id: int | None = None
    next_page: int | None = None
    hidden: int = 0  # left out by a filter or the access rule
    lists: list = field(default_factory=list)
    light: bool = False  # posts loaded light (`latest_light`): show them with their fragments
    filters: list | None = None  # the viewer's active filters, as loaded for the page

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


# --- Filters ----------------------------------------------------------------------------------
#
# A person's active filters are loaded in one query (`active_filters`, or `light_filters`
# prepared on the hot path): each `Filter` carries `keyword_list` ((keyword, whole_word)
# pairs) and `has_statuses`. The posts a filter names are read, for the posts of one page,
# in one more query and only when one of the filters names posts (`FilterStatuses`).

HOME = FilterContext.HOME
FILTER_FIELDS = ("id", "owner_id", "title", "contexts", "action", "expires_at", "created_at")
_FILTER_ROW = (*FILTER_FIELDS, "has_statuses", "keywords__keyword", "keywords__whole_word")


@lru_cache(maxsize=4096)
def _pattern(phrase: str, whole_word: bool) -> re.Pattern:
    escaped = re.escape(phrase)
    return re.compile(rf"(?<!\w){escaped}(?!\w)" if whole_word else escaped, re.IGNORECASE)


def _filter_rows(queryset):
    """`queryset` of filters as rows: the filter, whether it names posts, one keyword."""
    named = FilterStatus.objects.filter(filter=OuterRef("pk"))
    return (
        queryset.annotate(has_statuses=Exists(named))
        .order_by("id", "keywords__id")
        .values_list(*_FILTER_ROW)
    )


def _grouped(rows) -> list[Filter]:
    """Turn `_filter_rows` rows into filters carrying `keyword_list` and `has_statuses`."""
    from kith.core.prepared import instance

    found: dict[int, Filter] = {}
    n = len(FILTER_FIELDS)
    for row in rows:
        one = found.get(row[0])
        if one is None:
            one = found[row[0]] = instance(Filter, FILTER_FIELDS, row[:n])
            one.has_statuses = bool(row[n])
            one.keyword_list = []
        if row[n + 1] is not None:
            one.keyword_list.append((row[n + 1], bool(row[n + 2])))
    return list(found.values())


def active_filters(person, *, now=None) -> list[Filter]:
    """Return `person`'s filters that have not expired, with their keywords (one query)."""
    now = now or timezone.now()
    active = Filter.objects.filter(owner=person).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    return _grouped(_filter_rows(active))


def in_context(filters: list[Filter], context: str | None) -> list[Filter]:
    """The filters that apply in `context` (None: all of them)."""
    if context is None:
        return filters
    return [f for f in filters if context in f.contexts]


class FilterStatuses:
    """Which of some posts each filter names: one query, only when a filter names posts."""

    def __init__(self, filters: list[Filter], post_ids) -> None:
        naming = [f.pk for f in filters if getattr(f, "has_statuses", True)]
        self.named: dict[int, set[int]] = {}
        ids = {pk for pk in post_ids if pk is not None}
        if naming and ids:
            rows = FilterStatus.objects.filter(filter_id__in=naming, post_id__in=ids)
            for filter_id, post_id in rows.values_list("filter_id", "post_id"):
                self.named.setdefault(filter_id, set()).add(post_id)

    def of(self, filter_id: int, post_id: int) -> bool:
        return post_id in self.named.get(filter_id, ())


@dataclass
class FilterMatch:
    """A filter a post matches, with the keywords it matched and whether it names the post."""

    filter: Filter
    keywords: list[str]
    status_ids: list[int]


def filter_matches(
    filters: list[Filter],
    text: str,
    post_id: int | None = None,
    named: FilterStatuses | None = None,
) -> list[FilterMatch]:
    """Return every one of `filters` that a post matches: its `text` (body and content
    warning) contains one of their keywords, or the filter names the post (`named`)."""
    found = []
    for one in filters:
        words = [k for k, whole in one.keyword_list if _pattern(k, whole).search(text)]
        statuses = [post_id] if named is not None and named.of(one.pk, post_id) else []
        if words or statuses:
            found.append(FilterMatch(one, words, statuses))
    return found


def _text(post: Post) -> str:
    return f"{post.body}\n{post.content_warning}"


def filter_match(
    filters: list[Filter], post: Post, named: FilterStatuses | None = None
) -> Filter | None:
    """Return the filter `post` (or the post it reposts) matches: hide filters first."""
    shown = post.repost_of if post.repost_of_id is not None else post
    found = None
    for match in filter_matches(filters, _text(shown), shown.pk, named):
        if match.filter.action == FilterAction.HIDE:
            return match.filter
        found = found or match.filter
    return found


def apply_filters(
    filters: list[Filter], items: list[FeedItem], context: str = HOME
) -> tuple[list[FeedItem], int]:
    """Drop the items a hide filter of `context` matches and mark the ones a warn filter
    matches (`item.warning`: its title); the posts a filter names cost one query."""
    filters = in_context(filters, context)
    if not filters or not items:
        return items, 0
    named = FilterStatuses(filters, [item.shown.pk for item in items])
    kept = []
    for item in items:
        found = filter_match(filters, item.post, named)
        if found is None:
            kept.append(item)
        elif found.action == FilterAction.WARN:
            item.warning = found.title
            kept.append(item)
    return kept, len(items) - len(kept)


# --- The home feed ------------------------------------------------------------------------------


def _entries(viewer):
    mutes = active_mutes(viewer).values("muted")
    return (
        FeedEntry.objects.filter(owner=viewer).exclude(author__in=mutes).exclude(sharer__in=mutes)
    )


def _relevance(viewer, post_ids) -> dict[int, float] | None:
    """Return how relevant `post_ids` are to `viewer` (embeddings); None without interests."""
    from kith.relevance.scoring import relevance_by_post_id

    return relevance_by_post_id(viewer, post_ids)


def _score(entry: FeedEntry, post: Post, now, relevance: dict | None = None) -> ranking.Score:
    return ranking.score(
        relationship=entry.score_relationship,
        interest=entry.score_interest,
        author=entry.score_author,
        known_replies=entry.known_replies,
        is_question=post.kind == PostKind.QUESTION,
        replies=post.replies_count,
        answered=post.accepted_answer_id is not None,
        helpful=post.helpful_count,
        used=post.used_count,
        created_at=post.created_at,
        now=now,
        relevance=relevance.get(post.pk) if relevance else None,
    )


def _hydrate(
    viewer, entries: list[FeedEntry], now, relevance: dict | None = None
) -> tuple[list[FeedItem], int]:
    """Turn entries into items, checking access again; return (items, how many left out).

    `relevance` (post id → 0..1) as `_relevance` gives it; asked for here when not given.
    """
    if relevance is None:
        relevance = _relevance(viewer, {e.post_id for e in entries})
    ids = {e.post_id for e in entries} | {e.via_post_id for e in entries if e.via_post_id}
    posts = posts_by_ids(viewer, ids) if ids else {}
    items = []
    for entry in entries:
        shown = posts.get(entry.post_id)
        if shown is None:
            continue
        if entry.via_post_id is not None:
            post = posts.get(entry.via_post_id)
            if post is None:
                continue
        else:
            post = shown
        shown_post = post.repost_of if post.repost_of_id is not None else post
        scored = _score(entry, shown_post, now, relevance)
        items.append(FeedItem(post=post, entry=entry, score=scored))
    annotate_for_viewer(viewer, [item.post for item in items])
    return items, len(entries) - len(items)


def home_feed(
    viewer,
    *,
    mode: str = LATEST,
    max_id=None,
    min_id=None,
    page: int = 1,
    limit: int = DEFAULT_LIMIT,
    light: bool = False,
) -> FeedPage:
    """Return a page of `viewer`'s home feed.

    Latest: newest first, paged by `max_id` (the `next_max_id` of the page before);
    `min_id`: the page just above it (the `limit` entries right after it, still shown
    newest first), for reading up towards the newest.
    Conversations: the newest `RANKED_CANDIDATES` entries ranked by `ranking.score`, paged by
    `page` (1, 2, …).

    `light` (Latest only): the hot path of the API (`latest_light`): prepared queries, light
    posts whose text comes from cached fragments; `page.light` says whether it was taken.
    """
    from kith.feeds.actions import feed_seen

    feed_seen(person=viewer)
    limit = max(1, min(limit, settings.KITH_API_PAGE_MAX))
    now = timezone.now()
    min_id = parse_id(min_id) if min_id is not None else None
    if light and mode == LATEST and min_id is None:
        found = latest_light(viewer, max_id=max_id, limit=limit, now=now)
        if found is not None:
            return found
    filters = active_filters(viewer, now=now)
    entries_qs = _entries(viewer).select_related("via_person")
    if mode == CONVERSATIONS:
        page = max(1, min(page, RANKED_CANDIDATES // limit + 1))
        ranked, relevance = _ranked_ids(viewer, now)
        chosen = ranked[(page - 1) * limit : page * limit]
        by_id = {e.pk: e for e in entries_qs.filter(pk__in=chosen)} if chosen else {}
        entries = [by_id[pk] for pk in chosen if pk in by_id]
        items, left_out = _hydrate(viewer, entries, now, relevance or {})
        items, filtered = apply_filters(filters, items)
        more = len(ranked) > page * limit
        return FeedPage(
            items=items,
            mode=mode,
            next_page=page + 1 if more else None,
            hidden=left_out + filtered,
            filters=filters,
        )
    max_id = parse_id(max_id) if max_id is not None else None
    if max_id is not None:
        entries_qs = entries_qs.filter(sort_key__lt=max_id)
    if min_id is not None:  # the oldest `limit` above it, newest first; older ones exist
        rows = list(entries_qs.filter(sort_key__gt=min_id).order_by("sort_key")[:limit])
        rows.reverse()
        more = bool(rows)
    else:
        rows = list(entries_qs.order_by("-sort_key")[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
    items, left_out = _hydrate(viewer, rows, now)
    items, filtered = apply_filters(filters, items)
    return FeedPage(
        items=items,
        mode=LATEST,
        next_max_id=rows[-1].sort_key if more and rows else None,
        hidden=left_out + filtered,
        filters=filters,
    )


# --- The hot path: Latest with prepared queries ----------------------------------------------


def _entries_query(p):
    from kith.people.models import Person

    owner = Person(pk=p.id("owner"))
    mutes = active_mutes(owner, now=p.now()).values("muted")
    entries = FeedEntry.objects.filter(owner=owner).exclude(author__in=mutes)
    return entries.exclude(sharer__in=mutes)


VIA_FIELDS = ("id", "handle", "display_name", "avatar")


def _prepared_latest():
    from kith.core.prepared import Prepared

    global _LATEST, _FILTERS
    if _LATEST is None:
        columns = [*ENTRY_FIELDS, *(f"via_person__{f}" for f in VIA_FIELDS)]
        _LATEST = {
            older: {
                size: Prepared(
                    lambda p, older=older, size=size: (
                        (
                            _entries_query(p).filter(sort_key__lt=p.id("max_id"))
                            if older
                            else _entries_query(p)
                        )
                        .order_by("-sort_key")
                        .values_list(*columns)[:size]
                    )
                )
                for size in (DEFAULT_LIMIT + 1,)
            }
            for older in (False, True)
        }
        _FILTERS = Prepared(
            lambda p: _filter_rows(
                Filter.objects.filter(owner_id=p.id("owner")).filter(
                    Q(expires_at__isnull=True) | Q(expires_at__gt=p.now())
                )
            )
        )
    return _LATEST, _FILTERS


_LATEST = _FILTERS = None


def _latest_rows(viewer, max_id, limit: int, now) -> list[FeedEntry]:
    from kith.core.prepared import instance
    from kith.people.models import Person

    latest, _ = _prepared_latest()
    prepared = latest[max_id is not None].get(limit + 1)
    values = {"owner": viewer.pk, "now": now}
    if max_id is not None:
        values["max_id"] = max_id
    if prepared is not None:
        rows = prepared.rows(**values)
    else:  # another page size: the ORM compiles it
        qs = _entries(viewer).select_related("via_person").order_by("-sort_key")
        if max_id is not None:
            qs = qs.filter(sort_key__lt=max_id)
        return list(qs[: limit + 1])
    n = len(ENTRY_FIELDS)
    entries = []
    for row in rows:
        entry = instance(FeedEntry, ENTRY_FIELDS, row[:n])
        if entry.via_person_id is not None:
            entry._state.fields_cache["via_person"] = instance(Person, VIA_FIELDS, row[n:])
        entries.append(entry)
    return entries


def light_filters(viewer, now) -> list[Filter]:
    """`active_filters`, with a prepared query."""
    _, filters = _prepared_latest()
    return _grouped(filters.rows(owner=viewer.pk, now=now))


def latest_light(viewer, *, max_id=None, limit: int = DEFAULT_LIMIT, now=None) -> FeedPage | None:
    """A Latest page as `home_feed` returns it, in six prepared queries (filters, entries,
    posts through the access rule, the viewer's reactions and reposts; relevance) with
    light posts (`access.light_posts_by_ids`): their text, tags and media are the cached
    fragments (`api.post_serializers.fragments_for`). None when the page holds a quote
    (shown per viewer: the caller takes the full path)."""
    from kith.conversations.access import annotate_light, light_posts_by_ids

    now = now or timezone.now()
    max_id = parse_id(max_id) if max_id is not None else None
    filters = light_filters(viewer, now)
    rows = _latest_rows(viewer, max_id, limit, now)
    more = len(rows) > limit
    rows = rows[:limit]
    ids = {e.post_id for e in rows} | {e.via_post_id for e in rows if e.via_post_id}
    posts = light_posts_by_ids(viewer, ids) if ids else {}
    shown = list(posts.values()) + [p.repost_of for p in posts.values() if p.repost_of_id]
    if any(p.quote_of_id is not None or p.quote_revoked for p in shown):
        return None
    relevance = _relevance(viewer, {e.post_id for e in rows})
    items = []
    for entry in rows:
        post = posts.get(entry.post_id)
        if post is None:
            continue
        if entry.via_post_id is not None:
            post = posts.get(entry.via_post_id)
            if post is None:
                continue
        shown_post = post.repost_of if post.repost_of_id is not None else post
        items.append(
            FeedItem(post=post, entry=entry, score=_score(entry, shown_post, now, relevance))
        )
    annotate_light(viewer, [item.post for item in items])
    if filters and items:
        from kith.api.post_serializers import fragments_for

        texts = fragments_for([item.post for item in items])
        for item in items:
            for one in (item.post, item.shown):
                one.body = texts[one.pk]["body"]
                one.content_warning = texts[one.pk]["content_warning"]
    left_out = len(rows) - len(items)
    items, filtered = apply_filters(filters, items)
    return FeedPage(
        items=items,
        mode=LATEST,
        next_max_id=rows[-1].sort_key if more and rows else None,
        hidden=left_out + filtered,
        light=True,
        filters=filters,
    )


def _ranked_ids(viewer, now) -> tuple[list[int], dict[int, float] | None]:
    """Return the ids of the newest candidate entries, best first, and their posts' relevance.

    One query for the candidates, three for the relevance (`_relevance`).
    """
    rows = list(
        _entries(viewer)
        .order_by("-sort_key")
        .values_list(
            "id",
            "score_relationship",
            "score_interest",
            "score_author",
            "known_replies",
            "post__kind",
            "post__replies_count",
            "post__accepted_answer_id",
            "post__helpful_count",
            "post__used_count",
            "post__created_at",
            "sort_key",
            "post_id",
        )[:RANKED_CANDIDATES]
    )
    relevance = _relevance(viewer, {row[-1] for row in rows})
    scored = []
    for row in rows:
        (pk, rel, interest, author, known, kind, replies) = row[:7]
        (accepted, helpful, used, at, key, post_id) = row[7:]
        total = ranking.score(
            relationship=rel,
            interest=interest,
            author=author,
            known_replies=known,
            is_question=kind == PostKind.QUESTION,
            replies=replies,
            answered=accepted is not None,
            helpful=helpful,
            used=used,
            created_at=at,
            now=now,
            relevance=relevance.get(post_id) if relevance else None,
        ).total
        scored.append((total, key, pk))
    scored.sort(reverse=True)
    return [pk for _, _, pk in scored], relevance


def feed_item(viewer, entry: FeedEntry) -> FeedItem | None:
    """Return `entry` (of `viewer`'s feed) as an item, or None if they may no longer see it."""
    items, _ = _hydrate(viewer, [entry], timezone.now())
    return items[0] if items else None


def access_entry(viewer, entry_id) -> FeedItem:
    """Return entry `entry_id` of `viewer`'s feed as an item, or raise Http404 (someone
    else's entry, or a post they may no longer see)."""
    from django.http import Http404

    pk = parse_id(entry_id)
    entry = (
        FeedEntry.objects.filter(owner=viewer, pk=pk).select_related("via_person").first()
        if pk
        else None
    )
    item = feed_item(viewer, entry) if entry is not None else None
    if item is None:
        raise Http404("No such feed entry.")
    return item


def filters_of(person) -> list[Filter]:
    """Return all of `person`'s filters, expired ones too (they say so), by title, with their
    keywords and the posts they name (three queries)."""
    from django.db.models import Prefetch

    return list(
        Filter.objects.filter(owner=person)
        .prefetch_related(Prefetch("keywords", queryset=FilterKeyword.objects.order_by("id")))
        .prefetch_related("statuses")
    )


def filter_with_parts(person, filter_id) -> Filter:
    """`access_filter` with its keywords and named posts prefetched (three queries)."""
    from django.http import Http404

    pk = parse_id(filter_id)
    found = (
        Filter.objects.filter(owner=person, pk=pk).prefetch_related("keywords", "statuses").first()
        if pk
        else None
    )
    if found is None:
        raise Http404("No such filter.")
    return found


def access_filter(person, filter_id) -> Filter:
    """Return `person`'s filter `filter_id`, or raise Http404 (someone else's is missing)."""
    from django.http import Http404

    pk = parse_id(filter_id)
    found = Filter.objects.filter(owner=person, pk=pk).first() if pk else None
    if found is None:
        raise Http404("No such filter.")
    return found


def answer_offers_of(person) -> list:
    from kith.feeds.models import AnswerOffer

    return list(AnswerOffer.objects.filter(person=person))


# --- Lists --------------------------------------------------------------------------------------


def lists_of(person) -> list[PersonList]:
    return list(PersonList.objects.filter(owner=person))


def list_feed(
    viewer, person_list: PersonList, *, max_id=None, min_id=None, limit: int = DEFAULT_LIMIT
) -> FeedPage:
    """Return a page of the posts (not replies) by the people on `person_list`, newest first.

    Read straight from the posts through the access rule; mutes and filters apply. Paged
    by `max_id` as the home feed; `min_id`: the page just above it, newest first.
    """
    limit = max(1, min(limit, settings.KITH_API_PAGE_MAX))
    members = person_list.members.values("person_id")
    posts = (
        visible_posts(viewer)
        .filter(author__in=members, in_reply_to__isnull=True)
        .exclude(author__in=active_mutes(viewer).values("muted"))
    )
    max_id = parse_id(max_id) if max_id is not None else None
    min_id = parse_id(min_id) if min_id is not None else None
    if max_id is not None:
        posts = posts.filter(id__lt=max_id)
    if min_id is not None:  # the oldest `limit` above it, newest first; older ones exist
        rows = list(with_relations(posts.filter(id__gt=min_id)).order_by("id")[:limit])
        rows.reverse()
        more = bool(rows)
    else:
        rows = list(with_relations(posts).order_by("-id")[: limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
    annotate_for_viewer(viewer, rows)
    filters = active_filters(viewer)
    items, filtered = apply_filters(filters, [FeedItem(post=p) for p in rows])
    return FeedPage(
        items=items,
        mode="list",
        next_max_id=rows[-1].pk if more else None,
        hidden=filtered,
        filters=filters,
    )


def access_list(viewer, list_id) -> PersonList:
    """Return `viewer`'s list `list_id`, or raise Http404 (someone else's lists are missing)."""
    from django.http import Http404

    pk = parse_id(list_id)
    found = PersonList.objects.filter(owner=viewer, pk=pk).first() if pk else None
    if found is None:
        raise Http404("No such list.")
    return found
