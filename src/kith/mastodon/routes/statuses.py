"""Statuses: post, read, edit, delete, favourite (= helpful), reblog (= repost), context.

Every status is reached through `conversations.access` (missing and not visible answer the
same 404 "Record not found"), every change is one call to `conversations.actions`, and every
status is built by `kith.mastodon.entities`. See docs/mastodon.md ("Statuses").
"""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Schema

from kith.conversations import actions, selectors
from kith.conversations.access import access_post, posts_by_ids, thread_for, visible_posts
from kith.conversations.models import Post, Reaction, ReactionKind
from kith.core.ids import parse_id
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import MastodonError, not_found, unprocessable
from kith.mastodon.models import IdempotencyKey
from kith.mastodon.pagination import PageParams, paginate
from kith.mastodon.parser import Params
from kith.people.access import people_visible_to
from kith.people.models import Person

router = Router(tags=["statuses"])

READ = mastodon_auth("read:statuses", optional=True)
READ_SIGNED_IN = mastodon_auth("read:statuses")
WRITE = mastodon_auth("write:statuses")
WRITE_FAVOURITES = mastodon_auth("write:favourites")
IDEMPOTENCY_WINDOW = timedelta(hours=1)
IDEMPOTENCY_KEY_MAX = 128
MANY_MAX = 40  # GET /api/v1/statuses?id[]=…


class PollIn(Schema):
    options: list[str] | None = None
    expires_in: int | None = None
    multiple: bool = False
    hide_totals: bool = False


class StatusIn(Schema):
    status: str | None = None
    in_reply_to_id: str | None = None
    media_ids: list[str] | None = None
    sensitive: bool = False
    spoiler_text: str | None = None
    visibility: str | None = None
    language: str | None = None
    poll: PollIn | None = None


class EditIn(Schema):
    status: str | None = None
    spoiler_text: str | None = None
    sensitive: bool | None = None
    language: str | None = None
    media_ids: list[str] | None = None
    poll: PollIn | None = None


class ReblogIn(Schema):
    visibility: str | None = None


class ManyQuery(Schema):
    id: list[str] = []


def _post(viewer, status_id: str) -> Post:
    """Return the post `status_id` as `viewer` may see it (a 404 otherwise)."""
    try:
        return access_post(viewer, status_id)
    except Http404:
        raise not_found() from None


def _status(post: Post, viewer) -> dict:
    found = entities.statuses([post], viewer)
    if not found:  # a repost whose original the viewer may no longer see
        raise not_found()
    return found[0]


def _fresh(post: Post, viewer) -> dict:
    """Return the Status of `post` as it is now (after a change), read through access."""
    return _status(_post(viewer, str(post.pk)), viewer)


def _visibility(value: str | None, *, default: str | None = None) -> str | None:
    if value is None or value == "":
        return default
    kith = entities.kith_visibility(value)
    if kith is None:
        raise unprocessable(
            f"Visibility '{value}' is unknown: use public, unlisted, private or direct"
        )
    return kith


def _poll_spec(poll: PollIn | None) -> dict | None:
    if poll is None or (poll.options is None and poll.expires_in is None):
        return None
    spec = {"options": poll.options or [], "multiple": poll.multiple}
    spec["hide_totals"] = poll.hide_totals
    if poll.expires_in is not None:
        spec["expires_in"] = poll.expires_in
    return spec


def _publish(person: Person, params: StatusIn) -> Post:
    """Publish (or reply with) the status `params` describes, through Kith's actions."""
    body = params.status or ""
    warning = params.spoiler_text or ""
    if params.sensitive and not warning and params.media_ids:
        # Mastodon marks media sensitive without a warning text; Kith's sensitivity is the
        # content warning, so a sensitive status needs one.
        warning = "Sensitive media"
    options = {
        "body": body,
        "language": params.language or "",
        "content_warning": warning,
        "media_ids": params.media_ids or [],
    }
    poll = _poll_spec(params.poll)
    if poll is not None:
        options["poll"] = poll
    if params.in_reply_to_id:
        parent = _post(person, params.in_reply_to_id)
        return actions.post_reply(
            author=person, to=parent, visibility=_visibility(params.visibility), **options
        )
    visibility = _visibility(params.visibility, default="public")
    return actions.post_publish(author=person, visibility=visibility, **options)


@router.post("/statuses", auth=WRITE)
def create(request, params: Params[StatusIn]):
    """Post a status (Mastodon's POST /api/v1/statuses). With an `Idempotency-Key` header,
    the same key from the same account within an hour returns the status made the first
    time instead of posting again (kept in the database, so across workers and restarts)."""
    person = request.auth
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise unprocessable(f"Idempotency-Key is at most {IDEMPOTENCY_KEY_MAX} characters")
    if not key:
        return _status(_publish(person, params), person)
    since = timezone.now() - IDEMPOTENCY_WINDOW
    earlier = IdempotencyKey.objects.filter(person=person, key=key, created_at__gte=since).first()
    if earlier is not None:
        return _repeat(earlier, person)
    try:
        with transaction.atomic():
            IdempotencyKey.objects.filter(person=person, key=key).delete()  # an old one
            post = _publish(person, params)
            IdempotencyKey.objects.create(person=person, key=key, post=post)
    except IntegrityError:  # the same key, at the same moment, from another request
        earlier = IdempotencyKey.objects.filter(person=person, key=key).first()
        if earlier is None:
            raise
        return _repeat(earlier, person)
    return _status(post, person)


