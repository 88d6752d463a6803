"""Topics, communities, memberships and the moderation record.

Rows are written only by `communities/actions.py`; who may do what is decided in
`communities/permissions.py`; reads of posts go through `conversations.access`.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from kith.core.ids import new_id


class Topic(models.Model):
    """A named subject ("Sourdough baking") gathering several hashtags (#sourdough, #levain)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    slug = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    hashtags = models.ManyToManyField(
        "conversations.Hashtag", related_name="topics", blank=True, db_table="communities_topic_tag"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/topics/{self.slug}"


class TopicFollow(models.Model):
    """A person following one hashtag or one named topic (exactly one of the two)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_follows"
    )
    hashtag = models.ForeignKey(
        "conversations.Hashtag", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hashtag__isnull=True, topic__isnull=False)
                | Q(hashtag__isnull=False, topic__isnull=True),
                name="topic_follow_one_target",
            ),
            models.UniqueConstraint(
                "person", "hashtag", condition=Q(hashtag__isnull=False), name="topic_follow_tag"
            ),
            models.UniqueConstraint(
                "person", "topic", condition=Q(topic__isnull=False), name="topic_follow_topic"
            ),
        ]
        indexes = [
            models.Index(fields=["hashtag", "person"], name="topic_follow_tag_person"),
            models.Index(fields=["topic", "person"], name="topic_follow_topic_person"),
        ]


class MembershipPolicy(models.TextChoices):
    OPEN = "open", "Open: anyone may join"
    APPROVAL = "approval", "Approval: moderators approve requests to join"
    INVITATION = "invitation", "Invitation: only people invited by a moderator"


class Community(models.Model):
    """A place for conversations on one subject, with its own members, rules and moderators."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    slug = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    rules = models.TextField(blank=True, help_text="One rule per line")
    policy = models.CharField(
        max_length=12, choices=MembershipPolicy.choices, default=MembershipPolicy.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    members_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"/c/{self.slug}"

    @property
    def rule_list(self) -> list[str]:
        return [line.strip() for line in self.rules.splitlines() if line.strip()]


class Role(models.TextChoices):
    MEMBER = "member", "Member"
    MODERATOR = "moderator", "Moderator"
    OWNER = "owner", "Owner"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Member"
    REQUESTED = "requested", "Asked to join"
    INVITED = "invited", "Invited"
    BANNED = "banned", "Banned"


class Membership(models.Model):
    """One person's standing in one community: their role, and whether they are in, asking,
    invited or banned. A ban or mute without an end date lasts until lifted."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    banned_until = models.DateTimeField(null=True, blank=True)
    muted = models.BooleanField(default=False)
    muted_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint("community", "person", name="membership_unique"),
        ]
        indexes = [
            models.Index(fields=["community", "status", "person"], name="membership_status"),
            models.Index(fields=["person", "status"], name="membership_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.community_id} ({self.status}, {self.role})"

    def is_banned(self, now: datetime | None = None) -> bool:
        if self.status != MembershipStatus.BANNED:
            return False
        return self.banned_until is None or self.banned_until > (now or timezone.now())

    def is_muted(self, now: datetime | None = None) -> bool:
        if not self.muted:
            return False
        return self.muted_until is None or self.muted_until > (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_moderator(self) -> bool:
        return self.is_active and self.role in (Role.MODERATOR, Role.OWNER)


class PostRemoval(models.Model):
    """A post a moderator took out of its community: it leaves the feed, the record stays."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="removals")
    post = models.OneToOneField(
        "conversations.Post", on_delete=models.CASCADE, related_name="community_removal"
    )
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
    DISMISSED = "dismissed", "Dismissed"


class Report(models.Model):
    """A member's report of a post in the community, for its moderators to resolve or dismiss."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="reports")
    post = models.ForeignKey(
        "conversations.Post", on_delete=models.CASCADE, related_name="community_reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_reports"
    )
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default="open")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                "post", "reporter", condition=Q(status="open"), name="report_one_open_per_person"
            ),
        ]
        indexes = [models.Index(fields=["community", "status", "id"], name="report_queue")]


class LogAction(models.TextChoices):
    CREATE = "create", "created the community"
    UPDATE = "update", "changed the settings"
    APPROVE = "approve", "approved a request to join"
    REJECT = "reject", "declined a request to join"
    INVITE = "invite", "invited someone"
    ROLE = "role", "changed a role"
    REMOVE_POST = "remove_post", "removed a post"
    RESTORE_POST = "restore_post", "restored a post"
    BAN = "ban", "banned a member"
    UNBAN = "unban", "lifted a ban"
    MUTE = "mute", "muted a member"
    UNMUTE = "unmute", "lifted a mute"
    RESOLVE_REPORT = "resolve_report", "resolved a report"
    DISMISS_REPORT = "dismiss_report", "dismissed a report"


class ModerationLogEntry(models.Model):
    """What a moderator did, to whom or to which post, and why: members read this log."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=LogAction.choices)
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    post = models.ForeignKey(
        "conversations.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["community", "id"], name="modlog_community_id")]
