"""Communities in the native API: membership, the community feed and questions, moderation.

A community's name, description and rules are public; its posts are listed through
`conversations.access` like every other list (a post you may not see is never there).
Every change is one call to `communities.actions`; who may do what is decided in
`communities.permissions` (forbidden: 403 with the reason; bad input: 422).
"""

from __future__ import annotations

from django.http import Http404, HttpResponse
from ninja import Query, Router

from kith.api import auth
from kith.api.community_schemas import (
    CommunityIn,
    CommunityOut,
    CommunityPatch,
    FeedQuery,
    HandleIn,
    ListQuery,
    LogEntryOut,
    LogQuery,
    MemberOut,
    MembersQuery,
    QuestionsQuery,
    ReasonIn,
    ReportIn,
    ReportOut,
    ReportsQuery,
    ResolveIn,
    RoleIn,
    SanctionIn,
)
from kith.api.post_schemas import PostOut
from kith.api.post_serializers import json_response, posts_data
from kith.api.routes.posts import _max_id, _page_response
from kith.api.schemas import ErrorOut
from kith.api.serializers import person_summary_dict
from kith.communities import actions, selectors
from kith.communities import permissions as perms
from kith.communities.models import Community, Membership, Report
from kith.conversations.access import access_post, posts_by_ids
from kith.core.ids import parse_id
from kith.people.access import access_person

router = Router(tags=["communities"], auth=auth.optional)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# --- Helpers ----------------------------------------------------------------------------------


def community_dict(viewer, community: Community, membership=perms.UNKNOWN) -> dict:
    """Return `community` with the viewer's standing (pass their `membership` row, or None,
    when it is known: no query then)."""
    membership = perms.membership_of(viewer, community, membership)
    return {
        "id": str(community.pk),
        "slug": community.slug,
        "url": community.get_absolute_url(),
        "name": community.name,
        "description": community.description,
        "rules": community.rule_list,
        "policy": community.policy,
        "members_count": community.members_count,
        "created_at": community.created_at,
        "viewer": {
            "status": membership.status if membership else None,
            "role": membership.role if membership and membership.is_active else None,
            "muted_until": membership.muted_until if membership and membership.muted else None,
            "can_post": bool(perms.can_post_in(viewer, community, membership)),
            "can_join": bool(perms.can_join(viewer, community, membership)),
            "can_moderate": bool(perms.can_moderate(viewer, community, membership)),
            "can_manage": bool(perms.can_manage(viewer, community, membership)),
        },
    }


def _member_dict(row: Membership) -> dict:
    return {
        "id": str(row.pk),
        "person": person_summary_dict(row.person),
        "role": row.role,
        "status": row.status,
        "muted": row.is_muted(),
        "muted_until": row.muted_until,
        "banned_until": row.banned_until,
        "joined_at": row.joined_at,
    }


def _person(request, handle: str):
    return access_person(request.auth, handle)


def _community_post(request, community: Community, post_id: str):
    """Return the post `post_id` of `community`, if the caller may see it; else 404."""
    post = access_post(request.auth, post_id)
    if post.community_id != community.pk:
        raise Http404("No such post in this community.")
    return post


def _feed(request, page) -> HttpResponse:
    return _page_response(request, posts_data(request.auth, page.posts), page.next_max_id)


# --- Communities ------------------------------------------------------------------------------


@router.get("/communities", response={200: list[CommunityOut], **ERRORS}, summary="Communities")
def list_communities(request, query: Query[ListQuery]):
    """Return the communities (by name), optionally those whose name contains `q`."""
    found = selectors.communities_list(query=query.q)
    mine = selectors.memberships_in(request.auth, found)
    return json_response([community_dict(request.auth, c, mine.get(c.pk)) for c in found])


@router.post(
    "/communities",
    response={201: CommunityOut, **ERRORS},
    auth=auth.required,
    summary="Create a community",
)
def create_community(request, data: CommunityIn):
    """Create a community; you are its owner."""
    community = actions.community_create(by=request.auth, **data.model_dump())
    return json_response(community_dict(request.auth, community), status=201)


@router.get("/communities/{slug}", response={200: CommunityOut, **ERRORS}, summary="A community")
def get_community(request, slug: str):
    """Return a community with your standing in it."""
    community = selectors.access_community(slug)
    return json_response(community_dict(request.auth, community))


@router.patch(
    "/communities/{slug}",
    response={200: CommunityOut, **ERRORS},
    auth=auth.required,
    summary="Change the settings",
)
def update_community(request, slug: str, data: CommunityPatch):
    """Change the name, description, rules or membership policy (owners)."""
    community = selectors.access_community(slug)
    actions.community_update(by=request.auth, community=community, **data.model_dump())
    return json_response(community_dict(request.auth, community))


