"""Writing embeddings: a post's vector, kept in step with its text. Idempotent."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db import transaction
from django.utils import timezone

from kith.conversations.models import Post
from kith.relevance.models import PostEmbedding
from kith.relevance.text import post_text


def _wanted(post: Post) -> bool:
    return not post.is_repost and not post.is_deleted and bool(post_text(post).strip())


def post_embeddings_update(*, posts: Sequence[Post]) -> int:
    """Embed those of `posts` whose stored vector is missing or older than their text.

    Reposts, deleted and empty posts lose theirs. Return how many vectors were written.
    """
    from kith.relevance.embedder import embed

    posts = list(posts)
    stale_ids = [p.pk for p in posts if not _wanted(p)]
    PostEmbedding.objects.filter(post_id__in=stale_ids).delete()
    wanted = [p for p in posts if _wanted(p)]
    have = dict(
        PostEmbedding.objects.filter(post_id__in=[p.pk for p in wanted]).values_list(
            "post_id", "version"
        )
    )
    todo = [p for p in wanted if have.get(p.pk) != p.version]
    if not todo:
        return 0
    vectors = embed([post_text(p) for p in todo]).astype("<f4")
    now = timezone.now()
    rows = [
        PostEmbedding(
            post=p,
            version=p.version,
            vector=vectors[i].tobytes(),
            posted_at=p.created_at,
            computed_at=now,
        )
        for i, p in enumerate(todo)
    ]
    with transaction.atomic():
        PostEmbedding.objects.filter(post_id__in=[p.pk for p in todo]).delete()
        PostEmbedding.objects.bulk_create(rows)
    return len(rows)


def post_embedding_update(*, post: Post) -> None:
    """Embed `post` unless its stored vector is of its current text (see the plural)."""
    post_embeddings_update(posts=[post])


def embed_on_commit(post: Post) -> None:
    """Compute `post`'s embedding in a task once the current transaction commits."""
    from kith.relevance.tasks import embed_post

    post_id = post.pk
    transaction.on_commit(lambda: embed_post.enqueue(post_id=post_id))


def vector_of(row_bytes: bytes) -> np.ndarray:
    """Return a stored vector as a float32 array."""
    return np.frombuffer(bytes(row_bytes), dtype="<f4")


def post_embeddings_backfill(*, limit: int = 500) -> int:
    """Embed up to `limit` recent posts whose vector is missing or older than their text.

    For posts published before relevance was installed, or whose task failed. Return how many
    vectors were written.
    """
    from datetime import timedelta

    from django.conf import settings
    from django.db.models import F, Q

    cutoff = timezone.now() - timedelta(days=settings.KITH_RELEVANCE_WINDOW_DAYS)
    posts = (
        Post.objects.filter(created_at__gte=cutoff, deleted_at__isnull=True, repost_of__isnull=True)
        .filter(Q(embedding__isnull=True) | ~Q(embedding__version=F("version")))
        .exclude(body="")
        .order_by("-id")[:limit]
    )
    return post_embeddings_update(posts=list(posts))


def suggestion_dismiss(*, person, dismissed):
    """Stop suggesting `dismissed` to `person` among the people to meet (idempotent).

    `dismissed` must be someone `person` may see (the caller found them through
    `people.access`); dismissing oneself is refused. Nobody else learns of it."""
    from django.core.exceptions import ValidationError

    from kith.relevance.models import SuggestionDismissal

    if dismissed.pk == person.pk:
        raise ValidationError("You are never suggested to yourself.")
    found, _ = SuggestionDismissal.objects.get_or_create(person=person, dismissed=dismissed)
    return found
