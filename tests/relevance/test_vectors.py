"""The numpy index on its own: replace on re-embed, exclusions, best first."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from django.utils import timezone

from kith.relevance.vectors import NumpyIndex


def unit(*values) -> bytes:
    vector = np.zeros(384, dtype="<f4")
    vector[: len(values)] = values
    return (vector / np.linalg.norm(vector)).astype("<f4").tobytes()


def test_search_replace_and_exclude(db):
    index = NumpyIndex(window=timedelta(days=30))
    now = timezone.now()
    index.add(
        [
            (1, 101, 7, True, now, unit(1, 0)),
            (2, 102, 8, True, now, unit(1, 1)),
            (3, 103, 9, False, now, unit(1, 0.1)),
            (4, 104, 9, True, now - timedelta(days=31), unit(1, 0)),
        ]
    )
    index.refresh = lambda: None  # these rows are not in the database
    query = np.frombuffer(unit(1, 0), dtype="<f4")
    hits = index.search(query, k=10)
    assert [h.post_id for h in hits] == [101, 103, 102]
    assert hits[0].score > hits[1].score > hits[2].score
    assert [h.post_id for h in index.search(query, k=10, public_roots_only=True)] == [101, 102]
    assert [h.post_id for h in index.search(query, k=10, exclude_authors={7})] == [103, 102]
    assert [h.post_id for h in index.search(query, k=1)] == [101]
    index.add([(5, 101, 7, True, now, unit(0, 1))])  # 101 re-embedded: replaced, not added
    assert index.size == 4
    assert [h.post_id for h in index.search(query, k=10)][:2] == [103, 102]