@router.get(
    "/communities/{slug}/posts", response={200: list[PostOut], **ERRORS}, summary="The feed"
)
def community_posts(request, slug: str, page: Query[FeedQuery]):
    """Return the community's conversations you may see, newest first (removed posts left
    out); page with `max_id` (the `Link` header has the next page)."""
    community = selectors.access_community(slug)
    found = selectors.community_feed(
        request.auth, community, max_id=_max_id(page), limit=page.limit
    )
    return _feed(request, found)


@router.get(
    "/communities/{slug}/questions",
    response={200: list[PostOut], **ERRORS},
    summary="Unanswered questions",
)
def community_questions(request, slug: str, page: Query[QuestionsQuery]):
    """Return the community's open questions (no accepted answer) you may see, newest first."""
    community = selectors.access_community(slug)
    found = selectors.community_questions(
        request.auth,
        community,
        max_id=_max_id(page),
        limit=page.limit,
        without_answers=page.without_answers,
    )
    return _feed(request, found)


# --- Membership -------------------------------------------------------------------------------


@router.post(
    "/communities/{slug}/join",
    response={200: CommunityOut, **ERRORS},
    auth=auth.required,
    summary="Join (or ask to)",
)
def join(request, slug: str):
    """Join an open community, accept an invitation, or ask to join (approval)."""
    community = selectors.access_community(slug)
    actions.community_join(person=request.auth, community=community)
    return json_response(community_dict(request.auth, selectors.access_community(slug)))


@router.post(
    "/communities/{slug}/leave",
    response={200: CommunityOut, **ERRORS},
    auth=auth.required,
    summary="Leave",
)
def leave(request, slug: str):
    """Leave, withdraw your request, or decline an invitation."""
    community = selectors.access_community(slug)
    actions.community_leave(person=request.auth, community=community)
    return json_response(community_dict(request.auth, selectors.access_community(slug)))


@router.get(
    "/communities/{slug}/members", response={200: list[MemberOut], **ERRORS}, summary="Members"
)
def members(request, slug: str, query: Query[MembersQuery]):
    """Return the members, newest first; requests, invitations and bans: moderators only."""
    community = selectors.access_community(slug)
    if query.status != "active":
        perms.require(perms.can_moderate(request.auth, community))
    rows, next_max_id = selectors.members_of(
        request.auth,
        community,
        status=query.status,
        max_id=_max_id(query),
        limit=query.limit,
    )
    return _page_response(request, [_member_dict(r) for r in rows], next_max_id)


@router.post(
    "/communities/{slug}/invitations",
    response={200: MemberOut, **ERRORS},
    auth=auth.required,
    summary="Invite someone",
)
def invite(request, slug: str, data: HandleIn):
    """Invite a person (moderators); they join by accepting. A pending request is approved."""
    community = selectors.access_community(slug)
    row = actions.community_invite(
        by=request.auth, community=community, person=_person(request, data.handle)
    )
    return json_response(_member_dict(row))


def _member_action(name: str, summary: str, doc: str, call):
    @router.post(
        f"/communities/{{slug}}/members/{{handle}}/{name}",
        response={200: MemberOut, 204: None, **ERRORS},
        auth=auth.required,
        summary=summary,
        description=doc,
        operation_id=f"community_member_{name}",
    )
    def endpoint(request, slug: str, handle: str):
        community = selectors.access_community(slug)
        row = call(by=request.auth, community=community, person=_person(request, handle))
        if row is None:
            return HttpResponse(status=204)
        return json_response(_member_dict(row))

    return endpoint


_member_action(
    "approve", "Approve a request", "Let in someone who asked to join.", actions.membership_approve
)
_member_action(
    "reject", "Decline a request", "Decline a request to join.", actions.membership_reject
)
_member_action("unban", "Lift a ban", "Lift a ban; they may join again.", actions.member_unban)
_member_action("unmute", "Lift a mute", "Let a muted member post again.", actions.member_unmute)


@router.post(
    "/communities/{slug}/members/{handle}/role",
    response={200: MemberOut, **ERRORS},
    auth=auth.required,
    summary="Set a role",
)
def set_role(request, slug: str, handle: str, data: RoleIn):
    """Make a member a member, moderator or owner (owners)."""
    community = selectors.access_community(slug)
    row = actions.member_set_role(
        by=request.auth, community=community, person=_person(request, handle), role=data.role
    )
    return json_response(_member_dict(row))


@router.post(
    "/communities/{slug}/members/{handle}/ban",
    response={200: MemberOut, **ERRORS},
    auth=auth.required,
    summary="Ban",
)
def ban(request, slug: str, handle: str, data: SanctionIn):
    """Ban a person for `days` (or until lifted): they cannot post, reply or join."""
    community = selectors.access_community(slug)
    row = actions.member_ban(
        by=request.auth,
        community=community,
        person=_person(request, handle),
        reason=data.reason,
        days=data.days,
    )
    return json_response(_member_dict(row))


