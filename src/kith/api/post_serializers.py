"""Turning posts into API dictionaries: one place, for every post endpoint of the native API.

Posts come in loaded by `conversations.access` or `selectors` (`with_relations` plus
`annotate_for_viewer`), so building a dict runs no query of its own; the one exception is
a page holding reposts of quotes, whose quoted posts are fetched together, in one query.
The dicts hold only what orjson encodes natively (str, int, bool, None, datetime, list).
"""

from __future__ import annotations

import orjson
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone

from kith.api.serializers import person_summary_dict
from kith.conversations.access import (
    loaded_poll,
    poll_votes_of,
    posts_by_ids,
    posts_for_fragments,
)
from kith.conversations.media import media_for_posts
from kith.conversations.models import Media, Post, PostEdit, Reaction
from kith.conversations.polls import poll_dict, poll_fragment, poll_view
from kith.people.models import profile_url_prefix

JSON_OPTIONS = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS


def json_response(data, *, status: int = 200, headers: dict | None = None) -> HttpResponse:
    """Return `data` encoded by orjson (no per-item schema validation on hot responses)."""
    return HttpResponse(
        orjson.dumps(data, option=JSON_OPTIONS),
        content_type="application/json",
        status=status,
        headers=headers,
    )


def _id(value: int | None) -> str | None:
    return None if value is None else str(value)


class _Authors(dict):
    """Person summaries by id, each built once per response (threads repeat authors)."""

    def __init__(self) -> None:
        super().__init__()
        self.base_url = settings.BASE_URL
        self.profiles = profile_url_prefix()

    def of(self, person) -> dict:
        summary = self.get(person.id)
        if summary is None:
            summary = self[person.id] = person_summary_dict(
                person, base_url=self.base_url, profiles=self.profiles
            )
        return summary


def media_dict(media: Media) -> dict:
    """Return an image as the API shows it (media endpoints and posts' `media` lists)."""
    return {
        "id": str(media.pk),
        "url": settings.BASE_URL + media.url,
        "thumbnail_url": settings.BASE_URL + media.thumbnail_url,
        "width": media.width,
        "height": media.height,
        "alt_text": media.alt_text,
        "post_id": str(media.post_id) if media.post_id else None,
    }


def _images(posts: list[Post]) -> dict[int, list[dict]]:
    """Return the image dicts of `posts` and of the posts they repost, by post id (one query)."""
    shown = posts + [p.repost_of for p in posts if p.repost_of_id is not None]
    return {
        post_id: [media_dict(m) for m in found] for post_id, found in media_for_posts(shown).items()
    }


def _url(post: Post, author: dict) -> str:
    """Return the post's page (as `Post.get_absolute_url`), from its author's profile URL."""
    return f"{author['url']}/{post.pk}"


def _quoted_dict(post: Post, authors: _Authors) -> dict:
    """Return the post a quote shows: enough to draw the embedded card."""
    author = authors.of(post.author)
    return {
        "id": str(post.pk),
        "url": _url(post, author),
        "author": author,
        "kind": post.kind,
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "content_warning": post.content_warning,
        "body": post.body,
        "html": post.html,
    }


def _quote_dict(post: Post, quoted: dict[int, Post], authors: _Authors) -> dict | None:
    """Return what `post` shows of the post it quotes, or None if it quotes nothing."""
    state = getattr(post, "quote_state", "")
    if not state:
        return None
    shown = None
    if state == "shown":
        target = post.quote_of if Post.quote_of.is_cached(post) else quoted.get(post.quote_of_id)
        shown = _quoted_dict(target, authors) if target is not None else None
    return {
        "id": _id(post.quote_of_id) if shown is not None else None,
        "state": "unavailable" if state == "shown" and shown is None else state,
        "post": shown,
    }


def _fragment(post: Post, images: dict[int, list[dict]]) -> dict:
    """Return what a post shows that changes only with its `version` (text, tags, media,
    its poll with the counts: a vote raises the version): the part `posts_data_cached`
    keeps in the cache under (id, version)."""
    poll = None if post.is_deleted else loaded_poll(post)
    return {
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "language": post.language,
        "content_warning": post.content_warning,
        "body": post.body,
        "html": post.html,
        "tags": [] if post.is_deleted else [tag.name for tag in post.hashtags.all()],
        "community": post.community.slug if post.community_id is not None else None,
        "media": images.get(post.pk, []),
        "poll": poll_fragment(poll) if poll is not None else None,
    }


