"""Follow buttons, the over-budget confirm step, and the Following, Followers and Requests
pages. Every form works without JavaScript; htmx swaps the profile's follow box in place.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kith.people.access import access_person
from kith.relationships.access import (
    access_follow_request,
    follow_requests_to,
    followers_of,
    follows_of,
    standing_between,
)
from kith.relationships.actions import follows as actions
from kith.relationships.attention import attention_summary, follow_figures, ranked_follows
from kith.relationships.interactions import describe
from kith.web.forms_follows import MuteForm, NoteForm

PAGE_SIZE = 50
WAITING_SHOWN = 5  # follow requests shown on the Followers page
SORTS = [
    ("cost", "Costliest first"),
    ("interaction", "Least interaction first"),
    ("recent", "Newest first"),
]


def profile_actions_context(viewer, person) -> dict:
    """Return what the profile's follow and safety boxes show (nothing for self or anonymous).

    Two queries: the standing between the two, and the attention figures when not following.
    """
    if not viewer.is_authenticated or viewer.pk == person.pk:
        return {}
    standing = standing_between(viewer, person)
    show_cost = not (standing.following or standing.requested or standing.blocking)
    return {
        "standing": standing,
        "figures": follow_figures(viewer, person) if show_cost else None,
        "mute_form": MuteForm(),
        "note_form": NoteForm(initial={"body": standing.note}),
    }


def next_url(request, default: str) -> str:
    """Return the `next` field of the request if it is a local URL, else `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _follow_box(request, person, *, error: str = "", status: int = 200):
    context = {"person": person, "error": error, **profile_actions_context(request.user, person)}
    return render(request, "web/_follow_actions.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def follow(request, handle: str):
    """Follow (POST); a follow past the reading capacity goes through the confirm step."""
    person = access_person(request.user, handle)
    if request.method == "GET":
        return redirect("follow_confirm", handle=person.handle)
    confirm = request.POST.get("confirm_over_budget") in {"1", "true", "on"}
    try:
        follow = actions.follow_create(
            follower=request.user, target=person, confirm_over_budget=confirm
        )
    except actions.OverBudget as over:
        if request.htmx:
            return render(
                request,
                "web/_follow_confirm.html",
                {"person": person, "figures": over.figures, "inline": True},
            )
        return redirect("follow_confirm", handle=person.handle)
    except ValidationError as error:
        if request.htmx:
            return _follow_box(request, person, error=" ".join(error.messages))
        messages.error(request, " ".join(error.messages))
        return redirect(next_url(request, person.get_absolute_url()))
    if request.htmx:
        return _follow_box(request, person)
    if follow.status == "requested":
        messages.success(request, f"You asked to follow {person.display_name}.")
    else:
        messages.success(request, f"You follow {person.display_name}.")
    return redirect(next_url(request, person.get_absolute_url()))


@login_required
@require_GET
def follow_confirm(request, handle: str):
    """Show what following would cost against the capacity, with a button to go ahead."""
    person = access_person(request.user, handle)
    return render(
        request,
        "web/follow_confirm.html",
        {
            "person": person,
            "figures": follow_figures(request.user, person),
            "standing": standing_between(request.user, person),
        },
    )


@login_required
@require_POST
def unfollow(request, handle: str):
    """Unfollow, or withdraw a follow request."""
    person = access_person(request.user, handle)
    actions.follow_remove(follower=request.user, target=person)
    if request.htmx:
        return _follow_box(request, person)
    messages.success(request, f"You no longer follow {person.display_name}.")
    return redirect(next_url(request, person.get_absolute_url()))


@login_required
@require_POST
def follower_remove(request, handle: str):
    person = access_person(request.user, handle)
    if actions.follower_remove(person=request.user, follower=person):
        messages.success(request, f"{person.display_name} no longer follows you.")
    return redirect(next_url(request, "followers"))


@login_required
@require_POST
def follow_request_answer(request, handle: str, verb: str):
    """Approve or reject a follow request."""
    follow = access_follow_request(request.user, handle)
    name = follow.follower.display_name
    if verb == "approve":
        actions.follow_request_approve(person=request.user, follow=follow)
        messages.success(request, f"{name} follows you now.")
    else:
        actions.follow_request_reject(person=request.user, follow=follow)
        messages.success(request, f"You rejected {name}'s request.")
    if request.htmx:
        return _follow_box(request, follow.follower)
    return redirect(next_url(request, "follow_requests"))


def _tabs_context(request) -> dict:
    return {"request_count": follow_requests_to(request.user).count()}


@login_required
@require_GET
def following(request):
    """Everyone you follow, ranked by cost or interaction, to make unfollowing easy."""
    sort = request.GET.get("sort", "cost")
    if sort not in dict(SORTS):
        sort = "cost"
    rows = ranked_follows(request.user, sort=sort)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.described = describe(row.interactions)
    return render(
        request,
        "web/following.html",
        {
            "page": page,
            "sort": sort,
            "sorts": SORTS,
            "summary": attention_summary(request.user),
            **_tabs_context(request),
        },
    )


@login_required
@require_GET
def followers(request):
    """The people who follow you, with a button to remove each, and the first requests."""
    page = Paginator(followers_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    ids = [f.follower_id for f in page]
    back = set(
        follows_of(request.user)
        .filter(target_person_id__in=ids)
        .values_list("target_person_id", flat=True)
    )
    for follow_row in page:
        follow_row.following_back = follow_row.follower_id in back
    waiting = list(follow_requests_to(request.user)[:WAITING_SHOWN])
    return render(
        request,
        "web/followers.html",
        {"page": page, "waiting": waiting, **_tabs_context(request)},
    )


@login_required
@require_GET
def follow_requests(request):
    """Follow requests waiting for your answer."""
    page = Paginator(follow_requests_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/follow_requests.html",
        {"page": page, "request_count": page.paginator.count},
    )