@router.post(
    "/communities/{slug}/members/{handle}/mute",
    response={200: MemberOut, **ERRORS},
    auth=auth.required,
    summary="Mute",
)
def mute(request, slug: str, handle: str, data: SanctionIn):
    """Mute a member for `days` (or until lifted): they stay in but cannot post or reply."""
    community = selectors.access_community(slug)
    row = actions.member_mute(
        by=request.auth,
        community=community,
        person=_person(request, handle),
        reason=data.reason,
        days=data.days,
    )
    return json_response(_member_dict(row))


# --- Moderation -------------------------------------------------------------------------------


@router.post(
    "/communities/{slug}/posts/{post_id}/remove",
    response={204: None, **ERRORS},
    auth=auth.required,
    summary="Remove a post",
)
def remove_post(request, slug: str, post_id: str, data: ReasonIn):
    """Take a post out of the community (moderators); the moderation log records it."""
    community = selectors.access_community(slug)
    post = _community_post(request, community, post_id)
    actions.post_remove(by=request.auth, post=post, reason=data.reason)
    return HttpResponse(status=204)


@router.post(
    "/communities/{slug}/posts/{post_id}/restore",
    response={204: None, **ERRORS},
    auth=auth.required,
    summary="Restore a post",
)
def restore_post(request, slug: str, post_id: str):
    """Put a removed post back in the community's feed (moderators)."""
    community = selectors.access_community(slug)
    actions.post_restore(by=request.auth, post=_community_post(request, community, post_id))
    return HttpResponse(status=204)


def _report_dict(viewer, report: Report, shown: dict) -> dict:
    return {
        "id": str(report.pk),
        "post_id": str(report.post_id),
        "post": shown.get(report.post_id),
        "reporter": person_summary_dict(report.reporter),
        "reason": report.reason,
        "status": report.status,
        "created_at": report.created_at,
        "resolved_at": report.resolved_at,
    }


def _reports_data(viewer, reports: list[Report]) -> list[dict]:
    visible = [r.visible_post for r in reports if getattr(r, "visible_post", None) is not None]
    unique = list({p.pk: p for p in visible}.values())
    shown = {int(d["id"]): d for d in posts_data(viewer, unique)} if unique else {}
    return [_report_dict(viewer, r, shown) for r in reports]


@router.post(
    "/communities/{slug}/reports",
    response={201: ReportOut, **ERRORS},
    auth=auth.required,
    summary="Report a post",
)
def report(request, slug: str, data: ReportIn):
    """Report a post in the community to its moderators (members), with a reason."""
    community = selectors.access_community(slug)
    post = _community_post(request, community, data.post_id)
    created = actions.report_create(by=request.auth, post=post, reason=data.reason)
    created.visible_post = post
    return json_response(_reports_data(request.auth, [created])[0], status=201)


@router.get(
    "/communities/{slug}/reports",
    response={200: list[ReportOut], **ERRORS},
    auth=auth.required,
    summary="The reports queue",
)
def reports(request, slug: str, query: Query[ReportsQuery]):
    """Return the reports (open by default), oldest first (moderators)."""
    community = selectors.access_community(slug)
    perms.require(perms.can_moderate(request.auth, community))
    rows = selectors.report_queue(request.auth, community, status=query.status)
    return json_response(_reports_data(request.auth, rows))


@router.post(
    "/communities/{slug}/reports/{report_id}/resolve",
    response={200: ReportOut, **ERRORS},
    auth=auth.required,
    summary="Resolve or dismiss a report",
)
def resolve(request, slug: str, report_id: str, data: ResolveIn):
    """Close a report (moderators): resolved, dismissed, or resolved by removing the post."""
    community = selectors.access_community(slug)
    perms.require(perms.can_moderate(request.auth, community))
    found = Report.objects.filter(community=community, pk=parse_id(report_id) or 0).first()
    if found is None:
        raise Http404("No such report.")
    actions.report_resolve(
        by=request.auth,
        report=found,
        dismiss=data.outcome == "dismissed",
        remove=data.outcome == "removed",
    )
    found.visible_post = posts_by_ids(request.auth, [found.post_id]).get(found.post_id)
    return json_response(_reports_data(request.auth, [found])[0])


@router.get(
    "/communities/{slug}/log",
    response={200: list[LogEntryOut], **ERRORS},
    auth=auth.required,
    summary="The moderation log",
)
def log(request, slug: str, query: Query[LogQuery]):
    """Return what the moderators did, newest first (members)."""
    community = selectors.access_community(slug)
    perms.require(perms.can_read_log(request.auth, community))
    rows, next_max_id = selectors.moderation_log(
        community, max_id=_max_id(query), limit=query.limit
    )
    items = [
        {
            "id": str(e.pk),
            "action": e.action,
            "description": e.get_action_display(),
            "actor": person_summary_dict(e.actor) if e.actor else None,
            "target": person_summary_dict(e.target) if e.target else None,
            "post_id": str(e.post_id) if e.post_id else None,
            "reason": e.reason,
            "until": e.until,
            "created_at": e.created_at,
        }
        for e in rows
    ]
    return _page_response(request, items, next_max_id)
