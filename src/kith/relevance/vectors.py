"""Vector search over recent posts, behind one interface.

`post_index()` is the process's index of the embeddings of posts from the last
`KITH_RELEVANCE_WINDOW_DAYS`, the same on SQLite and PostgreSQL. Why this and not sqlite-vec
is measured in docs/performance.md (bench/relevance_bench.py): the Python that Kith runs on
may lack SQLite extension loading altogether, and where sqlite-vec loads, its brute-force
scan is slower than this one.

A search is two passes. The first scores every row approximately: sealed segments of
`SEGMENT_ROWS` rows are held as int8 (7 bits, each row scaled by its largest component) and
multiplied by the quantised query with one onnxruntime `MatMulInteger` per segment, its rows a
constant of the graph (packed once, when the segment is sealed), so a query reads a quarter
of the bytes of the float32 matrix. The newest rows (fewer than a segment) and rows
re-embedded since their segment was sealed are scored exactly. The second pass ranks the
best `RERANK` candidates (or 4 × k) by their exact float32 cosine. Rounding moves a score by
about 5e-4 (3e-3 at most), usually far less than the gap between the 10th and the 256th
best, so the top k are those of an exact search; recall@10 against the exact search is
checked on a synthetic set (tests/relevance/test_vectors.py) and measured by the benchmark.

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
SEGMENT_ROWS = 16_384  # rows per int8 segment; fewer stay float32 (exact) until sealed
RERANK = 256  # candidates of the int8 pass ranked again exactly
ROW_LEVELS = 63.0  # see quantise_rows


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


def quantise_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return (int8 rows in −63..63, float32 scale per row) with rows ≈ int8 rows × scale.

    Seven bits, not eight: without AVX-512 VNNI onnxruntime multiplies uint8 by int8 with
    AVX2's `vpmaddubsw`, which adds pairs of products into int16 and saturates: 2 × 255 × 63
    fits in 32,767, 2 × 255 × 127 does not (measured: score errors up to 0.016, not 0.003).
    """
    scale = np.maximum(np.abs(rows).max(axis=1), 1e-12) / ROW_LEVELS
    return np.rint(rows / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def quantise_query(query: np.ndarray) -> tuple[np.ndarray, float]:
    """Return (uint8 query offset by 128, scale) with query ≈ (uint8 − 128) × scale."""
    scale = max(float(np.abs(query).max()), 1e-12) / 127.0
    return (np.rint(query / scale) + 128).astype(np.uint8)[None, :], scale


class Segment:
    """Rows [start, start + size) of an index as int8, scored by one onnxruntime product."""

    def __init__(self, start: int, rows: np.ndarray) -> None:
        import onnx
        import onnxruntime
        from onnx import TensorProto, helper, numpy_helper

        self.start, self.size = start, len(rows)
        quantised, self.scale = quantise_rows(rows)
        graph = helper.make_graph(
            [helper.make_node("MatMulInteger", ["query", "rows", "offset"], ["dots"])],
            "int8-scores",
            [helper.make_tensor_value_info("query", TensorProto.UINT8, [1, DIMENSIONS])],
            [helper.make_tensor_value_info("dots", TensorProto.INT32, [1, self.size])],
            initializer=[
                numpy_helper.from_array(np.ascontiguousarray(quantised.T), "rows"),
                numpy_helper.from_array(np.array(128, np.uint8), "offset"),
            ],
        )
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        onnx.checker.check_model(model)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )

    def scores(self, query: np.ndarray, query_scale: float) -> np.ndarray:
        """Return the approximate dot products of the rows with the quantised `query`."""
        (dots,) = self.session.run(None, {"query": query})
        return np.multiply(dots[0], self.scale * np.float32(query_scale), dtype=np.float32)


