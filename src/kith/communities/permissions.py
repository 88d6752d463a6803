"""Who may do what in a community: the one place these rules live.

Every action in `communities/actions.py` and the posting actions of conversations ask here;
the pages and the API ask here too, to show or hide a button. Each answer is a
`Permission` (allowed, or the reason why not, said to people as the error).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kith.communities.models import (
    Community,
    Membership,
    MembershipPolicy,
    MembershipStatus,
    Role,
)
from kith.conversations.access import ALLOWED, Permission


def _signed_in(person) -> bool:
    return person is not None and getattr(person, "is_authenticated", False)


UNKNOWN = object()  # "look the membership up": callers that have it pass it, saving a query


def membership_of(person, community: Community, membership=UNKNOWN) -> Membership | None:
    """Return `person`'s membership row in `community` (any status), or None (one query,
    none if the caller passes the `membership` it already has)."""
    if not _signed_in(person):
        return None
    if membership is not UNKNOWN:
        return membership
    return Membership.objects.filter(community=community, person=person).first()


def is_member(person, community: Community, membership=UNKNOWN) -> bool:
    membership = membership_of(person, community, membership)
    return membership is not None and membership.is_active


def is_moderator(person, community: Community, membership=UNKNOWN) -> bool:
    membership = membership_of(person, community, membership)
    return membership is not None and membership.is_moderator


def is_owner(person, community: Community, membership=UNKNOWN) -> bool:
    membership = membership_of(person, community, membership)
    return membership is not None and membership.is_active and membership.role == Role.OWNER


def can_post_in(person, community: Community, membership=UNKNOWN) -> Permission:
    """Return whether `person` may post or reply in `community`, and why not."""
    if not _signed_in(person):
        return Permission(False, "Log in to post.", "login")
    membership = membership_of(person, community, membership)
    now = timezone.now()
    if membership is not None and membership.is_banned(now):
        return Permission(False, f"You are banned from {community.name}.", "banned")
    if membership is None or not membership.is_active:
        return Permission(False, f"Join {community.name} to post in it.", "not_member")
    if membership.is_muted(now):
        return Permission(False, f"You are muted in {community.name} for now.", "muted")
    return ALLOWED


def can_join(person, community: Community, membership=UNKNOWN) -> Permission:
    """Return whether `person` may join `community` now (or ask to, by its policy)."""
    if not _signed_in(person):
        return Permission(False, "Log in to join.", "login")
    membership = membership_of(person, community, membership)
    if membership is not None and membership.is_banned():
        return Permission(False, f"You are banned from {community.name}.", "banned")
    if membership is not None and membership.is_active:
        return Permission(False, "You are already a member.", "member")
    invited = membership is not None and membership.status == MembershipStatus.INVITED
    if community.policy == MembershipPolicy.INVITATION and not invited:
        return Permission(False, f"{community.name} is by invitation only.", "invitation")
    return ALLOWED


def can_leave(person, community: Community) -> Permission:
    membership = membership_of(person, community)
    if membership is None or membership.status in (MembershipStatus.BANNED,):
        return Permission(False, "You are not a member.", "not_member")
    if membership.is_active and membership.role == Role.OWNER:
        owners = Membership.objects.filter(
            community=community, role=Role.OWNER, status=MembershipStatus.ACTIVE
        ).count()
        if owners == 1:
            return Permission(False, "Make another member an owner before you leave.", "last_owner")
    return ALLOWED


def can_moderate(person, community: Community, membership=UNKNOWN) -> Permission:
    """Moderators and owners remove posts, ban, mute, approve, invite and handle reports."""
    if is_moderator(person, community, membership):
        return ALLOWED
    return Permission(False, f"Only the moderators of {community.name} can do that.", "moderator")


def can_moderate_member(person, community: Community, target: Membership) -> Permission:
    """Return whether `person` may ban or mute `target`: moderators act on members, only owners
    on moderators, and nobody on an owner or on themselves."""
    verdict = can_moderate(person, community)
    if not verdict:
        return verdict
    if target.person_id == person.pk:
        return Permission(False, "You cannot do that to yourself.", "self")
    if target.role == Role.OWNER:
        return Permission(False, "Nobody can ban or mute an owner.", "owner")
    if target.role == Role.MODERATOR and not is_owner(person, community):
        return Permission(False, "Only an owner can ban or mute a moderator.", "moderator")
    return ALLOWED


def can_manage(person, community: Community, membership=UNKNOWN) -> Permission:
    """Owners change the settings and the roles."""
    if is_owner(person, community, membership):
        return ALLOWED
    return Permission(False, f"Only the owners of {community.name} can do that.", "owner")


def can_read_log(person, community: Community) -> Permission:
    """Members read the moderation log (moderators too, of course)."""
    if is_member(person, community):
        return ALLOWED
    return Permission(False, "The moderation log is for members.", "not_member")


def can_report(person, community: Community) -> Permission:
    if is_member(person, community):
        return ALLOWED
    return Permission(False, f"Only members of {community.name} can report posts.", "not_member")


def require(permission: Permission) -> None:
    """Raise PermissionDenied (403) with the reason unless allowed."""
    if not permission:
        raise PermissionDenied(permission.reason)


def require_valid(permission: Permission, field: str | None = None) -> None:
    """Raise ValidationError (422) with the reason unless allowed."""
    if not permission:
        raise ValidationError(
            {field: [permission.reason]} if field else permission.reason, code=permission.code
        )


def check_community(errors: dict, author, value) -> Community | None:
    """Return the community a new post goes to (`value`: a Community, its slug, or empty for
    none), adding to `errors` if there is no such community or `author` may not post in it."""
    if value in (None, ""):
        return None
    community = value
    if not isinstance(value, Community):
        community = Community.objects.filter(slug=str(value).strip().lower()).first()
        if community is None:
            errors.setdefault("community", []).append("No such community.")
            return None
    verdict = can_post_in(author, community)
    if not verdict:
        errors.setdefault("community", []).append(verdict.reason)
        return None
    return community
