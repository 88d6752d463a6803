"""Every change to topics and communities: following, membership, moderation.

Each action checks its input and its permission (`communities.permissions`) before writing
anything and runs in one transaction; bad input raises ValidationError (422), a forbidden
action PermissionDenied (403). Moderation actions write a `ModerationLogEntry` in the same
transaction, and the people concerned are told in it too (`communities.notices`:
notifications, with their per-kind settings).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from kith.communities import notices
from kith.communities import permissions as perms
from kith.communities.models import (
    Community,
    LogAction,
    Membership,
    MembershipPolicy,
    MembershipStatus,
    ModerationLogEntry,
    PostRemoval,
    Report,
    ReportStatus,
    Role,
    Topic,
    TopicFollow,
)
from kith.conversations.access import can_see
from kith.conversations.models import Hashtag, Post
from kith.core.text import normalise_tag
from kith.feeds.actions import enqueue_fan_out, feed_withdraw_community

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
RESERVED_SLUGS = {"new", "api", "admin", "settings", "tags", "followed"}
NAME_MAX = 80
DESCRIPTION_MAX = 2_000
RULES_MAX = 5_000
REASON_MAX = 1_000
MAX_DAYS = 3_650
TOPIC_TAGS_MAX = 20


# --- Checking input ---------------------------------------------------------------------------


def _text(errors: dict, field: str, value, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append("This field is required.")
    if len(value) > limit:
        errors.setdefault(field, []).append(f"At most {limit:,} characters.")
    return value


def _slug(errors: dict, value, model) -> str:
    slug = (value or "").strip().lower()
    if not SLUG_RE.match(slug):
        errors.setdefault("slug", []).append(
            "Use 1 to 40 lower-case letters, digits and hyphens (not at either end)."
        )
    elif slug in RESERVED_SLUGS:
        errors.setdefault("slug", []).append("This name is reserved.")
    elif model.objects.filter(slug=slug).exists():
        errors.setdefault("slug", []).append("This address is taken.")
    return slug


def _policy(errors: dict, value) -> str:
    if value not in MembershipPolicy.values:
        errors.setdefault("policy", []).append(
            f"Choose one of: {', '.join(MembershipPolicy.values)}."
        )
    return value


def _until(days) -> datetime | None:
    """Return the end of a ban or mute `days` from now (None: until lifted)."""
    if days in (None, ""):
        return None
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": ["Give a whole number of days."]}) from None
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": [f"Between 1 and {MAX_DAYS:,} days, or none."]})
    return timezone.now() + timedelta(days=days)


def _log(community, actor, action, *, target=None, post=None, reason="", until=None) -> None:
    ModerationLogEntry.objects.create(
        community=community,
        actor=actor,
        action=action,
        target=target,
        post=post,
        reason=reason,
        until=until,
    )


def _recount(community: Community) -> None:
    community.members_count = Membership.objects.filter(
        community=community, status=MembershipStatus.ACTIVE
    ).count()
    Community.objects.filter(pk=community.pk).update(members_count=community.members_count)


def _membership(community: Community, person) -> Membership:
    """Return `person`'s membership row in `community`, locked for update; Http404 if none."""
    row = (
        Membership.objects.select_for_update()
        .filter(community=community, person=person)
        .select_related("person")
        .first()
    )
    if row is None:
        raise Http404("This person is not in the community.")
    return row


# --- Topics -----------------------------------------------------------------------------------


def hashtag_for(tag: str) -> Hashtag:
    """Return the hashtag `tag` (created if new to the site); ValidationError if not a tag."""
    name = normalise_tag(tag or "")
    if name is None:
        raise ValidationError({"tag": ["Not a hashtag: use letters, digits and underscores."]})
    hashtag, _ = Hashtag.objects.get_or_create(name=name)
    return hashtag


def tag_follow(*, person, tag: str) -> TopicFollow:
    """Follow the hashtag `tag`: its posts may reach `person`'s feed. Twice is harmless."""
    with transaction.atomic():
        hashtag = hashtag_for(tag)
        follow, _ = TopicFollow.objects.get_or_create(person=person, hashtag=hashtag)
    return follow


def tag_unfollow(*, person, tag: str) -> None:
    name = normalise_tag(tag or "")
    if name is not None:
        TopicFollow.objects.filter(person=person, hashtag__name=name).delete()


