"""Direct conversations: `GET /api/v1/conversations`, `POST /api/v1/conversations/:id/read`,
`DELETE /api/v1/conversations/:id` (docs.joinmastodon.org/methods/conversations).

A conversation is a thread of posts of visibility "mentioned" the viewer takes part in,
read through the access rule (`kith.mastodon.direct`); its id is the thread root's id.
Removing one takes it out of the viewer's list only, until a new message arrives in it.
"""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Query, Router

from kith.core.ids import parse_id
from kith.mastodon import direct, entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import not_found
from kith.mastodon.pagination import PageParams, cursor, link_header, page_limit

router = Router(tags=["conversations"])

READ = mastodon_auth("read:statuses")
WRITE = mastodon_auth("write:conversations")


def _found(viewer, conversation_id: str):
    root_id = parse_id(conversation_id)
    row = direct.conversation_of(viewer, root_id) if root_id else None
    if row is None:
        raise not_found()
    return row


@router.get("/conversations", auth=READ)
def conversations(request, response: HttpResponse, params: Query[PageParams]):
    """The viewer's direct conversations, the one with the newest message first."""
    viewer = request.auth
    page = direct.conversation_page(
        viewer,
        max_id=cursor(params.max_id, "max_id"),
        since_id=cursor(params.since_id, "since_id"),
        min_id=cursor(params.min_id, "min_id"),
        limit=page_limit(params.limit, default=20, maximum=40),
    )
    link = link_header(request, page.newest, page.oldest, page.full)
    if link:
        response["Link"] = link
    return entities.conversations(page.rows, viewer)


@router.post("/conversations/{conversation_id}/read", auth=WRITE)
def conversation_read(request, conversation_id: str):
    """Mark the conversation read (up to its last message); answers the Conversation."""
    viewer = request.auth
    row = direct.conversation_mark_read(viewer, _found(viewer, conversation_id))
    return entities.conversations([row], viewer)[0]


@router.delete("/conversations/{conversation_id}", auth=WRITE)
def conversation_remove(request, conversation_id: str):
    """Remove the conversation from the viewer's list (the posts stay; so does everyone
    else's list); a new message brings it back. Answers `{}`."""
    viewer = request.auth
    direct.conversation_remove(viewer, _found(viewer, conversation_id))
    return {}
