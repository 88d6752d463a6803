"""Writing a post (the compose box and its preview) and the lists of posts: a person's, a
tag's, the unanswered questions. Lists page by id with a real "Older" link that htmx
upgrades to load the next page in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kith.communities.selectors import communities_of, follows_tag, tag_follower_count
from kith.conversations import actions
from kith.conversations.preview import post_preview
from kith.conversations.selectors import (
    bookmarked_posts,
    posts_of,
    tagged_posts,
    unanswered_questions,
)
from kith.core.text import normalise_tag
from kith.people.access import access_person
from kith.web.forms_conversations import ComposeForm
from kith.web.media_form import MEDIA_IDS_FIELD, media_ids_from_request
from kith.web.views.conversations import apply_errors, attach_images
from kith.web.views.pins import mark_pinned, pinned_context


def compose_form(request, data=None) -> ComposeForm:
    """Return the compose form for the signed-in person: their communities to pick from, and
    the one named by `?community=` chosen."""
    slug = request.GET.get("community", "")
    return ComposeForm(data, communities=communities_of(request.user), initial={"community": slug})


def compose_context(form=None, *, request=None, preview=None, held_media=()) -> dict:
    """Return what the compose box needs (a fresh form unless given one)."""
    return {
        "compose_form": form or compose_form(request),
        "preview": preview,
        "held_media": list(held_media),
    }


@login_required
@require_http_methods(["GET", "POST"])
def compose(request):
    """Publish a post or question; "Preview" (without JavaScript) shows it first, unsaved."""
    form = compose_form(request, request.POST or None)
    held = [i for i in request.POST.getlist(MEDIA_IDS_FIELD) if i.strip()]
    if request.method == "POST" and request.POST.get("preview"):
        preview = post_preview(author=request.user, body=request.POST.get("body", ""))
        context = compose_context(form, preview=preview, held_media=held)
        return render(request, "web/compose_page.html", context)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            held = media_ids_from_request(request)
            post = actions.post_publish(
                author=request.user,
                body=data["body"],
                kind=data["kind"],
                visibility=data["visibility"],
                language=data["language"],
                content_warning=data["content_warning"],
                reply_policy=data["reply_policy"],
                quote_policy=data["quote_policy"],
                media_ids=held,
                community=data.get("community") or None,
                poll=form.poll(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Question asked." if post.kind == "question" else "Posted.")
            return redirect(post.get_absolute_url())
    status = 400 if form.errors else 200
    context = compose_context(form, held_media=held)
    return render(request, "web/compose_page.html", context, status=status)


@login_required
@require_POST
def compose_preview(request):
    """The preview partial: the body rendered as it would be published, and its length."""
    preview = post_preview(author=request.user, body=request.POST.get("body", ""))
    return render(request, "web/compose_preview.html", {"preview": preview})


def _listing(request, page, template: str, context: dict):
    """Render a list page, or (htmx, from "Older") just the next items and pager."""
    attach_images(page.posts)
    context = {**context, "page": page, "more_url": request.path}
    if request.htmx:
        response = render(request, "web/post_list_items.html", context)
    else:
        response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def profile_posts_context(request, person) -> dict:
    """Return the first page of `person`'s posts for their profile (and the compose box)."""
    page = posts_of(request.user, person)
    apply_filters_to_page(request, page, "account")
    context = {"page": page, "more_url": f"{person.get_absolute_url()}/posts"}
    context.update(pinned_context(request, person, images=False))
    attach_images(page.posts + context["pinned"])
    mark_pinned(request, person, page.posts, context["pinned"])
    if request.user.is_authenticated and request.user.pk == person.pk:
        context.update(compose_context(request=request))
    return context


@require_GET
def person_posts(request, handle: str):
    """A person's posts, newest first (the profile shows the first page)."""
    person = access_person(request.user, handle)
    page = posts_of(request.user, person, max_id=request.GET.get("max_id"))
    apply_filters_to_page(request, page, "account")
    mark_pinned(request, person, page.posts)
    context = {"person": person, "pin_controls": request.user.pk == person.pk}
    return _listing(request, page, "web/post_person_list.html", context)


def apply_filters_to_page(request, page, context: str) -> None:
    """Apply the signed-in reader's filters of `context` to a page of posts: a hide filter
    leaves a post out, a warn filter sets `post.filter_warning` (its title). One query for
    the filters, one more only when one of them names posts; the page's cursor stays."""
    if not request.user.is_authenticated or not page.posts:
        return
    from kith.feeds.selectors import FilterStatuses, active_filters, filter_match, in_context

    filters = in_context(active_filters(request.user), context)
    if not filters:
        return
    shown = [p.repost_of if p.repost_of_id is not None else p for p in page.posts]
    named = FilterStatuses(filters, [p.pk for p in shown])
    kept = []
    for post in page.posts:
        found = filter_match(filters, post, named)
        if found is None:
            kept.append(post)
        elif found.action == "warn":
            post.filter_warning = found.title
            kept.append(post)
    page.posts[:] = kept  # the page itself is frozen; its list is not


@require_GET
def tag_page(request, tag: str):
    """Posts with the tag (the "public" filter context applies)."""
    name = normalise_tag(tag)
    if name is None:
        raise Http404("No such tag.")
    page = tagged_posts(request.user, name, max_id=request.GET.get("max_id"))
    apply_filters_to_page(request, page, "public")
    return _listing(request, page, "web/tag_page.html", tag_follow_context(request, name))


def tag_follow_context(request, name: str) -> dict:
    """Return the tag page's follow button state: whether the viewer follows it, how many do."""
    return {
        "tag": name,
        "following": follows_tag(request.user, name),
        "followers_count": tag_follower_count(name),
    }


@login_required
@require_GET
def bookmarks(request):
    """The posts you bookmarked (and may still see), newest bookmark first."""
    page = bookmarked_posts(request.user, max_id=request.GET.get("max_id"))
    return _listing(request, page, "web/bookmark_list.html", {})


@require_GET
def questions(request):
    """Open questions (no accepted answer); `?unanswered=1`: those nobody answered yet."""
    bare = request.GET.get("unanswered") == "1"
    page = unanswered_questions(
        request.user, max_id=request.GET.get("max_id"), without_answers=bare
    )
    context = {"unanswered": bare, "more_query": "unanswered=1&" if bare else ""}
    return _listing(request, page, "web/question_list.html", context)
