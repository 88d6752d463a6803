"""Benchmark relevance (issue 6 item 5): embedding throughput and top-10 vector search.

1. Embedding: --texts (640) post-like texts of 8–60 words (Faker, seeded) through
   `kith.relevance.embedder.Embedder(threads=1)` (one onnxruntime intra-op thread, in
   batches of 16 sorted by token count). Prints posts/s by wall clock and by the process's CPU
   time (the one-core figure when other work shares the machine), and the median tokens.
2. Search: a throwaway SQLite database with --people (1,000) people and --posts (200,000)
   public posts, each with a stored `PostEmbedding` (random unit vectors: the cost of a
   search does not depend on what the vectors say; recall is also checked on clustered
   vectors in tests/relevance/test_vectors.py). Times `NumpyIndex.search` (the real
   path: the incremental refresh query, the matrix product, the exclusions of the viewer's
   network, the top 10) for --queries (200) query vectors: first load, then median and p99,
   and the recall@10 of its two passes (int8, then exact re-rank) against an exact search.
3. sqlite-vec, where this Python can load SQLite extensions: a `vec0` table of the same
   vectors and its KNN query (`MATCH … AND k = 10`), median and p99; otherwise it says why.

Usage:  .venv/bin/python bench/relevance_bench.py [--posts 200000] [--texts 640]
No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DIM = 384


def setup_django(var_dir: str) -> None:
    os.environ["KITH_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kith.settings"
    for name in ("DATABASE_URL", "KITH_TEST_DATABASE_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def report(name: str, samples_ms: list[float], cpu_ms: float | None = None) -> None:
    samples_ms = sorted(samples_ms)
    p99 = samples_ms[min(len(samples_ms) - 1, int(len(samples_ms) * 0.99))]
    cpu = f"   CPU {cpu_ms:6.2f} ms/query" if cpu_ms is not None else ""
    print(f"  {name:<46} median {statistics.median(samples_ms):7.2f} ms   p99 {p99:7.2f} ms{cpu}")


def timed(fn, queries) -> tuple[list[float], float]:
    """Return the wall-clock milliseconds of fn(query) per query, and the mean CPU ms."""
    samples = []
    cpu = time.process_time()
    for query in queries:
        start = time.perf_counter_ns()
        fn(query)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples, (time.process_time() - cpu) * 1000 / len(queries)


def bench_embedding(count: int, seed: int) -> None:
    from faker import Faker

    from kith.relevance.embedder import Embedder

    fake = Faker()
    fake.seed_instance(seed)
    texts = [fake.sentence(nb_words=random.Random(seed + i).randint(8, 60)) for i in range(count)]
    started = time.perf_counter()
    embedder = Embedder(threads=1)
    print(f"embedding: model loaded in {time.perf_counter() - started:.2f} s")
    embedder.encode(texts[:32])  # warm up
    tokens = [sum(e.attention_mask) for e in embedder.tokenizer.encode_batch(texts)]
    wall, cpu = time.perf_counter(), time.process_time()
    embedder.encode(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"  {count} texts, median {statistics.median(tokens):.0f} tokens (max {max(tokens)}): "
        f"{count / wall:.0f} posts/s by wall clock, {count / cpu:.0f} posts/s per CPU-second "
        "(intra-op threads = 1)"
    )


def bench_int8_embedding(count: int, seed: int) -> None:
    """Dynamic int8 quantisation of the served graph: speed, closeness and ranking agreement.

    Not served (docs/performance.md says why); measured so the trade-off stays on record.
    """
    from faker import Faker
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from kith.relevance import embedder

    fake = Faker()
    fake.seed_instance(seed)
    texts = [fake.sentence(nb_words=random.Random(seed + i).randint(8, 60)) for i in range(count)]
    served = embedder.Embedder(threads=1)
    fp32 = served.encode(texts)
    with tempfile.TemporaryDirectory() as directory:
        source = os.path.join(directory, "fp32.onnx")
        with open(source, "wb") as file:
            file.write(embedder.build_onnx_bytes())
        for label, options in (
            ("int8 per channel, 7-bit weights", dict(per_channel=True, reduce_range=True)),
            ("int8 per tensor", dict(per_channel=False, reduce_range=False)),
        ):
            target = os.path.join(directory, "int8.onnx")
            quantize_dynamic(
                source,
                target,
                weight_type=QuantType.QInt8,
                op_types_to_quantize=["MatMul"],
                **options,
            )
            quantised = embedder.Embedder(threads=1, model=Path(target))
            quantised.encode(texts[:32])
            cpu = time.process_time()
            int8 = quantised.encode(texts)
            cpu = time.process_time() - cpu
            cosines = (fp32 * int8).sum(axis=1)
            # Do the two agree on what is near what? Each text as a query over the others.
            found = 0
            for i in range(count):
                a, b = fp32 @ fp32[i], int8 @ int8[i]
                a[i] = b[i] = -np.inf
                found += len(set(np.argsort(-a)[:10]) & set(np.argsort(-b)[:10]))
            print(
                f"  {label}: {count / cpu:.0f} posts/s per CPU-second; cosine with fp32 "
                f"min {cosines.min():.4f} median {np.median(cosines):.4f}; "
                f"recall@10 of int8 neighbours vs fp32 {found / (10 * count):.3f}"
            )
            del quantised


def build(posts: int, people: int, seed: int) -> tuple[list[int], np.ndarray]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from kith.conversations.models import Post
    from kith.core.ids import new_id
    from kith.people.models import Person
    from kith.relationships.models import Connection, Follow, FollowStatus

    rng = np.random.default_rng(seed)
    now = timezone.now()
    password = make_password("bench-password")
    rows = [
        Person(
            id=new_id(),
            handle=f"p{i}",
            display_name=f"Person {i}",
            email=f"p{i}@example.org",
            password=password,
            email_confirmed_at=now,
        )
        for i in range(people)
    ]
    Person.objects.bulk_create(rows, batch_size=2000)
    ids = [p.id for p in rows]
    reader = ids[0]
    Connection.objects.bulk_create(
        [Connection(person_a_id=reader, person_b_id=b, how_met="in_person") for b in ids[1:51]]
    )
    Follow.objects.bulk_create(
        [
            Follow(follower_id=reader, target_person_id=t, status=FollowStatus.ACTIVE)
            for t in ids[51:151]
        ]
    )
    vectors = rng.standard_normal((posts, DIM), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    columns = [f.column for f in Post._meta.concrete_fields]
    defaults = {f.column: f.get_default() for f in Post._meta.concrete_fields}
    stamp = now.isoformat()
    defaults.update(created_at=stamp, html="", language="", content_warning="")
    post_sql = (
        f"INSERT INTO conversations_post ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    embedding_sql = (
        "INSERT INTO relevance_postembedding (id, post_id, version, vector, posted_at, "
        "computed_at) VALUES (%s, %s, 1, %s, %s, %s)"
    )
    started = time.perf_counter()
    authors = rng.integers(0, people, size=posts)
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, posts, 50_000):
            post_rows, embedding_rows = [], []
            for i in range(start, min(posts, start + 50_000)):
                post_id = new_id()
                row = dict(
                    defaults,
                    id=post_id,
                    thread_root_id=post_id,
                    author_id=ids[authors[i]],
                    body="",
                    visibility="public",
                )
                post_rows.append([row[c] for c in columns])
                embedding_rows.append([new_id(), post_id, vectors[i].tobytes(), stamp, stamp])
            cursor.executemany(post_sql, post_rows)
            cursor.executemany(embedding_sql, embedding_rows)
    print(f"search: built {posts:,} posts with embeddings in {time.perf_counter() - started:.1f} s")
    return ids, vectors


def bench_numpy(ids: list[int], queries: np.ndarray) -> None:
    from datetime import timedelta

    from kith.relevance.vectors import NumpyIndex

    index = NumpyIndex(window=timedelta(days=30))
    started = time.perf_counter()
    index.refresh()
    print(
        f"  Kith index: first load of {index.size:,} rows in {time.perf_counter() - started:.1f} s "
        f"({len(index.segments)} int8 segments, {index.size - index.sealed:,} float32 rows)"
    )
    network = set(ids[:151])

    def plain(query):
        assert len(index.search(query, k=10)) == 10

    def outside_network(query):
        hits = index.search(query, k=10, exclude_authors=network, public_roots_only=True)
        assert len(hits) == 10

    report("Kith NumpyIndex.search top-10 (two passes)", *timed(plain, queries))
    report("… network excluded, public roots only", *timed(outside_network, queries))
    # Recall@10 of the two passes against an exact float32 search over the same rows.
    found = 0
    for query in queries:
        exact = index.matrix[: index.size] @ query
        expected = set(np.argpartition(-exact, 9)[:10].tolist())
        found += len({index.row_of[h.post_id] for h in index.search(query, k=10)} & expected)
    print(
        f"  recall@10 of the two passes against the exact search: {found / (10 * len(queries)):.4f}"
    )


def bench_matrix(vectors: np.ndarray, queries: np.ndarray) -> None:
    """The brute-force core alone: one matrix-vector product and a partial sort."""

    def top10(query):
        scores = vectors @ query
        top = np.argpartition(-scores, 9)[:10]
        return top[np.argsort(-scores[top])]

    def top10_einsum(query):
        scores = np.einsum("ij,j->i", vectors, query)
        top = np.argpartition(-scores, 9)[:10]
        return top[np.argsort(-scores[top])]

    # `@` is OpenBLAS's sgemv on every core (its threads spin: CPU time above wall time);
    # einsum is numpy's own loop on one core.
    report("exact: numpy matrix @ query + argpartition", *timed(top10, queries))
    report("exact: einsum (one core) + argpartition", *timed(top10_einsum, queries))


def bench_sqlite_vec(vectors: np.ndarray, queries: np.ndarray) -> None:
    probe = sqlite3.connect(":memory:")
    if not hasattr(probe, "enable_load_extension"):
        print(
            "  sqlite-vec: not measured: this Python's sqlite3 cannot load extensions "
            f"(built without them; {sys.executable})"
        )
        return
    try:
        import sqlite_vec
    except ImportError:
        print("  sqlite-vec: not measured: pip install sqlite-vec==0.1.9 into this Python")
        return
    db = sqlite3.connect(":memory:")
    db.enable_load_extension(True)
    sqlite_vec.load(db)
    db.enable_load_extension(False)
    db.execute(f"CREATE VIRTUAL TABLE vec_posts USING vec0(embedding float[{DIM}])")
    started = time.perf_counter()
    db.executemany(
        "INSERT INTO vec_posts (rowid, embedding) VALUES (?, ?)",
        ((i + 1, v.tobytes()) for i, v in enumerate(vectors)),
    )
    db.commit()
    print(
        f"  sqlite-vec {sqlite_vec.__version__ if hasattr(sqlite_vec, '__version__') else ''}: "
        f"loaded {len(vectors):,} rows in {time.perf_counter() - started:.1f} s"
    )

    def knn(query):
        rows = db.execute(
            "SELECT rowid, distance FROM vec_posts WHERE embedding MATCH ? AND k = 10",
            (query.tobytes(),),
        ).fetchall()
        assert len(rows) == 10

    report("sqlite-vec vec0 KNN top-10", *timed(knn, queries))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--people", type=int, default=1_000)
    parser.add_argument("--texts", type=int, default=640)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-embedding", action="store_true")
    parser.add_argument(
        "--int8-embedding",
        action="store_true",
        help="Also measure dynamic int8 quantisation of the model (not served)",
    )
    parser.add_argument("--embedding-only", action="store_true")
    parser.add_argument(
        "--vectors-only",
        action="store_true",
        help="No Django: numpy brute force vs sqlite-vec on the same random vectors "
        "(for a Python whose sqlite3 loads extensions, e.g. Debian's /usr/bin/python3)",
    )
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed + 1)
    queries = rng.standard_normal((args.queries, DIM), dtype=np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    if args.vectors_only:
        vectors = np.random.default_rng(args.seed).standard_normal((args.posts, DIM), np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        print(f"{args.posts:,} random unit vectors, {args.queries} queries")
        bench_matrix(vectors, queries)
        bench_sqlite_vec(vectors, queries)
        print("command: python bench/relevance_bench.py " + " ".join(sys.argv[1:]))
        return
    with tempfile.TemporaryDirectory(prefix="kith-relevance-bench-") as var_dir:
        setup_django(var_dir)
        if not args.skip_embedding:
            bench_embedding(args.texts, args.seed)
        if args.int8_embedding:
            bench_int8_embedding(args.texts, args.seed)
        if args.embedding_only:
            return
        ids, vectors = build(args.posts, args.people, args.seed)
        bench_numpy(ids, queries)
        bench_matrix(vectors, queries)
        bench_sqlite_vec(vectors, queries)
    print("command: .venv/bin/python bench/relevance_bench.py " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