def topic_create(*, by, slug: str, name: str, description: str = "", tags=()) -> Topic:
    """Create the named topic `name` gathering the hashtags `tags`; return it."""
    errors: dict[str, list[str]] = {}
    name = _text(errors, "name", name, NAME_MAX, required=True)
    description = _text(errors, "description", description, DESCRIPTION_MAX)
    slug = _slug(errors, slug, Topic)
    names = []
    for tag in tags:
        normal = normalise_tag(tag or "")
        if normal is None:
            errors.setdefault("tags", []).append(f"Not a hashtag: {tag!r}.")
        elif normal not in names:
            names.append(normal)
    if not names:
        errors.setdefault("tags", []).append("Give at least one hashtag.")
    if len(names) > TOPIC_TAGS_MAX:
        errors.setdefault("tags", []).append(f"At most {TOPIC_TAGS_MAX} hashtags.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        topic = Topic.objects.create(slug=slug, name=name, description=description, created_by=by)
        topic.hashtags.set([hashtag_for(tag) for tag in names])
    return topic


def topic_follow(*, person, topic: Topic) -> TopicFollow:
    with transaction.atomic():
        follow, _ = TopicFollow.objects.get_or_create(person=person, topic=topic)
    return follow


def topic_unfollow(*, person, topic: Topic) -> None:
    TopicFollow.objects.filter(person=person, topic=topic).delete()


# --- Communities ------------------------------------------------------------------------------


def community_create(
    *, by, slug: str, name: str, description: str = "", rules: str = "", policy: str = "open"
) -> Community:
    """Create a community with `by` as its owner; return it."""
    if not by.is_active:
        raise ValidationError("This account is deactivated.", code="inactive")
    errors: dict[str, list[str]] = {}
    name = _text(errors, "name", name, NAME_MAX, required=True)
    description = _text(errors, "description", description, DESCRIPTION_MAX)
    rules = _text(errors, "rules", rules, RULES_MAX)
    slug = _slug(errors, slug, Community)
    policy = _policy(errors, policy)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            community = Community.objects.create(
                slug=slug,
                name=name,
                description=description,
                rules=rules,
                policy=policy,
                created_by=by,
                members_count=1,
            )
            Membership.objects.create(
                community=community, person=by, role=Role.OWNER, joined_at=timezone.now()
            )
            _log(community, by, LogAction.CREATE)
    except IntegrityError:  # the same slug, taken by a concurrent request
        raise ValidationError({"slug": ["This address is taken."]}) from None
    return community


def community_update(*, by, community: Community, **changes) -> Community:
    """Change the name, description, rules or membership policy (owners only)."""
    perms.require(perms.can_manage(by, community))
    errors: dict[str, list[str]] = {}
    limits = {"name": NAME_MAX, "description": DESCRIPTION_MAX, "rules": RULES_MAX}
    values = {}
    for field, value in changes.items():
        if value is None:
            continue
        if field == "policy":
            values[field] = _policy(errors, value)
        elif field in limits:
            values[field] = _text(errors, field, value, limits[field], required=field == "name")
        else:
            errors.setdefault(field, []).append("This cannot be changed.")
    if errors:
        raise ValidationError(errors)
    changed = [f for f, v in values.items() if getattr(community, f) != v]
    if not changed:
        return community
    with transaction.atomic():
        for field in changed:
            setattr(community, field, values[field])
        community.save(update_fields=changed)
        _log(community, by, LogAction.UPDATE, reason=", ".join(changed))
    return community


def community_join(*, person, community: Community) -> Membership:
    """Join `community` (open, or invited), or ask to (approval); return the membership.

    Joining twice is harmless; a banned person cannot join until the ban ends.
    """
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(community=community, person=person)
            .first()
        )
        if membership is not None and membership.status in (
            MembershipStatus.ACTIVE,
            MembershipStatus.REQUESTED,
        ):
            return membership
        perms.require_valid(perms.can_join(person, community))
        invited = membership is not None and membership.status == MembershipStatus.INVITED
        if membership is None:
            membership = Membership(community=community, person=person)
        if community.policy == MembershipPolicy.APPROVAL and not invited:
            membership.status = MembershipStatus.REQUESTED
        else:
            membership.status = MembershipStatus.ACTIVE
            membership.joined_at = timezone.now()
        membership.role = Role.MEMBER
        membership.banned_until = None
        membership.save()
        _recount(community)
        if membership.status == MembershipStatus.REQUESTED:
            notices.join_requested(community=community, person=person)
    return membership


def community_leave(*, person, community: Community) -> None:
    """Leave `community`, or withdraw a request to join or decline an invitation.

    A ban stays (leaving does not lift it); the last owner must hand over first.
    """
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(community=community, person=person)
            .first()
        )
        if membership is None:
            return
        if membership.status == MembershipStatus.BANNED:
            return
        perms.require_valid(perms.can_leave(person, community))
        membership.delete()
        _recount(community)


