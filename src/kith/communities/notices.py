"""Community events as notifications: what a member, a requester or a moderator is told.

Called only from `communities/actions.py`, inside the action's transaction: a notification
is stored through `kith.feeds.actions.notify` (per-kind settings: in app, email or off;
live delivery and email once the commit lands), so a rolled-back action tells nobody.
Nobody is told of what they did themselves. A notification about a post is stored only for
people who may see it, and is checked again when read (`notify.selectors`).
"""

from __future__ import annotations

from django.utils import timezone

from kith.communities.models import Community, Membership, MembershipStatus, Role
from kith.conversations.access import audience_among
from kith.feeds.actions import notify, notify_many
from kith.feeds.models import NotificationKind as Kind

ROLE_NAMES = {Role.MEMBER: "a member", Role.MODERATOR: "a moderator", Role.OWNER: "an owner"}


def _name(person) -> str:
    return person.display_name or f"@{person.handle}"


def _with_reason(text: str, reason: str) -> str:
    reason = " ".join((reason or "").split())
    return f"{text}: {reason}" if reason else f"{text}."


def _until(until) -> str:
    if until is None:
        return ""
    return f" until {timezone.localtime(until):%-d %b %Y}"


def _tell(person, by, kind: str, text: str, community: Community, *, url: str = "", post=None):
    if person.pk == by.pk:
        return None
    about = {"post": post} if post is not None else {}
    return notify(
        recipient=person,
        kind=kind,
        actor=by,
        text=text,
        url=url or community.get_absolute_url(),
        community=community,
        **about,
    )


def moderator_ids(community: Community) -> list[int]:
    """Return the ids of `community`'s active moderators and owners."""
    return list(
        Membership.objects.filter(
            community=community,
            status=MembershipStatus.ACTIVE,
            role__in=[Role.MODERATOR, Role.OWNER],
            person__is_active=True,
        ).values_list("person_id", flat=True)
    )


# --- To the person concerned -------------------------------------------------------------------


def invited(*, by, community: Community, person) -> None:
    text = f"{_name(by)} invited you to join {community.name}"
    _tell(person, by, Kind.COMMUNITY_INVITE, text + ".", community)


def approved(*, by, community: Community, person) -> None:
    text = f"Your request to join {community.name} was approved."
    _tell(person, by, Kind.COMMUNITY_APPROVED, text, community)


def declined(*, by, community: Community, person) -> None:
    text = f"Your request to join {community.name} was declined."
    _tell(person, by, Kind.COMMUNITY_DECLINED, text, community)


def role_changed(*, by, community: Community, person, role: str) -> None:
    text = f"{_name(by)} made you {ROLE_NAMES.get(role, role)} of {community.name}."
    _tell(person, by, Kind.COMMUNITY_ROLE, text, community)


def post_removed(*, by, post, reason: str) -> None:
    community = post.community
    text = _with_reason(f"{_name(by)} removed your post from {community.name}", reason)
    _tell(
        post.author,
        by,
        Kind.COMMUNITY_POST_REMOVED,
        text,
        community,
        url=post.get_absolute_url(),
        post=post,
    )


def banned(*, by, community: Community, person, reason: str, until) -> None:
    text = _with_reason(f"You were banned from {community.name}{_until(until)}", reason)
    _tell(person, by, Kind.COMMUNITY_SANCTION, text, community)


def muted(*, by, community: Community, person, reason: str, until) -> None:
    text = _with_reason(f"You were muted in {community.name}{_until(until)}", reason)
    _tell(person, by, Kind.COMMUNITY_SANCTION, text, community)


def lifted(*, by, community: Community, person, what: str) -> None:
    text = f"Your {what} in {community.name} was lifted."
    _tell(person, by, Kind.COMMUNITY_SANCTION, text, community)


def reports_closed(*, by, community: Community, reporters, outcome: str) -> None:
    """Tell the people whose reports were closed: `outcome` is resolved, dismissed or removed."""
    phrase = {
        "removed": "was resolved: the post was removed",
        "resolved": "was resolved",
        "dismissed": "was dismissed",
    }[outcome]
    for reporter in reporters:
        text = f"Your report in {community.name} {phrase}."
        _tell(reporter, by, Kind.COMMUNITY_REPORT_CLOSED, text, community)


# --- To the moderators -------------------------------------------------------------------------


def join_requested(*, community: Community, person) -> None:
    ids = [pk for pk in moderator_ids(community) if pk != person.pk]
    notify_many(
        recipient_ids=ids,
        kind=Kind.COMMUNITY_JOIN_REQUEST,
        actor=person,
        text=f"{_name(person)} asked to join {community.name}.",
        url=f"{community.get_absolute_url()}/members",
        community=community,
    )


def reported(*, by, report) -> None:
    """Tell the moderators who may see the reported post of a new report."""
    community, post = report.community, report.post
    ids = audience_among(post, set(moderator_ids(community)) - {by.pk})
    notify_many(
        recipient_ids=sorted(ids),
        kind=Kind.COMMUNITY_NEW_REPORT,
        actor=by,
        text=_with_reason(f"{_name(by)} reported a post in {community.name}", report.reason),
        url=f"{community.get_absolute_url()}/moderation",
        community=community,
        post=post,
    )
