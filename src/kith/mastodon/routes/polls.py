"""Polls: read one, vote (`conversations.actions.poll_vote`). A poll is reached through its
post and the one access rule (`conversations.access.access_poll`): a poll on a post the
viewer may not see is a 404, like a missing one."""

from __future__ import annotations

from django.http import Http404
from ninja import Router, Schema

from kith.conversations import actions, selectors
from kith.conversations.access import access_poll
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import not_found, unprocessable
from kith.mastodon.parser import Params

router = Router(tags=["polls"])


class VoteIn(Schema):
    choices: list[int | str] | None = None


def _poll(viewer, poll_id: str):
    try:
        return access_poll(viewer, poll_id)
    except Http404:
        raise not_found() from None


@router.get("/polls/{poll_id}", auth=mastodon_auth("read:statuses", optional=True))
def get_poll(request, poll_id: str):
    return entities.poll(selectors.poll_shown(request.auth, _poll(request.auth, poll_id)))


@router.post("/polls/{poll_id}/votes", auth=mastodon_auth("write:statuses"))
def vote(request, poll_id: str, params: Params[VoteIn]):
    """Vote for the options `choices[]` (numbers from 0); return the poll with your votes."""
    person = request.auth
    found = _poll(person, poll_id)
    if not params.choices:
        raise unprocessable("choices must name at least one option")
    actions.poll_vote(person=person, post=found.post, choices=params.choices)
    return entities.poll(selectors.poll_shown(person, _poll(person, poll_id)))
