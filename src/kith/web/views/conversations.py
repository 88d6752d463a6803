"""A post's page (its thread) and everything done to one post: reply, edit, delete, close
replies, repost, quote, revoke a quote, accept an answer, helpful, "how I used it".

Posts are fetched only through `conversations.access` (missing and forbidden: the same 404);
every change is one call to `conversations.actions`, whose ValidationError is shown on the
form (400) or as a message. Every form works without JavaScript; htmx swaps the helpful box.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kith.communities.permissions import can_post_in, is_moderator
from kith.conversations import actions
from kith.conversations.access import (
    access_post,
    can_quote,
    can_reply,
    can_repost,
    loaded_poll,
    thread_for,
)
from kith.conversations.actions.pins import takes_part
from kith.conversations.links import links_for_author
from kith.conversations.media import media_for_posts
from kith.conversations.models import Post, PostKind
from kith.conversations.selectors import edit_history, stories_for, thread_root_of, viewer_marks
from kith.people.validators import normalise_handle
from kith.web.forms_conversations import (
    AnswerForm,
    EditForm,
    QuoteForm,
    ReplyForm,
    UsedItForm,
)
from kith.web.views.follows import next_url


def access_post_at(request, handle: str, post_id: str, *, include_deleted: bool = False) -> Post:
    """Return the post at /@handle/<id> if the viewer may see it; 404 if not, or not theirs."""
    post = access_post(request.user, post_id, include_deleted=include_deleted)
    if post.author.handle != normalise_handle(handle):
        raise Http404("No such post.")
    return post


def apply_errors(form, error: ValidationError) -> None:
    """Put an action's ValidationError on `form`: per field where it has one, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def attach_images(posts) -> None:
    """Set `images` on each post and reposted original (one query)."""
    shown = [p for p in posts] + [p.repost_of for p in posts if p.repost_of_id is not None]
    found = media_for_posts(shown)
    for post in shown:
        post.images = found.get(post.pk, [])


def _ancestors(thread, post_id: int) -> list[Post]:
    """Return the visible posts above `post_id` in `thread`, from the top down."""
    parent_of = {
        child.post.pk: node
        for root in thread.roots
        for node, _ in root.walk()
        for child in node.children
    }
    chain = []
    node = parent_of.get(post_id)
    while node is not None:
        chain.append(node.post)
        node = parent_of.get(node.post.pk)
    return chain[::-1]


def _takes_part(viewer, focus: Post, shown: list[Post]) -> bool:
    """Return whether `viewer` wrote in the thread of `focus` or is mentioned in it: from
    the posts shown when they wrote one of them, else one query."""
    if any(p.author_id == viewer.pk for p in shown):
        return True
    return takes_part(viewer, thread_root_of(focus))


def _thread_context(request, post: Post, **forms) -> dict:
    """Return what the thread page of `post` shows: a fixed number of queries, any size."""
    viewer = request.user
    thread = thread_for(viewer, post)
    focus = thread.focus
    rows = thread.rows()
    listed = {row.post.pk: row for row in rows}
    ancestors: list[Post] = []
    if focus.pk not in listed or listed[focus.pk].continues:
        # Reached through "continue this thread": the way down, then the replies below it.
        ancestors = _ancestors(thread, focus.pk)
        rows = thread.rows(below=focus.pk)
    posts = [row.post for row in rows] + ancestors
    attach_images(posts)
    mine = viewer.is_authenticated
    my_questions = {
        p.pk for p in posts if mine and p.kind == PostKind.QUESTION and p.author_id == viewer.pk
    }
    accepted = {p.accepted_answer_id for p in posts if p.accepted_answer_id}
    for p in posts:
        p.is_accepted = p.pk in accepted
        p.can_accept = (
            p.kind == PostKind.ANSWER and p.in_reply_to_id in my_questions and not p.is_deleted
        )
    is_author = mine and focus.author_id == viewer.pk
    live = not focus.is_deleted
    context = {
        "thread": thread,
        "focus": focus,
        "rows": rows,
        "ancestors": ancestors,
        "is_author": is_author,
        "reply_permission": can_reply(viewer, focus),
        "stories": stories_for(viewer, focus) if live else [],
        "links": links_for_author(viewer, focus) if is_author and live else [],
    }
    if mine and live:
        context["quote_permission"] = can_quote(viewer, focus)
        context["repost_permission"] = can_repost(viewer, focus)
        marks = viewer_marks(viewer, [focus])
        context["bookmarked"] = focus.pk in marks.bookmarked
        context["pinned"] = focus.pk in marks.pinned
        context["thread_muted"] = marks.muted(focus)
        context["can_mute_thread"] = context["thread_muted"] or _takes_part(viewer, focus, posts)
        context["own_story"] = next(
            (s for s in context["stories"] if s.person_id == viewer.pk), None
        )
    if live and focus.community_id is not None:
        # Only those who may post in the community reply in it; its moderators see their tools.
        context["community_moderator"] = mine and is_moderator(viewer, focus.community)
        if context["reply_permission"]:
            context["reply_permission"] = can_post_in(viewer, focus.community)
    if context["reply_permission"]:
        form_class = AnswerForm if focus.kind == PostKind.QUESTION else ReplyForm
        context["reply_form"] = forms.get("reply_form") or form_class()
    if mine and live and not is_author:
        story = context.get("own_story")
        initial = {"story": story.story, "public": story.story_public} if story else {}
        context["used_form"] = forms.get("used_form") or UsedItForm(initial=initial)
    return context