class NumpyIndex:
    """Embeddings of recent posts: a float32 matrix, its int8 segments, per-row author and flags."""

    def __init__(self, *, window: timedelta, segment_rows: int = SEGMENT_ROWS) -> None:
        self.window = window
        self.segment_rows = segment_rows
        self._lock = threading.Lock()  # guards the state below
        self._rebuilding = threading.Lock()  # one full reload at a time
        self._clear()

    _STATE = (
        "size",
        "matrix",
        "post_ids",
        "authors",
        "posted",
        "public_root",
        "row_of",
        "author_code",
        "segments",
        "sealed",
        "stale",
        "last_row_id",
        "built_at",
    )

    def _clear(self) -> None:
        self.size = 0
        self.matrix = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self.post_ids = np.zeros(0, dtype=np.int64)
        self.authors = np.zeros(0, dtype=np.int32)  # dense codes, see author_code
        self.posted = np.zeros(0, dtype=np.float64)  # epoch seconds
        self.public_root = np.zeros(0, dtype=bool)
        self.row_of: dict[int, int] = {}
        self.author_code: dict[int, int] = {}
        self.segments: tuple[Segment, ...] = ()
        self.sealed = 0  # rows [0, sealed) are in segments
        self.stale: frozenset[int] = frozenset()  # sealed rows re-embedded since: scored exactly
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
        stale = set()
        for row_id, post_id, author_id, public_root, posted_at, vector in rows:
            row = self.row_of.get(post_id)
            if row is None:
                row = self.row_of[post_id] = self.size
                self.size += 1
            elif row < self.sealed:
                stale.add(row)
            self.matrix[row] = np.frombuffer(bytes(vector), dtype="<f4")
            self.post_ids[row] = post_id
            self.authors[row] = self.author_code.setdefault(author_id, len(self.author_code))
            self.public_root[row] = public_root
            self.posted[row] = posted_at.timestamp()
            self.last_row_id = max(self.last_row_id, row_id)
        if stale:
            self.stale = self.stale | stale
        segments = list(self.segments)
        while self.size - self.sealed >= self.segment_rows:
            end = self.sealed + self.segment_rows
            segments.append(Segment(self.sealed, self.matrix[self.sealed : end]))
            self.sealed = end
        self.segments = tuple(segments)

    def refresh(self) -> None:
        """Load what was written since the last refresh (everything, now and then).

        The full reload is built aside and swapped in: searches meanwhile use the old rows
        (they wait only for the very first load of the process).
        """
        if time.monotonic() - self.built_at > REBUILD_SECONDS and self._rebuilding.acquire(
            blocking=not self.built_at
        ):
            try:
                if time.monotonic() - self.built_at > REBUILD_SECONDS:
                    fresh = NumpyIndex(window=self.window, segment_rows=self.segment_rows)
                    fresh._load_new()
                    fresh.built_at = time.monotonic()
                    with self._lock:
                        for name in self._STATE:
                            setattr(self, name, getattr(fresh, name))
            finally:
                self._rebuilding.release()
        with self._lock:
            self._load_new()

    def _load_new(self) -> None:
        """Add the rows written since `last_row_id` and still in the window."""
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

    @staticmethod
    def _scores(query: np.ndarray, matrix: np.ndarray, n: int, segments, stale) -> np.ndarray:
        """Return a score per row: int8 approximations for sealed rows, exact for the rest."""
        scores = np.empty(n, dtype=np.float32)
        sealed = 0
        if segments:
            quantised, scale = quantise_query(query)
            for segment in segments:
                sealed = segment.start + segment.size
                scores[segment.start : sealed] = segment.scores(quantised, scale)
        # einsum, not `@`: numpy's OpenBLAS runs a product of a few thousand rows on every
        # core and its threads then spin, which cost 8 ms of CPU for 3,400 rows (einsum 0.3).
        scores[sealed:n] = np.einsum("ij,j->i", matrix[sealed:n], query)
        if stale:
            rows = np.fromiter(stale, dtype=np.int64)
            scores[rows] = np.einsum("ij,j->i", matrix[rows], query)
        return scores

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
        with self._lock:  # one consistent view (add() grows by copying, edits rows in place)
            n, segments, stale = self.size, self.segments, self.stale
            matrix, post_ids, authors = self.matrix, self.post_ids, self.authors
            posted, public_root = self.posted, self.public_root
            codes = [self.author_code[a] for a in exclude_authors if a in self.author_code]
            author_count = len(self.author_code)
        if n == 0 or k <= 0:
            return []
        query = np.ascontiguousarray(query, dtype=np.float32)
        scores = self._scores(query, matrix, n, segments, stale)
        excluded = posted[:n] < (timezone.now() - self.window).timestamp()
        if public_roots_only:
            excluded |= ~public_root[:n]
        if codes:
            table = np.zeros(author_count, dtype=bool)
            table[codes] = True
            excluded |= table[authors[:n]]
        scores[excluded] = -np.inf
        wanted = min(n, max(RERANK, 4 * k)) if segments else min(n, k)
        candidates = np.argpartition(-scores, wanted - 1)[:wanted]
        candidates = candidates[np.isfinite(scores[candidates])]
        exact = matrix[candidates] @ query
        best = np.argsort(-exact, kind="stable")[:k]
        return [Hit(int(post_ids[candidates[i]]), float(exact[i])) for i in best]


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
