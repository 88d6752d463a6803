"""Conversations in the native API: posts, threads, reposts, quotes, questions and value.

Every post is fetched through `conversations.access` (missing and forbidden: the same 404),
every change is one call to `conversations.actions`, and every post is turned into JSON by
`post_serializers`. Lists are newest first, paged with `max_id` and a capped `limit`; the
next page is in the `Link` header (rel="next").
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as SchemaValidationError
from pydantic import Field

from kith.api import auth
from kith.api.post_schemas import (
    AcceptIn,
    EditIn,
    EditOut,
    PollOut,
    PostIn,
    PostOut,
    QuoteIn,
    ReplyIn,
    RepostIn,
    StoryOut,
    ThreadOut,
    UsedIn,
    VoteIn,
)
from kith.api.post_serializers import (
    edit_dict,
    json_response,
    post_data,
    posts_data,
    story_dict,
    thread_data,
)
from kith.api.routes.follows import optional_body, optional_body_doc
from kith.api.routes.people import PageQuery
from kith.api.schemas import ErrorOut
from kith.conversations import actions, selectors
from kith.conversations.access import access_post, annotate_for_viewer, thread_for
from kith.conversations.polls import poll_dict
from kith.core.ids import parse_id
from kith.people.access import access_person

router = Router(tags=["posts"], auth=auth.optional)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PersonPostsQuery(PageQuery):
    replies: bool = Field(False, description="Include their replies")
    reposts: bool = Field(True, description="Include their reposts")


class UnansweredQuery(PageQuery):
    without_answers: bool = Field(False, description="Only questions nobody has answered yet")


class ThreadQuery(Schema):
    below: str | None = Field(
        None, pattern=r"^\d{1,20}$", description="Only the replies under this post (continue)"
    )


# --- Helpers ----------------------------------------------------------------------------------


def _load(request, post_id: str):
    """Return the post `post_id` if the caller may see it; a tombstone counts (it says so)."""
    return access_post(request.auth, post_id, include_deleted=True)


def _render(request, post, *, status: int = 200) -> HttpResponse:
    """Return `post` freshly loaded as the caller sees it, with their state on it."""
    fresh = _load(request, post.pk)
    annotate_for_viewer(request.auth, [fresh])
    return json_response(post_data(request.auth, fresh), status=status)


def _max_id(page: PageQuery) -> int | None:
    if page.max_id is None:
        return None
    value = parse_id(page.max_id)
    if value is None:
        raise SchemaValidationError([{"loc": ("query", "max_id"), "msg": "Not a valid id."}])
    return value


def _page_response(request, items: list[dict], next_max_id: int | None) -> HttpResponse:
    """Return `items` as a JSON array, with a Link to the next page when there is one."""
    headers = None
    if next_max_id is not None:
        query = dict(request.GET.items())  # the last value of each (no deep copy)
        query["max_id"] = str(next_max_id)
        url = request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.items()))}")
        headers = {"Link": f'<{url}>; rel="next"'}
    return json_response(items, headers=headers)


# --- Posts ------------------------------------------------------------------------------------


@router.post(
    "/posts", response={201: PostOut, **ERRORS}, auth=auth.required, summary="Publish a post"
)
def publish(request, data: PostIn):
    """Publish a post or a question (`kind`). Mentioned people are notified."""
    post = actions.post_publish(author=request.auth, **data.model_dump())
    return _render(request, post, status=201)


@router.get("/posts/{post_id}", response={200: PostOut, **ERRORS}, summary="Get a post")
def get_post(request, post_id: str):
    """Return a post with your state on it (helpful, used, reposted) and its quote's state.

    A deleted post answers as a tombstone (`deleted: true`, no text) to those who could see it.
    """
    return _render(request, _load(request, post_id))


@router.patch(
    "/posts/{post_id}", response={200: PostOut, **ERRORS}, auth=auth.required, summary="Edit"
)
def edit(request, post_id: str, data: EditIn):
    """Change the text of your post; the version it replaces goes to its history."""
    post = actions.post_edit(post=_load(request, post_id), by=request.auth, **data.model_dump())
    return _render(request, post)


@router.delete(
    "/posts/{post_id}", response={204: None, **ERRORS}, auth=auth.required, summary="Delete"
)
def delete(request, post_id: str):
    """Delete your post, leaving a tombstone so its thread stays whole (a repost: undo it)."""
    actions.post_delete(post=_load(request, post_id), by=request.auth)
    return HttpResponse(status=204)


@router.get("/posts/{post_id}/context", response={200: ThreadOut, **ERRORS}, summary="The thread")
def context(request, post_id: str, query: Query[ThreadQuery]):
    """Return the thread as you see it, as indented rows; replies you may not see are left
    out. Rows deeper than six levels are behind `continues`: ask again with `below`."""
    thread = thread_for(request.auth, _load(request, post_id))
    below = parse_id(query.below) if query.below else None
    return json_response(thread_data(request.auth, thread, below=below))


@router.get(
    "/posts/{post_id}/history", response={200: list[EditOut], **ERRORS}, summary="Edit history"
)
def history(request, post_id: str):
    """Return the earlier versions of a post, oldest first (the current one is the post)."""
    post = _load(request, post_id)
    return json_response([edit_dict(e) for e in selectors.edit_history(post)])


# --- Replies, reposts, quotes -----------------------------------------------------------------


@router.post(
    "/posts/{post_id}/replies",
    response={201: PostOut, **ERRORS},
    auth=auth.required,
    summary="Reply (answer a question)",
)
def reply(request, post_id: str, data: ReplyIn):
    """Reply to a post you can see, if its reply rules let you; a reply to a question is an
    answer. The reply is as visible as the post unless `visibility` says otherwise."""
    post = actions.post_reply(author=request.auth, to=_load(request, post_id), **data.model_dump())
    return _render(request, post, status=201)


@router.post(
    "/posts/{post_id}/repost",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary="Repost",
    openapi_extra=optional_body_doc(RepostIn),
)
def repost(request, post_id: str):
    """Repost a public post to your readers (once; again returns the same repost)."""
    body = optional_body(request, RepostIn) or RepostIn()
    shared = actions.post_repost(
        person=request.auth, post=_load(request, post_id), visibility=body.visibility
    )
    return _render(request, shared)


@router.delete(
    "/posts/{post_id}/repost",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary="Undo a repost",
)
def unrepost(request, post_id: str):
    """Undo your repost of a post; return the original."""
    post = _load(request, post_id)
    actions.post_unrepost(person=request.auth, post=post)
    return _render(request, post.repost_of if post.repost_of_id else post)


@router.post(
    "/posts/{post_id}/quotes",
    response={201: PostOut, **ERRORS},
    auth=auth.required,
    summary="Quote",
)
def quote(request, post_id: str, data: QuoteIn):
    """Publish a post quoting this one, if its author's quote policy allows (public only)."""
    post = actions.post_quote(
        author=request.auth, post=_load(request, post_id), **data.model_dump()
    )
    return _render(request, post, status=201)


