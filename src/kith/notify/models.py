"""How notifications reach a person: per-kind delivery, digest subscriptions, sent digests.

The notifications themselves are `kith.feeds.models.Notification`; this app decides whether
one is stored, also emailed, or dropped, and builds the email digests.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kith.core.ids import new_id


class Delivery(models.TextChoices):
    IN_APP = "in_app", "In app"
    EMAIL = "email", "In app and by email"
    OFF = "off", "Off"


class NotificationSetting(models.Model):
    """How one person wants one kind of notification; no row means the default (in app)."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    # Any NotificationKind value; not a choices field, so new kinds need no migration here.
    kind = models.CharField(max_length=24)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint("person", "kind", name="notification_setting_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}: {self.delivery}"


class DigestFrequency(models.TextChoices):
    OFF = "off", "Off"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


class DigestSubscription(models.Model):
    """A person's digest frequency; no row means off (the default for new accounts)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="digest_subscription",
    )
    frequency = models.CharField(
        max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.OFF
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["frequency"], name="digest_sub_frequency")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.frequency}"


class DigestStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    EMPTY = "empty", "Nothing to say: not sent"
    FAILED = "failed", "Failed"


class Digest(models.Model):
    """One digest for one person and period: the record that it is never sent twice."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    frequency = models.CharField(max_length=8, choices=DigestFrequency.choices)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=DigestStatus.choices, default=DigestStatus.SENDING
    )
    items = models.PositiveIntegerField(default=0, help_text="Entries in the digest")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(
        null=True, blank=True, help_text="When its one-click unsubscribe link was used"
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                "person", "frequency", "period_start", name="digest_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.frequency} {self.period_start:%Y-%m-%d}: {self.status}"
