"""Pin a post to one's profile (or unpin it), mute a thread one takes part in (or unmute it),
and the profile's pinned posts as a partial that htmx refreshes after a pin changes.

Posts come through `conversations.access`; each button calls one action; without
JavaScript the forms post and come back where they were (`next`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kith.conversations import actions
from kith.conversations.selectors import pinned_ids, pinned_posts
from kith.people.access import access_person
from kith.web.views.conversations import access_post_at, attach_images
from kith.web.views.follows import next_url

PINS_CHANGED = "kith:pins-changed"


def pinned_context(request, person, *, images: bool = True) -> dict:
    """Return the pinned posts of `person` that the viewer may see, marked for the list
    (without their images if not `images`: the caller attaches them with its own posts')."""
    pinned = pinned_posts(request.user, person)
    if images:
        attach_images(pinned)
    for post in pinned:
        post.is_pinned = True
    return {
        "pinned": pinned,
        "pin_controls": _own(request, person),
        "pin_limit": settings.KITH_PINNED_POSTS_MAX,
    }


def mark_pinned(request, person, posts, pinned=None) -> None:
    """Set `is_pinned` on `posts` of `person`: from `pinned` (the pinned posts already
    loaded) or, on one's own profile, from one query; others' older pages show no mark."""
    if pinned is not None:
        ids = {p.pk for p in pinned}
    elif _own(request, person):
        ids = pinned_ids(request.user, posts)
    else:
        return
    for post in posts:
        post.is_pinned = post.pk in ids


def _own(request, person) -> bool:
    return request.user.is_authenticated and request.user.pk == person.pk


@require_GET
def pinned_partial(request, handle: str):
    """The pinned posts section of a profile (htmx refreshes it when a pin changes)."""
    person = access_person(request.user, handle)
    context = {"person": person, **pinned_context(request, person)}
    return render(request, "web/_pinned_posts.html", context)


@login_required
@require_POST
def post_pin(request, handle: str, post_id: str):
    """Pin your post to your profile, or (`undo=1`) unpin it. htmx swaps the button and
    refreshes the profile's pinned posts."""
    post = access_post_at(request, handle, post_id)
    undo = bool(request.POST.get("undo"))
    error = ""
    try:
        if undo:
            actions.post_unpin(person=request.user, post=post)
        else:
            actions.post_pin(person=request.user, post=post)
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if request.htmx:
        post.is_pinned = (not undo) if not error else undo
        response = render(request, "web/_pin_button.html", {"post": post, "error": error})
        if not error:
            response["HX-Trigger"] = PINS_CHANGED
        return response
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Unpinned." if undo else "Pinned to your profile.")
    return redirect(next_url(request, post.get_absolute_url()))


@login_required
@require_POST
def thread_mute(request, handle: str, post_id: str):
    """Mute the conversation of a post (no more notifications about it), or (`undo=1`)
    hear about it again."""
    post = access_post_at(request, handle, post_id)
    try:
        if request.POST.get("undo"):
            actions.thread_unmute(person=request.user, post=post)
            messages.success(request, "Conversation unmuted: you will be notified again.")
        else:
            actions.thread_mute(person=request.user, post=post)
            messages.success(request, "Conversation muted: no more notifications about it.")
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    return redirect(next_url(request, post.get_absolute_url()))