@router.post(
    "/posts/{post_id}/revoke-quote",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary="Remove my post from a quote",
)
def revoke_quote(request, post_id: str):
    """As the quoted author, remove your post from this quote: it shows "removed by author"."""
    post = actions.quote_revoke(quote=_load(request, post_id), by=request.auth)
    return _render(request, post)


@router.post(
    "/posts/{post_id}/close-replies",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary="Close replies",
)
def close_replies(request, post_id: str):
    """Close replies to your post (to the whole conversation, for its first post)."""
    return _render(request, actions.replies_close(post=_load(request, post_id), by=request.auth))


@router.post(
    "/posts/{post_id}/open-replies",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary="Open replies",
)
def open_replies(request, post_id: str):
    """Open replies to your post again, also after the automatic close."""
    return _render(request, actions.replies_open(post=_load(request, post_id), by=request.auth))


# --- Questions and answers --------------------------------------------------------------------


@router.put(
    "/posts/{post_id}/accepted-answer",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary="Accept an answer",
)
def accept(request, post_id: str, data: AcceptIn):
    """Mark an answer to your question as the accepted one (replacing any other)."""
    question = _load(request, post_id)
    answer = access_post(request.auth, data.answer_id, include_deleted=True)
    actions.answer_accept(question=question, answer=answer, by=request.auth)
    return _render(request, question)


@router.delete(
    "/posts/{post_id}/accepted-answer",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary="Unaccept the answer",
)
def unaccept(request, post_id: str):
    """Leave your question without an accepted answer again."""
    question = actions.answer_unaccept(question=_load(request, post_id), by=request.auth)
    return _render(request, question)


@router.get(
    "/questions/unanswered",
    response={200: list[PostOut], **ERRORS},
    summary="Unanswered questions",
)
def unanswered(request, query: Query[UnansweredQuery]):
    """Return open questions (no accepted answer) you can see, newest first."""
    page = selectors.unanswered_questions(
        request.auth,
        max_id=_max_id(query),
        limit=query.limit,
        without_answers=query.without_answers,
    )
    return _page_response(request, posts_data(request.auth, page.posts), page.next_max_id)


# --- Value: helpful, "how I used it" ----------------------------------------------------------


@router.post(
    "/posts/{post_id}/helpful",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary="Mark helpful",
)
def mark_helpful(request, post_id: str):
    post = _load(request, post_id)
    actions.helpful_mark(person=request.auth, post=post)
    return _render(request, post)


@router.delete(
    "/posts/{post_id}/helpful",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary="Unmark helpful",
)
def unmark_helpful(request, post_id: str):
    post = _load(request, post_id)
    actions.helpful_unmark(person=request.auth, post=post)
    return _render(request, post)


# --- Bookmarks (private: nobody is told) ----------------------------------------------------


class BookmarkOut(Schema):
    post_id: str
    bookmarked: bool


