"""An imported archive of another network and its items, all owned by one person.

Items hang off the archive with ON DELETE CASCADE, so deleting the archive deletes everything
imported with it. Message and invitation texts are not kept: the figures need only who and
when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kith.core.ids import new_id


class Network(models.TextChoices):
    LINKEDIN = "linkedin", "LinkedIn"
    MASTODON = "mastodon", "Mastodon"
    X = "x", "X"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to be read"
    RUNNING = "running", "Reading"
    DONE = "done", "Imported"
    FAILED = "failed", "Could not be imported"


class Archive(models.Model):
    """One uploaded archive: whose, of which network, how far its import got, its figures."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="archives"
    )
    network = models.CharField(max_length=10, choices=Network.choices)
    file_name = models.CharField(max_length=255, blank=True)
    content_hash = models.CharField(max_length=64)
    account = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    error = models.TextField(blank=True)
    figures = models.JSONField(default=dict, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "network", "content_hash"], name="archive_once_per_content"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()} archive {self.pk}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("archive", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in {Status.DONE, Status.FAILED}


class PostKind(models.TextChoices):
    POST = "post", "Post"
    REPLY = "reply", "Reply"
    REPOST = "repost", "Repost"


class ArchivePost(models.Model):
    """A post, reply or repost from the archive; `target` is the account replied to or reposted."""

    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="posts")
    external_id = models.CharField(max_length=64)
    kind = models.CharField(max_length=10, choices=PostKind.choices)
    created_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True)
    target = models.CharField(max_length=300, blank=True)
    target_url = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["archive", "external_id"], name="archive_post_once")
        ]
        indexes = [models.Index(fields=["archive", "kind"], name="archive_post_kind")]

    def __str__(self) -> str:
        return f"{self.kind} {self.external_id}"


class ContactKind(models.TextChoices):
    CONNECTION = "connection", "Connection"
    FOLLOWER = "follower", "Follower"
    FOLLOWING = "following", "Following"


class ArchiveContact(models.Model):
    """A connection, follower or followed account; the email only where the network gave one."""

    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(max_length=10, choices=ContactKind.choices)
    external_id = models.CharField(max_length=300)
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True)
    company = models.CharField(max_length=200, blank=True)
    position = models.CharField(max_length=200, blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["archive", "kind", "external_id"], name="archive_contact_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name or self.external_id}"


class ArchiveMessage(models.Model):
    """A direct message, sent or received: with whom and when (not what)."""

    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="messages")
    external_id = models.CharField(max_length=64)
    conversation = models.CharField(max_length=200, blank=True)
    counterpart = models.CharField(max_length=300)
    counterpart_name = models.CharField(max_length=200, blank=True)
    sent = models.BooleanField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["archive", "external_id"], name="archive_message_once")
        ]
        indexes = [models.Index(fields=["archive", "counterpart"], name="archive_message_with")]

    def __str__(self) -> str:
        return f"message {self.external_id}"


class ArchiveInvitation(models.Model):
    """An invitation to connect, sent or received (its note is not kept)."""

    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="invitations")
    external_id = models.CharField(max_length=64)
    counterpart = models.CharField(max_length=300)
    counterpart_name = models.CharField(max_length=200, blank=True)
    outgoing = models.BooleanField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["archive", "external_id"], name="archive_invitation_once"
            )
        ]

    def __str__(self) -> str:
        return f"invitation {self.external_id}"


class ArchiveMark(models.Model):
    """A like or bookmark: the URL of what was marked."""

    archive = models.ForeignKey(Archive, on_delete=models.CASCADE, related_name="marks")
    kind = models.CharField(max_length=10)  # like, bookmark
    external_id = models.CharField(max_length=64)
    url = models.CharField(max_length=1000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["archive", "kind", "external_id"], name="archive_mark_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.url}"
