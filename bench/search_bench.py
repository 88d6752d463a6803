"""Benchmark post search (issue 4): SQLite FTS5 over --posts posts (1,000,000).

Builds, in a throwaway SQLite database, --people people (1,000) who write --posts posts of
twelve words drawn (Zipf-like) from a 5,000-word vocabulary, 70 % public and 10 % each of
followers / connections / mentioned; the FTS5 index is filled in one statement, as the
migration does. Then times `search_posts(viewer, query)` (first page of 20, visibility
applied, relations prefetched) for an anonymous and a signed-in viewer over rare, common,
two-word and prefix queries, and prints the median and p99 in milliseconds.

Usage:  .venv/bin/python bench/search_bench.py [--posts 1000000] [--people 1000]
No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import statistics
import sys
import tempfile
import time

VOCABULARY = 5000
WORDS_PER_POST = 12


def setup_django(var_dir: str) -> None:
    os.environ["KITH_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kith.settings"
    for name in ("DATABASE_URL", "KITH_TEST_DATABASE_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def vocabulary(rng: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    words: set[str] = set()
    while len(words) < VOCABULARY:
        words.add("".join(rng.choices(letters, k=rng.randint(4, 9))))
    return sorted(words)


def build(posts: int, people: int, seed: int) -> tuple[list[int], list[str]]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from kith.conversations.models import Post
    from kith.core.ids import new_id
    from kith.people.models import Person
    from kith.relationships.models import Connection, Follow, FollowStatus

    rng = random.Random(seed)
    words = vocabulary(rng)
    # Zipf: a few words are common. Cumulative weights, computed once, keep drawing cheap.
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(words))))
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
    started = time.perf_counter()
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
    columns = [f.column for f in Post._meta.concrete_fields]
    defaults = {f.column: f.get_default() for f in Post._meta.concrete_fields}
    stamp = now.isoformat()
    defaults.update(created_at=stamp, html="", language="", content_warning="")
    visibilities = ["public"] * 7 + ["followers", "connections", "mentioned"]
    sql = (
        f"INSERT INTO conversations_post ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    batch = 50_000
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, posts, batch):
            values = []
            for _ in range(min(batch, posts - start)):
                post_id = new_id()
                row = dict(
                    defaults,
                    id=post_id,
                    thread_root_id=post_id,
                    author_id=rng.choice(ids),
                    body=" ".join(rng.choices(words, cum_weights=cumulative, k=WORDS_PER_POST)),
                    visibility=rng.choice(visibilities),
                )
                values.append([row[c] for c in columns])
            cursor.executemany(sql, values)
        built = time.perf_counter() - started
        cursor.execute(
            "INSERT INTO conversations_post_fts (rowid, body) "
            "SELECT id, body FROM conversations_post"
        )
    indexed = time.perf_counter() - started - built
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {posts:,} posts by {people:,} people in {built:.1f} s; "
        f"FTS5 index in {indexed:.1f} s"
    )
    return ids, words


def timed(fn, cases) -> list[float]:
    samples = []
    for case in cases:
        start = time.perf_counter_ns()
        fn(*case)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return samples


def report(name: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(
        f"{name:<46} median {statistics.median(samples):7.2f} ms   p99 {p99:7.2f} ms   "
        f"(n={len(samples)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=1_000)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kith-bench-") as var_dir:
        setup_django(var_dir)
        ids, words = build(args.posts, args.people, args.seed)
        from django.contrib.auth.models import AnonymousUser

        from kith.conversations.search import search_posts
        from kith.people.models import Person

        rng = random.Random(args.seed + 1)
        reader = Person.objects.get(pk=ids[0])
        anonymous = AnonymousUser()
        n = args.samples
        common = words[:20]  # the most frequent words (tens of thousands of posts each)
        rare = words[-1000:]  # about 20–30 posts each
        queries = {
            "rare word": [rng.choice(rare) for _ in range(n)],
            "common word": [rng.choice(common) for _ in range(n)],
            "two words (common + middling)": [
                f"{rng.choice(common)} {rng.choice(words[100:1000])}" for _ in range(n)
            ],
            "prefix (4 letters of a middling word)": [
                rng.choice(words[100:1000])[:4] for _ in range(n)
            ],
        }

        def first_page(viewer, query):
            return len(search_posts(viewer, query))

        for label, viewer in (("anonymous", anonymous), ("signed in", reader)):
            for name, qs in queries.items():
                report(f"{name}, {label}", timed(first_page, [(viewer, q) for q in qs]))
        print(
            f"{args.posts:,} posts, {VOCABULARY:,}-word vocabulary, {WORDS_PER_POST} words a "
            "post; first page of 20 newest matches with visibility applied; SQLite FTS5, "
            "one process, warm cache"
        )
        print("command: .venv/bin/python bench/search_bench.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