def _repeat(earlier: IdempotencyKey, person: Person) -> dict:
    if earlier.post_id is None:
        raise MastodonError(409, "The status made with this Idempotency-Key was deleted")
    return _status(_post(person, str(earlier.post_id)), person)


@router.get("/statuses", auth=READ)
def get_many(request, query: Query[ManyQuery]):
    """Return the statuses `id[]` the viewer may see, in the order asked (others left out)."""
    ids = [pk for pk in (parse_id(raw) for raw in query.id[:MANY_MAX]) if pk]
    found = posts_by_ids(request.auth, ids)
    posts = [found[pk] for pk in dict.fromkeys(ids) if pk in found]
    return entities.statuses(posts, request.auth)


@router.get("/statuses/{status_id}", auth=READ)
def get_one(request, status_id: str):
    return _status(_post(request.auth, status_id), request.auth)


@router.delete("/statuses/{status_id}", auth=WRITE)
def delete(request, status_id: str):
    """Delete your status; return it with its source `text` (to "delete and redraft")."""
    person = request.auth
    post = _post(person, status_id)
    if post.author_id != person.pk:
        raise not_found()
    data = _status(post, person)
    source = post if post.repost_of_id is None else post.repost_of
    data["text"] = source.body if post.repost_of_id is None else ""
    actions.post_delete(post=post, by=person)
    return data


@router.put("/statuses/{status_id}", auth=WRITE)
def edit(request, status_id: str, params: Params[EditIn]):
    """Edit your status's text, content warning and language (Kith keeps its images and
    visibility as published); a `poll` replaces its poll."""
    person = request.auth
    post = _post(person, status_id)
    if post.author_id != person.pk or post.repost_of_id is not None:
        raise not_found()
    if params.media_ids is not None:
        current = [str(m.pk) for m in post.media.order_by("position", "id")]
        if [str(parse_id(m) or m) for m in params.media_ids] != current:
            raise unprocessable("Kith keeps a post's images as published: media_ids cannot change")
    options: dict = {
        "body": post.body if params.status is None else params.status,
        "content_warning": params.spoiler_text,
        "language": params.language,
    }
    poll = _poll_spec(params.poll)
    if poll is not None:
        options["poll"] = poll
    actions.post_edit(post=post, by=person, **options)
    return _fresh(post, person)


@router.get("/statuses/{status_id}/history", auth=READ)
def history(request, status_id: str):
    post = _post(request.auth, status_id)
    if post.repost_of_id is not None:
        post = _post(request.auth, str(post.repost_of_id))
    return entities.status_edits(post, selectors.edit_history(post), request.auth)


@router.get("/statuses/{status_id}/source", auth=READ_SIGNED_IN)
def source(request, status_id: str):
    post = _post(request.auth, status_id)
    if post.author_id != request.auth.pk:
        raise not_found()
    return entities.status_source(post)


@router.get("/statuses/{status_id}/context", auth=READ)
def context(request, status_id: str):
    """Return the ancestors and descendants of a status that the viewer may see."""
    viewer = request.auth
    post = _post(viewer, status_id)
    try:
        thread = thread_for(viewer, post)
    except Http404:
        raise not_found() from None
    focus = thread.focus
    path: list[Post] = []

    def find(nodes, trail) -> bool:
        for node in nodes:
            if node.post.pk == focus.pk:
                path.extend(trail)
                return True
            if find(node.children, [*trail, node.post]):
                return True
        return False

    find(thread.roots, [])
    node = thread.nodes[focus.pk]
    descendants = [n.post for n, depth in node.walk() if depth > 0]
    return entities.context(path, descendants, viewer)


@router.get("/statuses/{status_id}/reblogged_by", auth=READ)
def reblogged_by(request, status_id: str, response: HttpResponse, page: Query[PageParams]):
    """Who reposted the status: only reposts the viewer may see (a repost to someone's
    connections is not shown to others), by people the viewer may see."""
    viewer = request.auth
    post = _post(viewer, status_id)
    target = post.repost_of if post.repost_of_id is not None else post
    reposts = visible_posts(viewer).filter(repost_of=target, author__in=people_visible_to(viewer))
    found = paginate(request, reposts, page, default_limit=40, max_limit=80)
    found.add_link(response)
    people = Person.objects.in_bulk([p.author_id for p in found.items])
    return entities.accounts([people[p.author_id] for p in found.items], viewer)