def _poll_data(viewer, post: Post, fragment: dict, now) -> dict | None:
    """Return the post's poll as `viewer` sees it (their votes: `viewer_poll_votes`)."""
    poll = fragment.get("poll")  # fragments cached before polls existed have none
    if poll is None:
        return None
    view = poll_view(
        poll,
        post_id=post.pk,
        author_id=post.author_id,
        viewer=viewer,
        own_votes=getattr(post, "viewer_poll_votes", ()),
        now=now,
    )
    return poll_dict(view)


def _post_dict(
    post: Post,
    quoted: dict[int, Post],
    authors: _Authors,
    now,
    images: dict[int, list[dict]] | None,
    *,
    nested: bool = False,
    fragments: dict[int, dict] | None = None,
    viewer=None,
) -> dict:
    """Return `post` as a dict: its fragment (from `fragments` when given, else built from
    the post and `images`) and what may change without a new version or per viewer."""
    deleted = post.is_deleted
    reactions = getattr(post, "viewer_reactions", set())
    author = authors.of(post.author)
    fragment = fragments[post.pk] if fragments is not None else _fragment(post, images)
    data = {
        "id": str(post.pk),
        "url": _url(post, author),
        "author": author,
        "kind": post.kind,
        "visibility": post.visibility,
        "created_at": fragment["created_at"],
        "edited_at": fragment["edited_at"],
        "deleted": deleted,
        "deleted_at": post.deleted_at,
        "version": post.version,
        "language": fragment["language"],
        "content_warning": fragment["content_warning"],
        "body": fragment["body"],
        "html": fragment["html"],
        "tags": fragment["tags"],
        "community": fragment["community"],
        "media": fragment["media"],
        "poll": _poll_data(viewer, post, fragment, now),
        "in_reply_to_id": _id(post.in_reply_to_id),
        "thread_root_id": _id(post.thread_root_id or post.pk),
        "depth": post.depth,
        "reply_policy": post.reply_policy,
        "replies_closed": post.replies_closed_now(now),
        "quote_policy": post.quote_policy,
        "accepted_answer_id": _id(post.accepted_answer_id),
        "answered": post.is_question and post.accepted_answer_id is not None,
        "counts": {
            "replies": post.replies_count,
            "reposts": post.reposts_count,
            "quotes": post.quotes_count,
            "helpful": post.helpful_count,
            "used": post.used_count,
        },
        "quote": _quote_dict(post, quoted, authors),
        "viewer": {
            "helpful": "helpful" in reactions,
            "used": "used" in reactions,
            "reposted": bool(getattr(post, "viewer_reposted", False)),
        },
        "repost_of": None,
    }
    if post.repost_of_id is not None and not nested:
        data["repost_of"] = _post_dict(
            post.repost_of,
            quoted,
            authors,
            now,
            images,
            nested=True,
            fragments=fragments,
            viewer=viewer,
        )
    return data


# --- Cached fragments ---------------------------------------------------------------------------

FRAGMENT_SECONDS = 24 * 3600


def fragment_key(post_id: int, version: int) -> str:
    return f"post-fragment:{post_id}:{version}"


# The fragments this process used last, by (id, version): a fragment never changes under its
# key, so keeping it here is as exact as the shared cache, without a round trip and a pickle
# per post. Bounded: emptied when it holds LOCAL_FRAGMENTS.
LOCAL_FRAGMENTS = 20_000
_local: dict[tuple[int, int], dict] = {}


def fragments_for(posts: list[Post]) -> dict[int, dict]:
    """Return the fragments of `posts` and of the posts they repost, by id, from the cache
    (key: id and version, so an edit, a new image or a changed alt text, which all raise
    the version, are never served stale): this process's own first, then the shared one;
    the missing ones are built (three queries) and stored for every process that shares the
    cache. The fragments are shared between requests: read them, never change them."""
    shown = posts + [p.repost_of for p in posts if p.repost_of_id is not None]
    found: dict[int, dict] = {}
    keys: dict[int, str] = {}
    for post in shown:
        fragment = _local.get((post.pk, post.version))
        if fragment is not None:
            found[post.pk] = fragment
        else:
            keys[post.pk] = fragment_key(post.pk, post.version)
    if not keys:
        return found
    cached = cache.get_many(list(keys.values()))
    versions = {p.pk: p.version for p in shown}
    for pk, key in keys.items():
        if key in cached:
            found[pk] = _keep(pk, versions[pk], cached[key])
    missing = [pk for pk in keys if pk not in found]
    if missing:
        full = posts_for_fragments(missing)  # loaded through the access rule by the caller
        images = {
            post_id: [media_dict(m) for m in media]
            for post_id, media in media_for_posts(full).items()
        }
        built = {post.pk: _fragment(post, images) for post in full}
        cache.set_many(
            {fragment_key(pk, post.version): built[pk] for pk, post in ((p.pk, p) for p in full)},
            FRAGMENT_SECONDS,
        )
        for post in full:
            found[post.pk] = _keep(post.pk, post.version, built[post.pk])
    return found


