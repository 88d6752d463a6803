"""A person's interest vector: what their interests and the posts they found helpful are about."""

from __future__ import annotations

import re
import threading

import numpy as np

from kith.conversations.models import ReactionKind
from kith.people.models import Interest
from kith.relevance.models import PostEmbedding

HELPFUL_POSTS = 50  # the most recent helpful marks that count
_tag_vectors: dict[str, np.ndarray] = {}
_tag_lock = threading.Lock()


def tag_text(tag: str) -> str:
    """Return an interest tag as words ("machine_learning" → "machine learning")."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", tag.lstrip("#"))
    return re.sub(r"[_\-.]+", " ", words).strip().lower()


def tag_vectors(tags: list[str]) -> np.ndarray:
    """Return the embeddings of interest tags (kept per process: tags repeat a lot)."""
    from kith.relevance.embedder import embed

    missing = [t for t in dict.fromkeys(tags) if t not in _tag_vectors]
    if missing:
        vectors = embed([tag_text(t) for t in missing])
        with _tag_lock:
            _tag_vectors.update(zip(missing, vectors, strict=True))
    return np.array([_tag_vectors[t] for t in tags], dtype=np.float32).reshape(-1, 384)


def _prepared():
    """The two queries of `interest_vector`, compiled once (`core.prepared`): they run on
    every home feed page."""
    from kith.core.prepared import Prepared

    global _TAGS, _HELPFUL
    if _TAGS is None:
        _TAGS = Prepared(
            lambda p: (
                Interest.objects.filter(person_id=p.id("person"))
                .order_by("id")
                .values_list("tag", flat=True)
            )
        )
        _HELPFUL = Prepared(
            lambda p: (
                PostEmbedding.objects.filter(
                    post__reactions__person_id=p.id("person"),
                    post__reactions__kind=ReactionKind.HELPFUL,
                )
                .order_by("-post__reactions__id")
                .values_list("vector", flat=True)[:HELPFUL_POSTS]
            )
        )
    return _TAGS, _HELPFUL


_TAGS = _HELPFUL = None


def interest_vector(person) -> np.ndarray | None:
    """Return the unit vector of `person`'s interests and helpful marks, or None if none.

    Each interest tag and each of the last 50 posts they marked helpful weighs the same.
    Two prepared queries.
    """
    if person is None or not getattr(person, "is_authenticated", False):
        return None
    tags_query, helpful_query = _prepared()
    tags = [tag for (tag,) in tags_query.rows(person=person.pk)]
    parts = [np.frombuffer(bytes(v), dtype="<f4") for (v,) in helpful_query.rows(person=person.pk)]
    if tags:
        parts.extend(tag_vectors(tags))
    if not parts:
        return None
    total = np.sum(parts, axis=0, dtype=np.float32)
    norm = float(np.linalg.norm(total))
    return total / norm if norm > 0 else None