@router.put(
    "/posts/{post_id}/bookmark",
    response={200: BookmarkOut, **ERRORS},
    auth=auth.required,
    summary="Bookmark",
)
def add_bookmark(request, post_id: str):
    """Keep a post to read again (a repost: its original); only you see your bookmarks."""
    post = access_post(request.auth, post_id)
    made = actions.bookmark_add(person=request.auth, post=post)
    return {"post_id": str(made.post_id), "bookmarked": True}


@router.delete(
    "/posts/{post_id}/bookmark",
    response={200: BookmarkOut, **ERRORS},
    auth=auth.required,
    summary="Remove a bookmark",
)
def remove_bookmark(request, post_id: str):
    post = access_post(request.auth, post_id)
    actions.bookmark_remove(person=request.auth, post=post)
    target = post.repost_of_id or post.pk
    return {"post_id": str(target), "bookmarked": False}


@router.get(
    "/bookmarks", response={200: list[PostOut], **ERRORS}, auth=auth.required, summary="Bookmarks"
)
def list_bookmarks(request, page: Query[PageQuery]):
    """Your bookmarked posts that you may still see, newest bookmark first (`max_id` is a
    bookmark's id: the Link header gives the next page)."""
    limit = max(1, min(page.limit, 100))
    found = selectors.bookmarked_posts(request.auth, max_id=_max_id(page), limit=limit)
    return _page_response(request, posts_data(request.auth, found.posts), found.next_max_id)


@router.put(
    "/posts/{post_id}/used",
    response={200: StoryOut, **ERRORS},
    auth=auth.required,
    summary='Tell "how I used it"',
)
def add_used(request, post_id: str, data: UsedIn):
    """Tell how you used a post (or change your story). The author always reads it; with
    `public`, everyone who can see the post does."""
    reaction = actions.used_it_add(
        person=request.auth, post=_load(request, post_id), story=data.story, public=data.public
    )
    return json_response(story_dict(reaction))


@router.delete(
    "/posts/{post_id}/used",
    response={200: PostOut, **ERRORS},
    auth=auth.required,
    summary='Take back "how I used it"',
)
def remove_used(request, post_id: str):
    post = _load(request, post_id)
    actions.used_it_remove(person=request.auth, post=post)
    return _render(request, post)


# --- Polls -------------------------------------------------------------------------------------


def _poll_response(request, post) -> HttpResponse:
    view = selectors.poll_of_post(request.auth, post)
    if view is None:
        raise Http404("This post has no poll.")
    return json_response(poll_dict(view))


@router.get("/posts/{post_id}/poll", response={200: PollOut, **ERRORS}, summary="A post's poll")
def get_poll(request, post_id: str):
    """Return the post's poll as you see it: counts per option unless it hides them until
    it ends (you see your own poll's counts all along), and your votes."""
    return _poll_response(request, _load(request, post_id))


@router.post(
    "/posts/{post_id}/poll/votes",
    response={200: PollOut, **ERRORS},
    auth=auth.required,
    summary="Vote in a post's poll",
)
def vote(request, post_id: str, data: VoteIn):
    """Vote once, for one option (several if the poll is `multiple`), by their numbers.
    Refused (422, nothing written): the poll has ended, it is yours, you already voted, an
    unknown or repeated option, several choices in a single-choice poll."""
    post = _load(request, post_id)
    actions.poll_vote(person=request.auth, post=post, choices=data.choices)
    return _poll_response(request, _load(request, post_id))


@router.get(
    "/posts/{post_id}/stories",
    response={200: list[StoryOut], **ERRORS},
    summary='"How I used it" stories',
)
def stories(request, post_id: str, query: Query[PageQuery]):
    """Return the stories you may read, newest first: the author reads all; others the
    public ones and their own."""
    post = _load(request, post_id)
    rows, next_max_id = selectors.stories_page(
        request.auth, post, max_id=_max_id(query), limit=query.limit
    )
    return _page_response(request, [story_dict(r) for r in rows], next_max_id)


# --- Listings ---------------------------------------------------------------------------------


@router.get(
    "/people/{handle}/posts", response={200: list[PostOut], **ERRORS}, summary="A person's posts"
)
def person_posts(request, handle: str, query: Query[PersonPostsQuery]):
    """Return a person's posts you can see, newest first (replies with `replies=true`)."""
    person = access_person(request.auth, handle)
    page = selectors.posts_of(
        request.auth,
        person,
        max_id=_max_id(query),
        limit=query.limit,
        include_replies=query.replies,
        include_reposts=query.reposts,
    )
    return _page_response(request, posts_data(request.auth, page.posts), page.next_max_id)


@router.get("/tags/{name}/posts", response={200: list[PostOut], **ERRORS}, summary="Tag posts")
def tag_posts(request, name: str, query: Query[PageQuery]):
    """Return the posts tagged #name you can see, newest first (people you mute left out)."""
    page = selectors.tagged_posts(request.auth, name, max_id=_max_id(query), limit=query.limit)
    return _page_response(request, posts_data(request.auth, page.posts), page.next_max_id)
