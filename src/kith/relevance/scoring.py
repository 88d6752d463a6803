"""How relevant posts are to a person: cosine of each post's embedding with their interests."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from kith.relevance.interests import interest_vector
from kith.relevance.models import PostEmbedding


def relevance(person, posts: Iterable) -> dict[int, float]:
    """Return, by post id, how close each post is to `person`'s interests, from 0 to 1.

    The cosine of the post's embedding with the person's interest vector, negative values
    as 0. A repost counts as its original. Posts without an embedding yet, and everyone's
    posts for a person with no interests and no helpful marks, score 0. Three queries.
    """
    posts = list(posts)
    scores = {post.pk: 0.0 for post in posts}
    if not posts:
        return scores
    query = interest_vector(person)
    if query is None:
        return scores
    source = {post.pk: post.repost_of_id or post.pk for post in posts}
    vectors = dict(
        PostEmbedding.objects.filter(post_id__in=set(source.values())).values_list(
            "post_id", "vector"
        )
    )
    for post_id, original_id in source.items():
        vector = vectors.get(original_id)
        if vector is not None:
            cosine = float(np.frombuffer(bytes(vector), dtype="<f4") @ query)
            scores[post_id] = max(0.0, min(1.0, cosine))
    return scores


def relevance_by_post_id(person, post_ids: Iterable[int]) -> dict[int, float] | None:
    """Return the relevance (0 to 1) of the posts `post_ids` that have an embedding, by id.

    None when `person` has no interest vector (no interests, nothing marked helpful): the
    feed ranking then keeps its stored interest overlap. Three queries.
    """
    query = interest_vector(person)
    if query is None:
        return None
    ids = set(post_ids)
    if not ids:
        return {}
    rows = PostEmbedding.objects.filter(post_id__in=ids).values_list("post_id", "vector")
    return {
        post_id: max(0.0, min(1.0, float(np.frombuffer(bytes(vector), dtype="<f4") @ query)))
        for post_id, vector in rows
    }
