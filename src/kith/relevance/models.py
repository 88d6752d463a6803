"""Stored embeddings: one float32 vector per post (what it is about)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kith.conversations.models import Post
from kith.core.ids import new_id


class PostEmbedding(models.Model):
    """The sentence embedding of a post's text, as 384 little-endian float32 (1,536 bytes).

    `id` is new on every write (time-sortable), so a vector index can load only what changed
    since it last looked. `version` is the post version embedded: a task that finds the same
    version does nothing.
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="embedding")
    version = models.PositiveIntegerField()
    vector = models.BinaryField()
    posted_at = models.DateTimeField(help_text="The post's creation time (recent posts window)")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["posted_at"], name="embedding_posted_at")]


class SuggestionDismissal(models.Model):
    """A person `person` does not want suggested again among "people you may want to meet"
    (the web's "Not interested", `DELETE /api/v1/suggestions/:id`, the native API). Only
    `person` knows; it changes nothing else between them."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    dismissed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("person", "dismissed", name="suggestion_dismissal_unique")
        ]