def _render_thread(request, post: Post, *, status: int = 200, **forms):
    return render(
        request, "web/post_page.html", _thread_context(request, post, **forms), status=status
    )


@require_GET
def post_page(request, handle: str, post_id: str):
    """The thread of a post: its whole visible tree, or the part below it (continued)."""
    post = access_post_at(request, handle, post_id, include_deleted=True)
    if post.is_repost:
        return redirect(post.repost_of.get_absolute_url())
    return _render_thread(request, post)


@login_required
@require_POST
def post_reply(request, handle: str, post_id: str):
    post = access_post_at(request, handle, post_id, include_deleted=True)
    form = (AnswerForm if post.kind == PostKind.QUESTION else ReplyForm)(request.POST)
    if form.is_valid():
        try:
            reply = actions.post_reply(
                author=request.user,
                to=post,
                body=form.cleaned_data["body"],
                content_warning=form.cleaned_data["content_warning"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, "Answer posted." if reply.kind == "answer" else "Reply posted."
            )
            return redirect(f"{post.get_absolute_url()}#post-{reply.pk}")
    return _render_thread(request, post, reply_form=form, status=400)


@require_GET
def post_history(request, handle: str, post_id: str):
    """Every earlier version of a post, as its readers may see them."""
    post = access_post_at(request, handle, post_id)
    return render(request, "web/post_history.html", {"post": post, "edits": edit_history(post)})


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, handle: str, post_id: str):
    post = access_post_at(request, handle, post_id)
    if post.author_id != request.user.pk or post.is_repost:
        raise Http404("No such post.")
    initial = {
        "body": post.body,
        "content_warning": post.content_warning,
        "language": post.language,
    }
    poll = loaded_poll(post)
    if poll is not None:
        initial |= EditForm.poll_initial(poll)
    form = EditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = data["poll_action"]
        try:
            actions.post_edit(
                post=post,
                by=request.user,
                body=data["body"],
                content_warning=data["content_warning"],
                language=data["language"],
                poll=form.poll() if action == "set" else None,
                remove_poll=action == "remove",
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Post saved.")
            return redirect(post.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "web/post_edit.html", {"post": post, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def post_delete(request, handle: str, post_id: str):
    post = access_post_at(request, handle, post_id)
    if post.author_id != request.user.pk:
        raise Http404("No such post.")
    if request.method == "GET":
        return render(request, "web/post_delete.html", {"post": post})
    try:
        actions.post_delete(post=post, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(post.get_absolute_url())
    messages.success(request, "Post deleted.")
    if post.is_repost or post.in_reply_to_id is None:
        return redirect(request.user.get_absolute_url())
    return redirect(post.get_absolute_url())


def _simple(request, post: Post, call, done: str):
    """Run one action for a button; show its refusal as a message; go back where asked."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if done:
            messages.success(request, done)
    return redirect(next_url(request, post.get_absolute_url()))


@login_required
@require_POST
def post_replies(request, handle: str, post_id: str):
    """Close replies (`state=closed`) or open them again (`state=open`)."""
    post = access_post_at(request, handle, post_id)
    if request.POST.get("state") == "open":
        call, done = actions.replies_open, "Replies are open again."
    else:
        call, done = actions.replies_close, "Replies are closed."
    return _simple(request, post, lambda: call(post=post, by=request.user), done)


@login_required
@require_POST
def post_repost(request, handle: str, post_id: str):
    """Repost (`undo` absent) or take one's repost back (`undo=1`)."""
    post = access_post_at(request, handle, post_id)
    if request.POST.get("undo"):
        return _simple(
            request,
            post,
            lambda: actions.post_unrepost(person=request.user, post=post),
            "Repost removed.",
        )
    return _simple(
        request, post, lambda: actions.post_repost(person=request.user, post=post), "Reposted."
    )


@login_required
@require_http_methods(["GET", "POST"])
def post_quote(request, handle: str, post_id: str):
    post = access_post_at(request, handle, post_id)
    permission = can_quote(request.user, post)
    form = QuoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quote = actions.post_quote(
                author=request.user,
                post=post,
                body=data["body"],
                visibility=data["visibility"],
                content_warning=data["content_warning"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Quote posted.")
            return redirect(quote.get_absolute_url())
    attach_images([post])
    status = 400 if form.errors or (request.method == "POST" and not permission) else 200
    context = {"post": post, "form": form, "permission": permission}
    return render(request, "web/post_quote.html", context, status=status)


@login_required
@require_POST
def quote_revoke(request, handle: str, post_id: str):
    """The quoted author takes their post out of this quote."""
    quote = access_post_at(request, handle, post_id)
    return _simple(
        request,
        quote,
        lambda: actions.quote_revoke(quote=quote, by=request.user),
        "Your post was removed from this quote.",
    )


@login_required
@require_POST
def answer_accept(request, handle: str, post_id: str):
    """The asker accepts the answer `answer` (or, with `undo`, leaves the question open)."""
    question = access_post_at(request, handle, post_id)
    if request.POST.get("undo"):
        call = lambda: actions.answer_unaccept(question=question, by=request.user)  # noqa: E731
        return _simple(request, question, call, "The question is open again.")
    answer = access_post(request.user, request.POST.get("answer"))
    call = lambda: actions.answer_accept(question=question, answer=answer, by=request.user)  # noqa: E731
    return _simple(request, question, call, "Answer accepted.")


@login_required
@require_POST
def post_bookmark(request, handle: str, post_id: str):
    """Bookmark a post, or (`undo=1`) remove the bookmark; only you see your bookmarks."""
    post = access_post_at(request, handle, post_id)
    if request.POST.get("undo"):
        actions.bookmark_remove(person=request.user, post=post)
        messages.success(request, "Bookmark removed.")
    else:
        actions.bookmark_add(person=request.user, post=post)
        messages.success(request, "Bookmarked: find it under Bookmarks.")
    return redirect(next_url(request, post.get_absolute_url()))


@login_required
@require_POST
def post_helpful(request, handle: str, post_id: str):
    """Mark a post helpful, or (`undo=1`) take the mark back. htmx swaps the box in place."""
    post = access_post_at(request, handle, post_id)
    error = ""
    try:
        if request.POST.get("undo"):
            actions.helpful_unmark(person=request.user, post=post)
        else:
            actions.helpful_mark(person=request.user, post=post)
    except ValidationError as refused:
        error = " ".join(refused.messages)
    if request.htmx:
        post = access_post(request.user, post.pk)
        post.viewer_reactions = {"helpful"} if not request.POST.get("undo") and not error else set()
        return render(request, "web/post_helpful.html", {"post": post, "error": error})
    if error:
        messages.error(request, error)
    return redirect(next_url(request, post.get_absolute_url()))


@login_required
@require_http_methods(["GET", "POST"])
def post_used(request, handle: str, post_id: str):
    """Tell how you used a post (story, public or for the author), or take it back (`remove`)."""
    post = access_post_at(request, handle, post_id)
    if request.method == "POST" and request.POST.get("remove"):
        actions.used_it_remove(person=request.user, post=post)
        messages.success(request, "Your story was removed.")
        return redirect(post.get_absolute_url())
    form = UsedItForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.used_it_add(
                person=request.user,
                post=post,
                story=form.cleaned_data["story"],
                public=form.cleaned_data["public"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Thank you: the author will read how you used it.")
            return redirect(f"{post.get_absolute_url()}#stories")
    if request.method == "GET":
        return redirect(f"{post.get_absolute_url()}#used")
    return _render_thread(request, post, used_form=form, status=400)
