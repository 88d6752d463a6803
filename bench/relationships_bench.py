"""Benchmark `relationship_between(a, b)` and the invitation-policy check (issue 3).

Builds, in a throwaway SQLite database, a network of --people people (10,000) and
--connections connections (500,000, about 100 each, drawn at random), then times each call
in-process over --samples random pairs and prints the median and p99 in microseconds.

Usage:  .venv/bin/python bench/relationships_bench.py [--people 10000] [--connections 500000]
No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time


def setup_django(var_dir: str) -> None:
    os.environ["KITH_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kith.settings"
    for name in ("DATABASE_URL", "KITH_TEST_DATABASE_URL"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_network(people: int, connections: int, seed: int) -> list[int]:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from kith.core.ids import new_id
    from kith.people.models import InvitationPolicy, Person

    rng = random.Random(seed)
    now = timezone.now()
    password = make_password("bench-password")
    policies = InvitationPolicy.values
    rows = [
        Person(
            id=new_id(),
            handle=f"p{i}",
            display_name=f"Person {i}",
            email=f"p{i}@example.org",
            password=password,
            email_confirmed_at=now,
            invitation_policy=policies[i % 4],
        )
        for i in range(people)
    ]
    started = time.perf_counter()
    Person.objects.bulk_create(rows, batch_size=2000)
    ids = [p.id for p in rows]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < connections:
        a, b = rng.sample(ids, 2)
        pairs.add((a, b) if a < b else (b, a))
    stamp = now.isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO relationships_connection "
            "(id, person_a_id, person_b_id, how_met, how_met_detail, since, last_interaction_at) "
            "VALUES (%s, %s, %s, 'in_person', '', %s, %s)",
            [(new_id(), a, b, stamp, stamp) for a, b in pairs],
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"built {people:,} people and {connections:,} connections "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return ids


def timed(fn, cases) -> list[float]:
    samples = []
    for case in cases:
        start = time.perf_counter_ns()
        fn(*case)
        samples.append((time.perf_counter_ns() - start) / 1000)
    return samples


def report(name: str, samples: list[float]) -> dict:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    median = statistics.median(samples)
    print(f"{name:<52} median {median:8.1f} µs   p99 {p99:8.1f} µs   (n={len(samples)})")
    return {"name": name, "median_us": median, "p99_us": p99, "n": len(samples)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--connections", type=int, default=500_000)
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kith-bench-") as var_dir:
        setup_django(var_dir)
        ids = build_network(args.people, args.connections, args.seed)
        from kith.people.models import InvitationPolicy, Person
        from kith.relationships.access import relationship_between
        from kith.relationships.models import Connection
        from kith.relationships.policy import evaluate_policy

        rng = random.Random(args.seed + 1)
        by_id = Person.objects.in_bulk(ids)
        some = rng.sample(
            list(Connection.objects.values_list("person_a_id", "person_b_id")[: args.samples * 10]),
            args.samples // 2,
        )
        connected = [(by_id[a], by_id[b]) for a, b in some]
        random_pairs = [
            tuple(by_id[i] for i in rng.sample(ids, 2)) for _ in range(args.samples // 2)
        ]
        results = [
            report(
                "relationship_between (connected pairs)", timed(relationship_between, connected)
            ),
            report(
                "relationship_between (random pairs)", timed(relationship_between, random_pairs)
            ),
        ]
        for policy in InvitationPolicy.values:
            recipients = [
                (a, b) for a, b in random_pairs if b.invitation_policy == policy
            ] or random_pairs
            results.append(
                report(
                    f"evaluate_policy ({policy})",
                    timed(
                        lambda s, r: evaluate_policy(sender=s, recipient=r, how_known="in_person"),
                        recipients,
                    ),
                )
            )
        total = Connection.objects.count()
        print(
            f"network: {len(ids):,} people, {total:,} connections "
            f"(~{2 * total / len(ids):.0f} per person); SQLite, one process, warm cache"
        )
        print("command: .venv/bin/python bench/relationships_bench.py " + " ".join(sys.argv[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
