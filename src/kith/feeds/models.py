"""What reaches people: notifications now; feed entries, digests and live events later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kith.core.ids import new_id


class NotificationKind(models.TextChoices):
    INVITATION = "invitation", "Invitation to connect"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_MESSAGE = "invitation_message", "Message about an invitation"
    INTRO_OFFERED = "intro_offered", "Intro call offered"
    INTRO_SCHEDULED = "intro_scheduled", "Intro call scheduled"
    INTRO_CANCELLED = "intro_cancelled", "Intro call cancelled"
    INTRO_TALKED = "intro_talked", "Confirm you talked"
    CONNECTED = "connected", "New connection"
    FOLLOW = "follow", "New follower"
    FOLLOW_REQUEST = "follow_request", "Follow request"
    CARD_CHANGE = "card_change", "Contact card changed"
    REPLY = "reply", "Reply"
    MENTION = "mention", "Mention"
    ANSWER = "answer", "Answer to your question"
    ACCEPTED_ANSWER = "accepted_answer", "Your answer was accepted"
    HELPFUL = "helpful", "Marked helpful"
    USED_IT = "used_it", "Someone used your post"
    REPOST = "repost", "Repost"
    QUOTE = "quote", "Quote"
    EDIT = "edit", "A post you replied to was edited"


class Notification(models.Model):
    """Something a person should know about, stored once per recipient."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    # What it is about, so a notification can be de-duplicated and followed to its object.
    invitation = models.ForeignKey(
        "relationships.Invitation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    intro_call = models.ForeignKey(
        "relationships.IntroCall", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    contact_change = models.ForeignKey(
        "people.ContactChange", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "conversations.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "id"])]

    def __str__(self) -> str:
        return f"→{self.recipient_id}: {self.text}"
