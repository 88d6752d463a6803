"""Relevance tasks: load by id, call an action. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django_tasks import task

from kith.core.schedule import periodic


@task()
def embed_post(post_id: int) -> None:
    """Compute the embedding of a post (nothing if the stored one is of its current text)."""
    from kith.conversations.access import post_for_system
    from kith.relevance.actions import post_embedding_update

    post = post_for_system(post_id)
    if post is not None:
        post_embedding_update(post=post)


@periodic("embeddings-backfill", every=timedelta(minutes=10))
@task()
def backfill_embeddings() -> int:
    """Embed recent posts that have no vector of their current text (500 at a time)."""
    from kith.relevance.actions import post_embeddings_backfill

    return post_embeddings_backfill()
