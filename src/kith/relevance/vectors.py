"""Vector search over recent posts, behind one interface.

`post_index()` is the process's index of the embeddings of posts from the last
`KITH_RELEVANCE_WINDOW_DAYS`: a float32 matrix in memory, searched by brute force with one
BLAS matrix-vector product. It is the same on SQLite and PostgreSQL. Why this and not
sqlite-vec is measured in docs/performance.md (bench/relevance_bench.py): the Python that
Kith runs on may lack SQLite extension loading altogether, and where sqlite-vec loads, its
brute-force scan is not faster than numpy's over the same rows.

Each search first loads the rows written since the last one (`PostEmbedding.id` is new on
every write, so that is one indexed query); a full reload every `REBUILD_SECONDS` drops rows
of posts that left the window or lost their vector. Hits are candidates only: callers pass
them through `conversations.access` before showing anything.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

import numpy as np
from django.conf import settings
from django.utils import timezone

from kith.conversations.models import PostVisibility
from kith.relevance.models import PostEmbedding
from kith.relevance.weights import DIMENSIONS

REBUILD_SECONDS = 600


@dataclass(frozen=True)
class Hit:
    post_id: int
    score: float


class VectorIndex(Protocol):
    def search(
        self,
        query: np.ndarray,
        *,
        k: int,
        exclude_authors: set[int] = ...,
        public_roots_only: bool = ...,
    ) -> list[Hit]:
        """Return the `k` posts nearest `query` (cosine, best first)."""


class NumpyIndex:
    """Embeddings of recent posts as one float32 matrix, with per-row author and flags."""

    def __init__(self, *, window: timedelta) -> None:
        self.window = window
        self._lock = threading.Lock()
        self._clear()

    def _clear(self) -> None:
        self.size = 0
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.post_ids = np.zeros(0, dtype=np.int64)
        self.authors = np.zeros(0, dtype=np.int64)
        self.posted = np.zeros(0, dtype=np.float64)  # epoch seconds
        self.public_root = np.zeros(0, dtype=bool)
        self.row_of: dict[int, int] = {}
        self.last_row_id = 0
        self.built_at = 0.0

    def _grow(self, needed: int) -> None:
        capacity = len(self.post_ids)
        if needed <= capacity:
            return
        capacity = max(needed, capacity * 2, 1024)
        self.matrix = np.resize(self.matrix, (capacity, DIMENSIONS))
        for name in ("post_ids", "authors", "posted", "public_root"):
            setattr(self, name, np.resize(getattr(self, name), capacity))

    def add(self, rows) -> None:
        """Add or replace rows of (row id, post id, author id, public root, posted_at, bytes)."""
        rows = list(rows)
        self._grow(self.size + len(rows))
        for row_id, post_id, author_id, public_root, posted_at, vector in rows:
            row = self.row_of.get(post_id)
            if row is None:
                row = self.row_of[post_id] = self.size
                self.size += 1
            self.matrix[row] = np.frombuffer(bytes(vector), dtype="<f4")
            self.post_ids[row] = post_id
            self.authors[row] = author_id
            self.public_root[row] = public_root
            self.posted[row] = posted_at.timestamp()
            self.last_row_id = max(self.last_row_id, row_id)

    def refresh(self) -> None:
        """Load what was written since the last refresh (everything, now and then)."""
        with self._lock:
            if time.monotonic() - self.built_at > REBUILD_SECONDS:
                self._clear()
                self.built_at = time.monotonic()
            cutoff = timezone.now() - self.window
            rows = (
                PostEmbedding.objects.filter(id__gt=self.last_row_id, posted_at__gte=cutoff)
                .order_by("id")
                .values_list(
                    "id",
                    "post_id",
                    "post__author_id",
                    "post__visibility",
                    "post__in_reply_to_id",
                    "posted_at",
                    "vector",
                )
            )
            self.add(
                (row_id, post_id, author_id, vis == PostVisibility.PUBLIC and not reply, at, vec)
                for row_id, post_id, author_id, vis, reply, at, vec in rows
            )

    def search(
        self,
        query: np.ndarray,
        *,
        k: int,
        exclude_authors: set[int] = frozenset(),
        public_roots_only: bool = False,
    ) -> list[Hit]:
        """Return the `k` posts nearest `query` (cosine, best first)."""
        self.refresh()
        n = self.size
        if n == 0 or k <= 0:
            return []
        scores = self.matrix[:n] @ query.astype(np.float32)
        excluded = self.posted[:n] < (timezone.now() - self.window).timestamp()
        if public_roots_only:
            excluded |= ~self.public_root[:n]
        if exclude_authors:
            excluded |= np.isin(self.authors[:n], np.fromiter(exclude_authors, dtype=np.int64))
        scores[excluded] = -np.inf
        k = min(k, n)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [Hit(int(self.post_ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]


_index: NumpyIndex | None = None
_index_lock = threading.Lock()


def post_index() -> VectorIndex:
    """Return the process's index of recent posts (created on first use)."""
    global _index
    if _index is None:
        with _index_lock:
            if _index is None:
                _index = NumpyIndex(window=timedelta(days=settings.KITH_RELEVANCE_WINDOW_DAYS))
    return _index


def reset_post_index() -> None:
    """Forget the process's index (tests: each starts from its own database)."""
    global _index
    with _index_lock:
        _index = None
