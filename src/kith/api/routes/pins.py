"""Pinned posts and muted threads in the native API.

A person pins up to `KITH_PINNED_POSTS_MAX` of their own posts (not reposts, not those
shown only to the people they mention) to the top of their profile; readers get the pinned
posts they may see (`selectors.pinned_posts`, through the access rule). Muting a thread one
takes part in stops every notification about its posts until it is unmuted.
"""

from __future__ import annotations

from ninja import Router, Schema

from kith.api import auth
from kith.api.post_schemas import PostOut
from kith.api.post_serializers import posts_data
from kith.api.schemas import ErrorOut
from kith.conversations import actions, selectors
from kith.conversations.access import access_post
from kith.people.access import access_person

router = Router(tags=["posts"], auth=auth.optional)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class PinOut(Schema):
    post_id: str
    pinned: bool


class ThreadMuteOut(Schema):
    post_id: str
    thread_root_id: str
    muted: bool


@router.get(
    "/people/{handle}/pinned",
    response={200: list[PostOut], **ERRORS},
    summary="A person's pinned posts",
)
def pinned(request, handle: str):
    """Return the posts a person pinned to their profile that you may see, newest pin first."""
    person = access_person(request.auth, handle)
    return posts_data(request.auth, selectors.pinned_posts(request.auth, person))


@router.put(
    "/posts/{post_id}/pin", response={200: PinOut, **ERRORS}, auth=auth.required, summary="Pin"
)
def pin(request, post_id: str):
    """Pin one of your posts to the top of your profile (422: someone else's post, a
    repost, a deleted post, one shown only to the people it mentions, or the limit
    reached)."""
    post = access_post(request.auth, post_id)
    made = actions.post_pin(person=request.auth, post=post)
    return {"post_id": str(made.post_id), "pinned": True}


@router.delete(
    "/posts/{post_id}/pin", response={200: PinOut, **ERRORS}, auth=auth.required, summary="Unpin"
)
def unpin(request, post_id: str):
    post = access_post(request.auth, post_id)
    actions.post_unpin(person=request.auth, post=post)
    return {"post_id": str(post.pk), "pinned": False}


def _mute_out(post, muted: bool) -> dict:
    return {
        "post_id": str(post.pk),
        "thread_root_id": str(selectors.thread_root_of(post)),
        "muted": muted,
    }


@router.get(
    "/posts/{post_id}/mute",
    response={200: ThreadMuteOut, **ERRORS},
    auth=auth.required,
    summary="Is the thread muted",
)
def mute_state(request, post_id: str):
    """Say whether you muted the thread of this post."""
    post = access_post(request.auth, post_id)
    muted = selectors.thread_root_of(post) in selectors.muted_thread_ids(request.auth, [post])
    return _mute_out(post, muted)


@router.put(
    "/posts/{post_id}/mute",
    response={200: ThreadMuteOut, **ERRORS},
    auth=auth.required,
    summary="Mute the thread",
)
def mute(request, post_id: str):
    """Mute the thread of this post: no more notifications about its posts (replies,
    mentions, helpful, reposts, edits, poll ends) until you unmute it. Only a thread you
    take part in (you wrote in it or are mentioned in it): 422 otherwise."""
    post = access_post(request.auth, post_id)
    actions.thread_mute(person=request.auth, post=post)
    return _mute_out(post, True)


@router.delete(
    "/posts/{post_id}/mute",
    response={200: ThreadMuteOut, **ERRORS},
    auth=auth.required,
    summary="Unmute the thread",
)
def unmute(request, post_id: str):
    post = access_post(request.auth, post_id)
    actions.thread_unmute(person=request.auth, post=post)
    return _mute_out(post, False)
