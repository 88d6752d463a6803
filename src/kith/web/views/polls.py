"""Voting in a post's poll from the web: one form on the post (feed, lists, post page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from kith.conversations import actions
from kith.conversations.access import access_post, annotate_for_viewer
from kith.web.forms_conversations import VoteForm
from kith.web.views.conversations import access_post_at
from kith.web.views.follows import next_url


@login_required
@require_POST
def poll_vote(request, handle: str, post_id: str):
    """Vote in the poll of the post at /@handle/<id>; htmx swaps the poll for its results."""
    post = access_post_at(request, handle, post_id)
    form = VoteForm(request.POST)
    error = ""
    if not form.is_valid():
        error = "Choose one of the poll's options."
    else:
        try:
            actions.poll_vote(person=request.user, post=post, choices=form.cleaned_data["choice"])
        except ValidationError as refused:
            error = " ".join(refused.messages)
    if request.htmx:
        fresh = access_post(request.user, post.pk)
        annotate_for_viewer(request.user, [fresh])
        shown = fresh.repost_of if fresh.repost_of_id is not None else fresh
        return render(request, "web/_poll.html", {"post": shown, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "Your vote is in.")
    return redirect(next_url(request, post.get_absolute_url()))
