"""Community pages: the list, creating one, its feed and questions, members, the moderation
queue, the log and the settings; and the follow button of a tag page.

Views are thin: parse, call one `communities.actions` function, render. Who may do what is
asked of `communities.permissions`; a forbidden action answers 403 with its reason, bad input
400 with the form's messages. Posts are read through `conversations.access`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kith.communities import actions, selectors
from kith.communities import permissions as perms
from kith.communities.models import MembershipStatus, Report, ReportStatus, Role
from kith.conversations.access import access_post
from kith.core.ids import parse_id
from kith.core.text import normalise_tag
from kith.people.access import access_person
from kith.web.forms_communities import (
    CommunityForm,
    InviteForm,
    ReasonForm,
    ReportForm,
    SanctionForm,
    SettingsForm,
)
from kith.web.views.conversation_lists import _listing, tag_follow_context
from kith.web.views.conversations import apply_errors


def _standing(request, community) -> dict:
    """Return what the page shows about the viewer's place in `community` (one query)."""
    membership = perms.membership_of(request.user, community)
    active = membership is not None and membership.is_active
    return {
        "community": community,
        "membership": membership,
        "is_member": active,
        "is_moderator": bool(membership and membership.is_moderator),
        "is_owner": active and membership.role == Role.OWNER,
        "is_banned": bool(membership and membership.is_banned()),
        "is_muted": bool(active and membership.is_muted()),
    }


# --- Listing and creating ---------------------------------------------------------------------


@require_GET
def community_list(request):
    query = request.GET.get("q", "")[:80]
    context = {
        "communities": selectors.communities_list(query=query),
        "mine": selectors.communities_of(request.user),
        "query": query,
    }
    return render(request, "web/communities.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def community_create(request):
    form = CommunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            community = actions.community_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"{community.name} is open. You are its owner.")
            return redirect(community.get_absolute_url())
    status = 400 if form.errors else 200
    return render(request, "web/community_form.html", {"form": form}, status=status)


# --- The community page: feed and questions ---------------------------------------------------


@require_GET
def community_page(request, slug: str):
    """The community's conversations (newest first) that the viewer may see."""
    community = selectors.access_community(slug)
    page = selectors.community_feed(request.user, community, max_id=request.GET.get("max_id"))
    context = {**_standing(request, community), "tab": "posts"}
    return _listing(request, page, "web/community_page.html", context)


@require_GET
def community_questions(request, slug: str):
    """The community's open questions; `?unanswered=1`: those nobody answered yet."""
    community = selectors.access_community(slug)
    bare = request.GET.get("unanswered") == "1"
    page = selectors.community_questions(
        request.user, community, max_id=request.GET.get("max_id"), without_answers=bare
    )
    context = {
        **_standing(request, community),
        "tab": "unanswered" if bare else "questions",
        "more_query": "unanswered=1&" if bare else "",
    }
    return _listing(request, page, "web/community_page.html", context)


def _membership_box(request, community, *, error: str = "", status: int = 200):
    context = {**_standing(request, community), "error": error}
    if request.htmx:
        return render(request, "web/_community_membership.html", context, status=status)
    if error:
        messages.error(request, error)
    return redirect(community.get_absolute_url())


@login_required
@require_POST
def community_join(request, slug: str):
    community = selectors.access_community(slug)
    try:
        membership = actions.community_join(person=request.user, community=community)
    except ValidationError as error:
        return _membership_box(request, community, error=" ".join(error.messages), status=400)
    if membership.status == MembershipStatus.REQUESTED and not request.htmx:
        messages.success(request, "Asked to join: the moderators will answer.")
    community.refresh_from_db()
    return _membership_box(request, community)


@login_required
@require_POST
def community_leave(request, slug: str):
    community = selectors.access_community(slug)
    try:
        actions.community_leave(person=request.user, community=community)
    except ValidationError as error:
        return _membership_box(request, community, error=" ".join(error.messages), status=400)
    community.refresh_from_db()
    return _membership_box(request, community)


# --- Members ----------------------------------------------------------------------------------

MEMBER_VERBS = {
    "approve": actions.membership_approve,
    "reject": actions.membership_reject,
    "unban": actions.member_unban,
    "unmute": actions.member_unmute,
}


@require_GET
def community_members(request, slug: str):
    """Members; moderators also see requests, invitations and bans, with their buttons."""
    community = selectors.access_community(slug)
    return _members_page(request, community, request.GET.get("status", "active"))


def _members_page(request, community, status: str, *, error: str = "", http_status: int = 200):
    if status not in MembershipStatus.values:
        raise Http404("No such list.")
    if status != MembershipStatus.ACTIVE:
        perms.require(perms.can_moderate(request.user, community))
    rows, next_max_id = selectors.members_of(
        request.user, community, status=status, max_id=request.GET.get("max_id")
    )
    context = {
        **_standing(request, community),
        "rows": rows,
        "status": status,
        "next_max_id": next_max_id,
        "statuses": MembershipStatus.choices,
        "roles": Role.choices,
        "sanction_form": SanctionForm(),
        "invite_form": InviteForm(),
        "error": error,
    }
    return render(request, "web/community_members.html", context, status=http_status)


