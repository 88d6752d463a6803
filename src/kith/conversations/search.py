"""Search: posts the viewer may see, people, tags; one interface over two databases.

Posts are found with SQLite FTS5 (the `conversations_post_fts` table, kept current by the
actions through `index_post` / `unindex_post`) on the embedded default, and with PostgreSQL
full-text search (a GIN index on `to_tsvector('simple', body)`, current by itself) on
PostgreSQL. Both take the same query: words, all required, the last one as a prefix.
Matches are then narrowed by `access.visible_posts`, so a search never shows a post the
viewer may not see. Results are newest first, paged by `max_id`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from kith.conversations.access import visible_posts
from kith.conversations.models import Hashtag, Post
from kith.conversations.selectors import DEFAULT_LIMIT, Page, _page
from kith.core.text import normalise_tag

MAX_TERMS = 8
MIN_PREFIX = 3  # shorter last words match whole words only (a one-letter prefix matches all)
FTS_TABLE = "conversations_post_fts"
_WORD = re.compile(r"\w+", re.UNICODE)


def terms_of(query: str) -> list[str]:
    """Return the words of `query` (lower case, at most MAX_TERMS); punctuation is ignored."""
    return [word.lower() for word in _WORD.findall(query or "")][:MAX_TERMS]


def _fts5_query(terms: list[str]) -> str:
    quoted = [f'"{term}"' for term in terms]  # \w+ words hold no quote: nothing to escape
    if len(terms[-1]) >= MIN_PREFIX:
        quoted[-1] += "*"
    return " ".join(quoted)


def _tsquery(terms: list[str]) -> str:
    quoted = [f"'{term}'" for term in terms]
    if len(terms[-1]) >= MIN_PREFIX:
        quoted[-1] += ":*"
    return " & ".join(quoted)


def _matching(posts, terms: list[str]):
    if connection.vendor == "postgresql":
        return posts.filter(
            RawSQL(
                'to_tsvector(\'simple\'::regconfig, "conversations_post"."body") '
                "@@ to_tsquery('simple'::regconfig, %s)",
                [_tsquery(terms)],
                output_field=BooleanField(),
            )
        )
    if connection.vendor == "sqlite":
        return posts.filter(
            pk__in=RawSQL(  # noqa: S611 — fixed SQL, the query is a bound parameter
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                [_fts5_query(terms)],
            )
        )
    # Any other database: a slow but correct scan.
    for term in terms:
        posts = posts.filter(body__icontains=term)
    return posts


# --- Keeping the index current (called by the actions, inside their transaction) ------------


def index_post(post: Post) -> None:
    """Put `post`'s current text in the index (replacing what was there)."""
    if connection.vendor != "sqlite":
        return  # PostgreSQL's expression index follows the row
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [post.pk])  # noqa: S608
        if post.body and not post.is_deleted and not post.is_repost:
            cursor.execute(
                f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (%s, %s)",  # noqa: S608
                [post.pk, post.body],
            )


def unindex_post(post: Post) -> None:
    """Take `post` out of the index (it was deleted)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [post.pk])  # noqa: S608


# --- Reading ----------------------------------------------------------------------------------


def search_posts(viewer, query: str, *, max_id=None, limit: int = DEFAULT_LIMIT) -> Page:
    """Return the page of posts matching `query` that `viewer` may see, newest first."""
    terms = terms_of(query)
    if not terms:
        return Page(posts=[], next_max_id=None)
    posts = _matching(visible_posts(viewer).filter(repost_of__isnull=True), terms)
    return _page(viewer, posts, max_id=max_id, limit=limit)


def search_people(viewer, query: str, *, limit: int = DEFAULT_LIMIT) -> list:
    """Return people `viewer` may see whose handle starts with, or name holds, `query`."""
    from kith.people.access import people_visible_to

    words = terms_of(query)
    if not words:
        return []
    people = people_visible_to(viewer)
    for word in words:
        people = people.filter(Q(handle__istartswith=word) | Q(display_name__icontains=word))
    return list(people.order_by("handle")[:limit])


def search_tags(viewer, query: str, *, limit: int = DEFAULT_LIMIT) -> list[Hashtag]:
    """Return tags starting with `query` that are on at least one post `viewer` may see."""
    name = normalise_tag(query.strip())
    if name is None:
        return []
    seen = visible_posts(viewer).filter(hashtags=OuterRef("pk"))
    tags = Hashtag.objects.filter(name__startswith=name).filter(Exists(seen))
    return list(tags.order_by("name")[:limit])


@dataclass
class Results:
    """What one search found: a page of posts, and (on the first page) people and tags."""

    query: str
    posts: Page
    people: list = field(default_factory=list)
    tags: list[Hashtag] = field(default_factory=list)


KINDS = ("all", "posts", "people", "tags")


def search(viewer, query: str, *, kind: str = "all", max_id=None, limit=DEFAULT_LIMIT) -> Results:
    """Search posts, people and tags (or just one `kind`) for `viewer`."""
    query = (query or "").strip()[:200]
    empty = Page(posts=[], next_max_id=None)
    first_page = max_id is None
    return Results(
        query=query,
        posts=search_posts(viewer, query, max_id=max_id, limit=limit)
        if kind in ("all", "posts")
        else empty,
        people=search_people(viewer, query, limit=limit)
        if kind in ("all", "people") and first_page
        else [],
        tags=search_tags(viewer, query, limit=limit)
        if kind in ("all", "tags") and first_page
        else [],
    )