def _keep(pk: int, version: int, fragment: dict) -> dict:
    if len(_local) >= LOCAL_FRAGMENTS:
        _local.clear()
    _local[(pk, version)] = fragment
    return fragment


def posts_data_cached(viewer, posts: list[Post]) -> list[dict]:
    """`posts_data` for posts loaded light (`access.light_posts_by_ids`, annotated by
    `access.annotate_light`), their text, tags and media from the cached fragments. Posts
    that quote take the full path (`posts_data`): callers load those fully."""
    fragments, authors, now = fragments_for(posts), _Authors(), timezone.now()
    _annotate_poll_votes(viewer, posts, fragments)
    return [
        _post_dict(post, {}, authors, now, None, fragments=fragments, viewer=viewer)
        for post in posts
    ]


def _annotate_poll_votes(viewer, posts: list[Post], fragments: dict[int, dict]) -> None:
    """Set `viewer_poll_votes` on light posts whose fragment holds a poll: one query, and
    only on a page that shows a poll."""
    shown = posts + [p.repost_of for p in posts if p.repost_of_id is not None]
    polls = {p.pk: fragments[p.pk]["poll"]["id"] for p in shown if fragments[p.pk].get("poll")}
    votes = poll_votes_of(viewer, polls.values())
    for post in shown:
        post.viewer_poll_votes = votes.get(polls[post.pk], []) if post.pk in polls else []


def _missing_quotes(viewer, posts: list[Post]) -> dict[int, Post]:
    """Fetch, in one query, the quoted posts that reposted quotes show but did not load."""
    wanted = {
        p.repost_of.quote_of_id
        for p in posts
        if p.repost_of_id is not None
        and getattr(p.repost_of, "quote_state", "") == "shown"
        and not Post.quote_of.is_cached(p.repost_of)
    }
    return posts_by_ids(viewer, wanted) if wanted else {}


def posts_data(viewer, posts: list[Post]) -> list[dict]:
    """Return `posts` (loaded by access or selectors, annotated for `viewer`) as dicts."""
    quoted, authors, now = _missing_quotes(viewer, posts), _Authors(), timezone.now()
    images = _images(posts)
    return [_post_dict(post, quoted, authors, now, images, viewer=viewer) for post in posts]


def post_data(viewer, post: Post) -> dict:
    """Return one post (loaded by access, annotated for `viewer`) as a dict."""
    return posts_data(viewer, [post])[0]


def thread_data(viewer, thread, *, below: int | None = None) -> dict:
    """Return a `threads.Thread` as indented rows, from its roots or from post `below`."""
    rows = thread.rows(below=below)
    posts = [row.post for row in rows]
    quoted, images = _missing_quotes(viewer, posts), _images(posts)
    authors, now = _Authors(), timezone.now()
    return {
        "focus_id": str(thread.focus.pk),
        "rows": [
            {
                "depth": row.depth,
                "parent_hidden": row.node.parent_hidden,
                "continues": row.continues,
                "post": _post_dict(row.post, quoted, authors, now, images, viewer=viewer),
            }
            for row in rows
        ],
    }


def edit_dict(edit: PostEdit) -> dict:
    return {
        "version": edit.version,
        "body": edit.body,
        "html": edit.html,
        "content_warning": edit.content_warning,
        "language": edit.language,
        "written_at": edit.written_at,
        "replaced_at": edit.replaced_at,
    }


def story_dict(reaction: Reaction, authors: _Authors | None = None) -> dict:
    return {
        "id": str(reaction.pk),
        "person": (authors or _Authors()).of(reaction.person),
        "story": reaction.story,
        "public": reaction.story_public,
        "created_at": reaction.created_at,
        "updated_at": reaction.updated_at,
    }