def membership_approve(*, by, community: Community, person) -> Membership:
    """Let in `person`, who asked to join (moderators)."""
    perms.require(perms.can_moderate(by, community))
    with transaction.atomic():
        membership = _membership(community, person)
        if membership.status != MembershipStatus.REQUESTED:
            raise ValidationError("This person has not asked to join.", code="not_requested")
        membership.status = MembershipStatus.ACTIVE
        membership.joined_at = timezone.now()
        membership.save(update_fields=["status", "joined_at"])
        _recount(community)
        _log(community, by, LogAction.APPROVE, target=person)
        notices.approved(by=by, community=community, person=person)
    return membership


def membership_reject(*, by, community: Community, person) -> None:
    """Decline `person`'s request to join (moderators); they may ask again."""
    perms.require(perms.can_moderate(by, community))
    with transaction.atomic():
        membership = _membership(community, person)
        if membership.status != MembershipStatus.REQUESTED:
            raise ValidationError("This person has not asked to join.", code="not_requested")
        membership.delete()
        _log(community, by, LogAction.REJECT, target=person)
        notices.declined(by=by, community=community, person=person)


def community_invite(*, by, community: Community, person) -> Membership:
    """Invite `person` (moderators): they become a member when they accept (join).

    Inviting someone who asked to join lets them in at once.
    """
    perms.require(perms.can_moderate(by, community))
    if not person.is_active:
        raise ValidationError("This account is deactivated.", code="inactive")
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(community=community, person=person)
            .first()
        )
        if membership is not None and membership.is_banned():
            raise ValidationError("This person is banned: lift the ban first.", code="banned")
        if membership is not None and membership.is_active:
            raise ValidationError("This person is already a member.", code="member")
        requested = membership is not None and membership.status == MembershipStatus.REQUESTED
        if requested:
            membership.status = MembershipStatus.ACTIVE
            membership.joined_at = timezone.now()
        else:
            membership = membership or Membership(community=community, person=person)
            membership.status = MembershipStatus.INVITED
        membership.role = Role.MEMBER
        membership.invited_by = by
        membership.banned_until = None
        membership.save()
        _recount(community)
        _log(community, by, LogAction.INVITE, target=person)
        if requested:
            notices.approved(by=by, community=community, person=person)
        else:
            notices.invited(by=by, community=community, person=person)
    return membership


def member_set_role(*, by, community: Community, person, role: str) -> Membership:
    """Make a member a member, moderator or owner (owners only)."""
    perms.require(perms.can_manage(by, community))
    if role not in Role.values:
        raise ValidationError({"role": [f"Choose one of: {', '.join(Role.values)}."]})
    with transaction.atomic():
        membership = _membership(community, person)
        if not membership.is_active:
            raise ValidationError("Only members can have a role.", code="not_member")
        if membership.role == role:
            return membership
        if membership.role == Role.OWNER and person.pk == by.pk:
            perms.require_valid(perms.can_leave(person, community))
        old = membership.role
        membership.role = role
        membership.save(update_fields=["role"])
        _log(community, by, LogAction.ROLE, target=person, reason=f"{old} → {role}")
        notices.role_changed(by=by, community=community, person=person, role=role)
    return membership


# --- Moderation -------------------------------------------------------------------------------


def post_remove(*, by, post: Post, reason: str = "") -> PostRemoval:
    """Take `post` out of its community (moderators): it leaves the feed; the record stays."""
    if post.community_id is None:
        raise ValidationError("This post is not in a community.", code="no_community")
    community = post.community
    perms.require(perms.can_moderate(by, community))
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, REASON_MAX)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        removal, created = PostRemoval.objects.get_or_create(
            post=post, defaults={"community": community, "removed_by": by, "reason": reason}
        )
        if created:
            reports = Report.objects.filter(post=post, status=ReportStatus.OPEN)
            reporters = [report.reporter for report in reports.select_related("reporter")]
            reports.update(status=ReportStatus.RESOLVED, resolved_by=by, resolved_at=timezone.now())
            _log(community, by, LogAction.REMOVE_POST, target=post.author, post=post, reason=reason)
            feed_withdraw_community(post=post)
            notices.post_removed(by=by, post=post, reason=reason)
            notices.reports_closed(
                by=by, community=community, reporters=reporters, outcome="removed"
            )
    return removal


def post_restore(*, by, post: Post) -> None:
    """Put a removed post back in its community's feed (moderators)."""
    if post.community_id is None:
        raise ValidationError("This post is not in a community.", code="no_community")
    perms.require(perms.can_moderate(by, post.community))
    with transaction.atomic():
        if PostRemoval.objects.filter(post=post).delete()[0]:
            _log(post.community, by, LogAction.RESTORE_POST, target=post.author, post=post)
            enqueue_fan_out(post)  # its members' entries come back (the fan-out is idempotent)