@login_required
@require_POST
def community_member(request, slug: str, handle: str, verb: str):
    """Approve, decline, ban, mute, lift a ban or mute, or set the role of a member."""
    community = selectors.access_community(slug)
    person = access_person(request.user, handle)
    back = request.POST.get("next_status", "active")
    back = back if back in MembershipStatus.values else "active"
    try:
        if verb in MEMBER_VERBS:
            MEMBER_VERBS[verb](by=request.user, community=community, person=person)
        elif verb in ("ban", "mute"):
            form = SanctionForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    [f"{name}: {' '.join(errs)}" for name, errs in form.errors.items()]
                )
            sanction = actions.member_ban if verb == "ban" else actions.member_mute
            sanction(by=request.user, community=community, person=person, **form.cleaned_data)
        elif verb == "role":
            actions.member_set_role(
                by=request.user, community=community, person=person, role=request.POST.get("role")
            )
        else:
            raise Http404("No such action.")
    except ValidationError as error:
        message = " ".join(error.messages)
        return _members_page(request, community, back, error=message, http_status=400)
    messages.success(request, "Done.")
    return redirect(f"{community.get_absolute_url()}/members?status={back}")


@login_required
@require_POST
def community_invite(request, slug: str):
    community = selectors.access_community(slug)
    form = InviteForm(request.POST)
    if form.is_valid():
        person = access_person(request.user, form.cleaned_data["handle"].lstrip("@"))
        try:
            actions.community_invite(by=request.user, community=community, person=person)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Invited @{person.handle}.")
    return redirect(f"{community.get_absolute_url()}/members?status=invited")


# --- Posts: report, remove, restore -----------------------------------------------------------


def _community_post(request, community, post_id: str):
    post = access_post(request.user, post_id)
    if post.community_id != community.pk:
        raise Http404("No such post in this community.")
    return post


@login_required
@require_http_methods(["GET", "POST"])
def post_report(request, slug: str, post_id: str):
    """Report a post of the community to its moderators (members)."""
    community = selectors.access_community(slug)
    post = _community_post(request, community, post_id)
    perms.require(perms.can_report(request.user, community))
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.report_create(by=request.user, post=post, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Reported. Thank you: the moderators will look at it.")
            return redirect(post.get_absolute_url())
    status = 400 if form.errors else 200
    context = {**_standing(request, community), "form": form, "post": post}
    return render(request, "web/community_report.html", context, status=status)


@login_required
@require_POST
def post_moderate(request, slug: str, post_id: str, verb: str):
    """Remove a post from the community, or restore it (moderators)."""
    community = selectors.access_community(slug)
    post = _community_post(request, community, post_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if verb == "remove":
            actions.post_remove(by=request.user, post=post, reason=reason)
            messages.success(request, "Removed from the community.")
        else:
            actions.post_restore(by=request.user, post=post)
            messages.success(request, "Restored to the community.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(request.POST.get("next") or community.get_absolute_url())


# --- Moderation queue, log, settings ----------------------------------------------------------


@login_required
@require_GET
def moderation_queue(request, slug: str):
    community = selectors.access_community(slug)
    perms.require(perms.can_moderate(request.user, community))
    status = request.GET.get("status", ReportStatus.OPEN)
    if status not in ReportStatus.values:
        raise Http404("No such list.")
    context = {
        **_standing(request, community),
        "reports": selectors.report_queue(request.user, community, status=status),
        "status": status,
        "statuses": ReportStatus.choices,
    }
    return render(request, "web/community_moderation.html", context)


@login_required
@require_POST
def report_resolve(request, slug: str, report_id: str, outcome: str):
    community = selectors.access_community(slug)
    perms.require(perms.can_moderate(request.user, community))
    report = Report.objects.filter(community=community, pk=parse_id(report_id) or 0).first()
    if report is None or outcome not in ("resolve", "dismiss", "remove"):
        raise Http404("No such report.")
    try:
        actions.report_resolve(
            by=request.user,
            report=report,
            dismiss=outcome == "dismiss",
            remove=outcome == "remove",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(f"{community.get_absolute_url()}/moderation")


@login_required
@require_GET
def moderation_log(request, slug: str):
    community = selectors.access_community(slug)
    perms.require(perms.can_read_log(request.user, community))
    entries, next_max_id = selectors.moderation_log(community, max_id=request.GET.get("max_id"))
    context = {**_standing(request, community), "entries": entries, "next_max_id": next_max_id}
    return render(request, "web/community_log.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def community_settings(request, slug: str):
    community = selectors.access_community(slug)
    perms.require(perms.can_manage(request.user, community))
    initial = {
        "name": community.name,
        "description": community.description,
        "rules": community.rules,
        "policy": community.policy,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.community_update(by=request.user, community=community, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Settings saved.")
            return redirect(community.get_absolute_url())
    status = 400 if form.errors else 200
    context = {**_standing(request, community), "form": form}
    return render(request, "web/community_settings.html", context, status=status)


# --- Following a tag from its page ------------------------------------------------------------


@login_required
@require_POST
def tag_follow(request, tag: str, verb: str):
    """Follow or unfollow a hashtag from its page (htmx swaps the button)."""
    name = normalise_tag(tag)
    if name is None:
        raise Http404("No such tag.")
    if verb == "follow":
        actions.tag_follow(person=request.user, tag=name)
    else:
        actions.tag_unfollow(person=request.user, tag=name)
    if request.htmx:
        return render(request, "web/_tag_follow.html", tag_follow_context(request, name))
    return redirect(f"/tags/{name}")
