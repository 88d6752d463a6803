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


def clustered(rng, rows: int, clusters: int = 40) -> np.ndarray:
    """Unit vectors around a few centres, like embeddings of posts on a few subjects."""
    centres = rng.standard_normal((clusters, 384)).astype(np.float32)
    vectors = centres[rng.integers(0, clusters, rows)] + 0.6 * rng.standard_normal(
        (rows, 384)
    ).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def index_of(vectors: np.ndarray, *, segment_rows: int, authors=None) -> NumpyIndex:
    index = NumpyIndex(window=timedelta(days=30), segment_rows=segment_rows)
    index.refresh = lambda: None  # rows given here, not read from the database
    now = timezone.now()
    authors = authors if authors is not None else np.arange(len(vectors)) % 50
    index.add(
        (i + 1, 1000 + i, int(authors[i]), True, now, v.astype("<f4").tobytes())
        for i, v in enumerate(vectors)
    )
    return index


def exact_top(vectors: np.ndarray, query: np.ndarray, k: int, allowed=None) -> list[int]:
    scores = vectors @ query
    if allowed is not None:
        scores[~allowed] = -np.inf
    return [1000 + int(i) for i in np.argsort(-scores, kind="stable")[:k]]


def test_the_int8_first_pass_finds_the_exact_top_ten():
    """Recall@10 of the two-pass search against an exact float32 search on 6,000 rows."""
    rng = np.random.default_rng(11)
    vectors = clustered(rng, 6000)
    index = index_of(vectors, segment_rows=1024)
    assert len(index.segments) == 5 and index.sealed == 5120  # 880 rows still float32
    queries = clustered(rng, 60)
    found = 0
    for query in queries:
        hits = index.search(query, k=10)
        expected = exact_top(vectors, query, 10)
        found += len({h.post_id for h in hits} & set(expected))
        # Scores are the exact cosines, best first.
        exact = {1000 + i: float(s) for i, s in enumerate(vectors @ query)}
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert all(abs(h.score - exact[h.post_id]) < 1e-5 for h in hits)
    assert found / (10 * len(queries)) >= 0.98


def test_int8_scores_are_close_to_the_float32_ones():
    rng = np.random.default_rng(12)
    vectors = clustered(rng, 2048)
    index = index_of(vectors, segment_rows=2048)
    query = clustered(rng, 1)[0]
    approximate = index._scores(query, index.matrix, index.size, index.segments, frozenset())
    assert np.abs(approximate - vectors @ query).max() < 0.005


def test_exclusions_apply_to_the_segments_and_the_newest_rows():
    rng = np.random.default_rng(13)
    vectors = clustered(rng, 3000)
    authors = rng.integers(0, 30, 3000)
    index = index_of(vectors, segment_rows=1000, authors=authors)
    query = clustered(rng, 1)[0]
    hits = index.search(query, k=20, exclude_authors={1, 2, 3})
    assert [h.post_id for h in hits] == exact_top(vectors, query, 20, ~np.isin(authors, [1, 2, 3]))
    assert not {int(authors[h.post_id - 1000]) for h in hits} & {1, 2, 3}


def test_new_rows_and_re_embedded_sealed_rows_are_searched_exactly():
    rng = np.random.default_rng(14)
    vectors = clustered(rng, 1100)
    index = index_of(vectors, segment_rows=512)
    assert index.sealed == 1024
    query = clustered(rng, 1)[0]
    now = timezone.now()
    # A row in a sealed segment gets a new vector: the query itself. It must come first.
    index.add([(5000, 1000 + 7, 7, True, now, query.astype("<f4").tobytes())])
    assert index.stale == {7} and index.size == 1100
    hits = index.search(query, k=3)
    assert hits[0].post_id == 1007 and abs(hits[0].score - 1.0) < 1e-5
    # New rows seal another segment once there are enough of them.
    extra = clustered(rng, 600)
    extra[123] = query
    index.add(
        (6000 + i, 5000 + i, 1, True, now, v.astype("<f4").tobytes()) for i, v in enumerate(extra)
    )
    assert index.size == 1700 and index.sealed == 1536 and len(index.segments) == 3
    assert {h.post_id for h in index.search(query, k=2)} == {1007, 5123}


def test_the_index_reads_new_embeddings_from_the_database(db, alice):
    from kith.conversations.actions import post_publish
    from kith.relevance.actions import post_embeddings_update

    index = NumpyIndex(window=timedelta(days=30), segment_rows=2)
    posts = [
        post_publish(author=alice, body=text)
        for text in ("Tomatoes on the balcony", "Penalty shoot-out", "Python wheels", "Sourdough")
    ]
    post_embeddings_update(posts=posts[:3])
    query = np.frombuffer(bytes(posts[2].embedding.vector), dtype="<f4")
    assert [h.post_id for h in index.search(query, k=1)] == [posts[2].pk]
    assert index.sealed == 2 and index.size == 3
    post_embeddings_update(posts=posts[3:])
    posts[3].refresh_from_db()
    query = np.frombuffer(bytes(posts[3].embedding.vector), dtype="<f4")
    assert [h.post_id for h in index.search(query, k=1)] == [posts[3].pk]
    assert index.sealed == 4 and len(index.segments) == 2


def test_the_periodic_reload_drops_rows_and_never_holds_searches_up(db, alice):
    from kith.conversations.actions import post_publish
    from kith.relevance.actions import post_embeddings_update
    from kith.relevance.models import PostEmbedding
    from kith.relevance.vectors import REBUILD_SECONDS

    index = NumpyIndex(window=timedelta(days=30), segment_rows=2)
    posts = [post_publish(author=alice, body=text) for text in ("Tomatoes", "Penalties", "Wheels")]
    post_embeddings_update(posts=posts)
    query = np.frombuffer(bytes(PostEmbedding.objects.get(post=posts[0]).vector), dtype="<f4")
    assert index.search(query, k=1)[0].post_id == posts[0].pk
    PostEmbedding.objects.filter(post=posts[0]).delete()
    assert posts[0].pk in {h.post_id for h in index.search(query, k=3)}  # until the reload

    # Another thread is reloading: a search does not wait for it, it uses the rows it has.
    class Reloading:
        def acquire(self, blocking=True):
            assert not blocking, "a search waited for another thread's reload"
            return False

    lock, index._rebuilding = index._rebuilding, Reloading()
    index.built_at -= REBUILD_SECONDS + 1
    assert posts[0].pk in {h.post_id for h in index.search(query, k=3)}
    index._rebuilding = lock

    assert {h.post_id for h in index.search(query, k=3)} == {posts[1].pk, posts[2].pk}
    assert index.size == 2 and index.sealed == 2