def member_ban(*, by, community: Community, person, reason: str = "", days=None) -> Membership:
    """Ban `person` (for `days`, or until lifted): they cannot post, reply or join again.

    A person who is not a member yet can be banned too (keeps them from joining).
    """
    perms.require(perms.can_moderate(by, community))
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, REASON_MAX)
    if errors:
        raise ValidationError(errors)
    until = _until(days)
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update()
            .filter(community=community, person=person)
            .first()
        ) or Membership(community=community, person=person)
        perms.require(perms.can_moderate_member(by, community, membership))
        membership.status = MembershipStatus.BANNED
        membership.role = Role.MEMBER
        membership.banned_until = until
        membership.save()
        _recount(community)
        _log(community, by, LogAction.BAN, target=person, reason=reason, until=until)
        notices.banned(by=by, community=community, person=person, reason=reason, until=until)
    return membership


def member_unban(*, by, community: Community, person) -> None:
    """Lift a ban: the person may join again (they are not a member until they do)."""
    perms.require(perms.can_moderate(by, community))
    with transaction.atomic():
        membership = _membership(community, person)
        if membership.status != MembershipStatus.BANNED:
            raise ValidationError("This person is not banned.", code="not_banned")
        membership.delete()
        _log(community, by, LogAction.UNBAN, target=person)
        notices.lifted(by=by, community=community, person=person, what="ban")


def member_mute(*, by, community: Community, person, reason: str = "", days=None) -> Membership:
    """Mute a member (for `days`, or until lifted): they stay in but cannot post or reply."""
    perms.require(perms.can_moderate(by, community))
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, REASON_MAX)
    if errors:
        raise ValidationError(errors)
    until = _until(days)
    with transaction.atomic():
        membership = _membership(community, person)
        if not membership.is_active:
            raise ValidationError("Only members can be muted.", code="not_member")
        perms.require(perms.can_moderate_member(by, community, membership))
        membership.muted = True
        membership.muted_until = until
        membership.save(update_fields=["muted", "muted_until"])
        _log(community, by, LogAction.MUTE, target=person, reason=reason, until=until)
        notices.muted(by=by, community=community, person=person, reason=reason, until=until)
    return membership


def member_unmute(*, by, community: Community, person) -> Membership:
    perms.require(perms.can_moderate(by, community))
    with transaction.atomic():
        membership = _membership(community, person)
        if not membership.is_muted():
            raise ValidationError("This member is not muted.", code="not_muted")
        membership.muted = False
        membership.muted_until = None
        membership.save(update_fields=["muted", "muted_until"])
        _log(community, by, LogAction.UNMUTE, target=person)
        notices.lifted(by=by, community=community, person=person, what="mute")
    return membership


def report_create(*, by, post: Post, reason: str) -> Report:
    """Report `post` (in a community `by` belongs to and can see) to its moderators."""
    if post.community_id is None or not can_see(by, post):
        raise Http404("No such post.")
    community = post.community
    perms.require(perms.can_report(by, community))
    errors: dict[str, list[str]] = {}
    reason = _text(errors, "reason", reason, REASON_MAX, required=True)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        report = Report.objects.filter(post=post, reporter=by, status=ReportStatus.OPEN).first()
        if report is None:
            report = Report.objects.create(
                community=community, post=post, reporter=by, reason=reason
            )
            notices.reported(by=by, report=report)
    return report


def report_resolve(*, by, report: Report, dismiss: bool = False, remove: bool = False) -> Report:
    """Close a report (moderators): resolved (with `remove`, the post is removed) or dismissed."""
    community = report.community
    perms.require(perms.can_moderate(by, community))
    if report.status != ReportStatus.OPEN:
        raise ValidationError("This report is already closed.", code="closed")
    if dismiss and remove:
        raise ValidationError("Dismiss a report, or remove its post: not both.", code="both")
    with transaction.atomic():
        told = False
        if remove:
            post_remove(by=by, post=report.post, reason=report.reason)
            # A first removal closed the post's open reports and told their reporters.
            told = not Report.objects.filter(pk=report.pk, status=ReportStatus.OPEN).exists()
        report.status = ReportStatus.DISMISSED if dismiss else ReportStatus.RESOLVED
        report.resolved_by = by
        report.resolved_at = timezone.now()
        report.save(update_fields=["status", "resolved_by", "resolved_at"])
        action = LogAction.DISMISS_REPORT if dismiss else LogAction.RESOLVE_REPORT
        _log(community, by, action, target=report.post.author, post=report.post)
        if not told:
            outcome = "dismissed" if dismiss else "removed" if remove else "resolved"
            notices.reports_closed(
                by=by, community=community, reporters=[report.reporter], outcome=outcome
            )
    return report
