"""Direct messages: a thread, its participants (each with their own state) and messages.

A participant who is not a connection of the person who started the thread receives it as
a *message request*: it waits in their requests until they accept, decline or block.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kith.core.ids import new_id


class ParticipantStatus(models.TextChoices):
    ACCEPTED = "accepted", "In the inbox"
    REQUEST = "request", "Message request"
    DECLINED = "declined", "Declined"


class MessageThread(models.Model):
    """A private conversation between two or more people."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_message_id = models.BigIntegerField(default=0)
    last_message_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"thread {self.pk}"


class Participant(models.Model):
    """One person in a thread: whether it is in their inbox, and how far they have read."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_participations"
    )
    status = models.CharField(
        max_length=10, choices=ParticipantStatus.choices, default=ParticipantStatus.ACCEPTED
    )
    last_read_id = models.BigIntegerField(default=0)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "person"], name="participant_once")
        ]
        indexes = [models.Index(fields=["person", "status"], name="participant_person_status")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.thread_id}"


class Message(models.Model):
    """One message: Markdown source and its sanitised HTML, rendered when it is written."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_sent"
    )
    body = models.TextField()
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["thread", "id"], name="message_thread_id")]

    def __str__(self) -> str:
        return f"message {self.pk} in {self.thread_id}"


class Attachment(models.Model):
    """An image (a `conversations.Media` upload) sent with a message; seen by participants."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    media = models.OneToOneField(
        "conversations.Media", on_delete=models.CASCADE, related_name="message_attachment"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["message", "position"]

    def __str__(self) -> str:
        return f"attachment {self.media_id} of {self.message_id}"
