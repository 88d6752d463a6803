"""What the Mastodon API keeps beyond django-oauth-toolkit's own tables."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from oauth2_provider.models import Application


class ClientApp(models.Model):
    """A Mastodon app registered through POST /api/v1/apps: the scopes it may ask for and its
    website (django-oauth-toolkit's Application holds the client id, secret and redirect URIs)."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, primary_key=True, related_name="mastodon"
    )
    scopes = models.CharField(max_length=2000, default="read")
    website = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.application.name


class ServerRule(models.Model):
    """A rule of this server, as Mastodon apps show them before sign-up (edited in the admin)."""

    text = models.CharField(max_length=300)
    hint = models.TextField(blank=True, max_length=1000)
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Marker(models.Model):
    """A Mastodon app's reading position in a timeline (`home` or `notifications`), saved
    with POST /api/v1/markers so several apps of one person agree where they stopped.
    The notifications marker also marks Kith's notifications read up to it."""

    class Timeline(models.TextChoices):
        HOME = "home"
        NOTIFICATIONS = "notifications"

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    timeline = models.CharField(max_length=16, choices=Timeline.choices)
    last_read_id = models.BigIntegerField()
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint("person", "timeline", name="mastodon_marker_unique")]

    def __str__(self) -> str:
        return f"{self.timeline}: {self.last_read_id}"


class IdempotencyKey(models.Model):
    """An `Idempotency-Key` a person posted a status with: the same key within an hour
    returns that status instead of posting again (POST /api/v1/statuses)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=128)
    post = models.ForeignKey(
        "conversations.Post", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "key"], name="mastodon_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.key} of {self.person_id}"


class ConversationMark(models.Model):
    """One person's state of one direct conversation (`GET /api/v1/conversations`): how far
    they read it and how far they removed it from their list.

    A conversation is not stored: it is the thread (`root_id`, the thread root's id) of the
    posts of visibility "mentioned" the person takes part in, read through the access rule
    (`conversations.access.direct_posts`), so it can never show more than the rule allows.
    This row keeps only the person's marks, as post ids: the conversation is unread while
    its last post is someone else's and newer than `read_up_to`, and left out of their list
    while its last post is not newer than `hidden_up_to` (a new message brings it back, as
    on Mastodon). No row: never read, never removed."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    root_id = models.BigIntegerField()
    read_up_to = models.BigIntegerField(default=0)
    hidden_up_to = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("person", "root_id", name="mastodon_conversation_mark_unique")
        ]

    def __str__(self) -> str:
        return f"conversation {self.root_id} of {self.person_id}"
