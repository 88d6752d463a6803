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
    ids = list(set(post_ids))
    if not ids:
        return {}
    prepared = _vectors_query()
    found = {}
    for start in range(0, len(ids), VECTOR_PAGE):
        for post_id, vector in prepared.rows(ids=ids[start : start + VECTOR_PAGE]):
            cosine = float(np.frombuffer(bytes(vector), dtype="<f4") @ query)
            found[post_id] = max(0.0, min(1.0, cosine))
    return found


VECTOR_PAGE = 256  # post ids per prepared query (a feed page asks for 20, a ranking for 300)
_VECTORS = None


def _vectors_query():
    """The embeddings of up to `VECTOR_PAGE` posts, compiled once (`core.prepared`)."""
    from kith.core.prepared import Prepared

    global _VECTORS
    if _VECTORS is None:
        _VECTORS = Prepared(
            lambda p: PostEmbedding.objects.filter(
                post_id__in=p.ids("ids", VECTOR_PAGE)
            ).values_list("post_id", "vector")
        )
    return _VECTORS