@router.get("/statuses/{status_id}/favourited_by", auth=READ)
def favourited_by(request, status_id: str, response: HttpResponse, page: Query[PageParams]):
    """Who found the status helpful (Kith's favourite), among the people the viewer may see."""
    viewer = request.auth
    post = _post(viewer, status_id)
    target = post.repost_of if post.repost_of_id is not None else post
    marks = Reaction.objects.filter(
        post=target, kind=ReactionKind.HELPFUL, person__in=people_visible_to(viewer)
    )
    found = paginate(request, marks, page, default_limit=40, max_limit=80)
    found.add_link(response)
    people = Person.objects.in_bulk([r.person_id for r in found.items])
    return entities.accounts([people[r.person_id] for r in found.items], viewer)


@router.post("/statuses/{status_id}/favourite", auth=WRITE_FAVOURITES)
def favourite(request, status_id: str):
    person = request.auth
    post = _post(person, status_id)
    actions.helpful_mark(person=person, post=post)
    return _fresh(post, person)


@router.post("/statuses/{status_id}/unfavourite", auth=WRITE_FAVOURITES)
def unfavourite(request, status_id: str):
    person = request.auth
    post = _post(person, status_id)
    actions.helpful_unmark(person=person, post=post)
    return _fresh(post, person)


@router.post("/statuses/{status_id}/reblog", auth=WRITE)
def reblog(request, status_id: str, params: Params[ReblogIn]):
    """Repost a status; return the repost, whose `reblog` is the status (as Mastodon does).
    `visibility` public, unlisted (= public) or private (= Kith's followers)."""
    person = request.auth
    post = _post(person, status_id)
    visibility = _visibility(params.visibility, default="public")
    repost = actions.post_repost(person=person, post=post, visibility=visibility)
    return _fresh(repost, person)


@router.post("/statuses/{status_id}/unreblog", auth=WRITE)
def unreblog(request, status_id: str):
    """Undo your repost of a status; return the status."""
    person = request.auth
    post = _post(person, status_id)
    actions.post_unrepost(person=person, post=post)
    target = post.repost_of if post.repost_of_id is not None else post
    return _fresh(target, person)


# --- Bookmarks (Kith's own, `conversations.actions.bookmark_add`) ------------------------------

WRITE_BOOKMARKS = mastodon_auth("write:bookmarks")
READ_BOOKMARKS = mastodon_auth("read:bookmarks")


@router.post("/statuses/{status_id}/bookmark", auth=WRITE_BOOKMARKS)
def bookmark(request, status_id: str):
    person = request.auth
    post = _post(person, status_id)
    actions.bookmark_add(person=person, post=post)
    return _fresh(post, person)


@router.post("/statuses/{status_id}/unbookmark", auth=WRITE_BOOKMARKS)
def unbookmark(request, status_id: str):
    person = request.auth
    post = _post(person, status_id)
    actions.bookmark_remove(person=person, post=post)
    return _fresh(post, person)


@router.get("/bookmarks", auth=READ_BOOKMARKS)
def bookmarks(request, response: HttpResponse, page: Query[PageParams]):
    """Your bookmarked statuses that you may still see, newest bookmark first (paged by the
    bookmark's id, as Mastodon does)."""
    viewer = request.auth
    found = paginate(request, selectors.bookmarks_of(viewer), page, default_limit=20, max_limit=40)
    found.add_link(response)
    posts = posts_by_ids(viewer, [b.post_id for b in found.items])
    return entities.statuses([posts[b.post_id] for b in found.items if b.post_id in posts], viewer)


# --- Pinned posts and muted conversations (`conversations.actions.post_pin`, `thread_mute`) ----

WRITE_ACCOUNTS = mastodon_auth("write:accounts")
WRITE_MUTES = mastodon_auth("write:mutes")


@router.post("/statuses/{status_id}/pin", auth=WRITE_ACCOUNTS)
def pin(request, status_id: str):
    """Pin your own status to your profile: someone else's, a reblog, a direct one or one
    past the limit (`KITH_PINNED_POSTS_MAX`, 5) is a 422 "Validation failed: …"."""
    person = request.auth
    post = _post(person, status_id)
    actions.post_pin(person=person, post=post)
    return _fresh(post, person)


@router.post("/statuses/{status_id}/unpin", auth=WRITE_ACCOUNTS)
def unpin(request, status_id: str):
    person = request.auth
    post = _post(person, status_id)
    actions.post_unpin(person=person, post=post)
    return _fresh(post, person)


@router.post("/statuses/{status_id}/mute", auth=WRITE_MUTES)
def mute(request, status_id: str):
    """Hear nothing more about the status's conversation (you must take part in it: 422
    otherwise)."""
    person = request.auth
    post = _post(person, status_id)
    actions.thread_mute(person=person, post=post)
    return _fresh(post, person)


@router.post("/statuses/{status_id}/unmute", auth=WRITE_MUTES)
def unmute(request, status_id: str):
    person = request.auth
    post = _post(person, status_id)
    actions.thread_unmute(person=person, post=post)
    return _fresh(post, person)
