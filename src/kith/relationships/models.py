"""Relationships between people. A connection means the two have met or talked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kith.core.ids import new_id


class HowMet(models.TextChoices):
    IN_PERSON = "in_person", "Met in person"
    CALL = "call", "Talked on a call"
    WORKED_TOGETHER = "worked_together", "Worked together"
    STUDIED_TOGETHER = "studied_together", "Studied together"
    INTRODUCED = "introduced", "Introduced by someone"
    OTHER = "other", "Other"


class Connection(models.Model):
    """A mutual connection, stored once per pair with the smaller id as `person_a`."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    how_met = models.CharField(max_length=20, choices=HowMet.choices)
    how_met_detail = models.CharField(max_length=200, blank=True)
    since = models.DateTimeField(default=timezone.now)
    last_interaction_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("person_a", "person_b", name="connection_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")),
                name="connection_ordered_pair",
            ),
        ]
        indexes = [models.Index(fields=["person_b", "person_a"])]

    def __str__(self) -> str:
        return f"{self.person_a_id} ↔ {self.person_b_id} ({self.how_met})"

    def other(self, person_id: int) -> int:
        """Return the id of the person on the other side from `person_id`."""
        return self.person_b_id if self.person_a_id == person_id else self.person_a_id


class ConnectionRemoval(models.Model):
    """A removed connection, kept so address-book sync can delete the card on both sides."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    removed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["person_a", "removed_at"]),
            models.Index(fields=["person_b", "removed_at"]),
        ]


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    INTRO_OFFERED = "intro_offered", "Intro call offered"
    UNKNOWN = "unknown", "Marked “I don’t know this person”"


OPEN_INVITATION_STATUSES = [InvitationStatus.PENDING, InvitationStatus.INTRO_OFFERED]


class Invitation(models.Model):
    """An invitation to connect, answered by accepting, declining, replying or an intro call."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_sent"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations_received"
    )
    note = models.TextField(max_length=1000, blank=True)
    how_known = models.CharField(max_length=20, choices=HowMet.choices)
    how_known_detail = models.CharField(max_length=200, blank=True)
    introduced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                "sender",
                "recipient",
                condition=models.Q(status__in=["pending", "intro_offered"]),
                name="invitation_one_open_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(sender=models.F("recipient")), name="invitation_not_to_self"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "status"]),
            models.Index(fields=["sender", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.sender_id} → {self.recipient_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_INVITATION_STATUSES


class InvitationMessage(models.Model):
    """A message on an invitation: a reply without accepting, or the inviter's answer."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]


class UnknownSenderMark(models.Model):
    """`marker` said “I don’t know this person” of `sender`: no more invitations from them."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    marker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="unknown_marks"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("marker", "sender", name="unknown_mark_unique")]
        indexes = [models.Index(fields=["sender", "created_at"])]


class IntroCallStatus(models.TextChoices):
    PROPOSED = "proposed", "Times proposed"
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"
    TALKED = "talked", "Waiting for confirmation that you talked"
    COMPLETED = "completed", "Talked — connected"
    NO_SHOW = "no_show", "No-show"
    EXPIRED = "expired", "Expired"


class IntroCall(models.Model):
    """A short introductory call offered instead of a blind accept."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.CASCADE, related_name="intro_call"
    )
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="intro_calls_hosted",
        help_text="The invited person, who offers the times",
    )
    guest = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="intro_calls_joined",
        help_text="The inviter, who picks a time",
    )
    status = models.CharField(
        max_length=12, choices=IntroCallStatus.choices, default=IntroCallStatus.PROPOSED
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    duration_minutes = models.PositiveSmallIntegerField(default=20)
    join_url = models.URLField(max_length=500, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    uid = models.CharField(max_length=80, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField(null=True, blank=True)
    talked_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    no_show_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "expires_at"])]


class IntroSlot(models.Model):
    """One time the host offers for an intro call."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    call = models.ForeignKey(IntroCall, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]


class Availability(models.Model):
    """A weekly window in which a person takes intro calls (used to offer slots automatically)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability"
    )
    weekday = models.PositiveSmallIntegerField(help_text="0 = Monday … 6 = Sunday")
    start_time = models.TimeField()
    end_time = models.TimeField()
    time_zone = models.CharField(max_length=64, default="UTC")

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="availability_weekday"),
            models.CheckConstraint(
                condition=models.Q(start_time__lt=models.F("end_time")), name="availability_order"
            ),
        ]


class FollowStatus(models.TextChoices):
    ACTIVE = "active", "Following"
    REQUESTED = "requested", "Requested"


class Follow(models.Model):
    """A one-way follow. Today of a person; topics and communities get their own target column."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    target_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    status = models.CharField(
        max_length=10, choices=FollowStatus.choices, default=FollowStatus.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    hide_reposts = models.BooleanField(
        default=False, help_text="Leave this person's reposts out of the follower's feed"
    )
    show_replies = models.BooleanField(
        default=False,
        help_text="Show all their replies, also to people the follower does not know",
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint("follower", "target_person", name="follow_unique_person"),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("target_person")), name="follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["target_person", "status"])]


class Block(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("blocker", "blocked", name="block_unique")]
        indexes = [models.Index(fields=["blocked", "blocker"])]


class Mute(models.Model):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    muter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mutes"
    )
    muted = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("muter", "muted", name="mute_unique")]


class PersonNote(models.Model):
    """A private note `author` keeps about `subject`; nobody else ever sees it."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notes"
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(max_length=5000)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("author", "subject", name="note_unique")]
