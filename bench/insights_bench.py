"""Benchmark insights (issue 7): every metric for a person with 100,000 interactions.

In a throwaway SQLite database (a temporary KITH_VAR_DIR) it generates, with executemany,
a network around one person ("me"): --people others (a fifth of them connections, a sixth
followed), posts of mine and of others over 120 days, replies both ways (and my replies
back), reposts, quotes, helpful marks and stories both ways, direct messages, invitations
and feed entries, until the interactions that involve me reach --interactions. Then it
times `insights.metrics.insights_for(me)` (--runs times after one warm-up) and prints the
median, the best, the number of queries, and the interaction counts.

Usage:  .venv/bin/python bench/insights_bench.py [--interactions 100000] [--runs 7]
Run it idle, under the shared lock: flock /work/wt/cpu.lock .venv/bin/python bench/…
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
from datetime import UTC, datetime, timedelta


def setup_django(var_dir: str) -> None:
    os.environ["KITH_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kith.settings"
    os.environ["KITH_TASK_BACKEND"] = "immediate"
    for name in ("DATABASE_URL", "KITH_TEST_DATABASE_URL", "KITH_REDIS_URL", "KITH_DEBUG"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class Inserter:
    """Insert model rows with executemany, filling every column not given with its default."""

    def __init__(self):
        from django.db import connection

        self.connection = connection
        self.next_id = 1 << 40

    def id(self) -> int:
        self.next_id += 1
        return self.next_id

    def insert(self, model, rows: list[dict]) -> int:
        if not rows:
            return 0
        ops = self.connection.ops
        fields = [f for f in model._meta.concrete_fields]
        # Every column not given takes its model default ('' for text, None for nullable).
        defaults = {f.attname: f.get_default() for f in fields}
        columns = ", ".join(f'"{f.column}"' for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f'INSERT INTO "{model._meta.db_table}" ({columns}) VALUES ({marks})'
        date_fields = {f.attname for f in fields if f.get_internal_type() == "DateTimeField"}
        values = []
        for row in rows:
            line = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                if f.attname in date_fields and value is not None:
                    value = ops.adapt_datetimefield_value(value)
                line.append(value)
            values.append(line)
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, values)
        return len(rows)


def build(interactions: int, people_count: int, seed: int):
    from django.db import transaction

    from kith.conversations.models import Mention, Post, Reaction
    from kith.feeds.models import FeedEntry
    from kith.messaging.models import Message, MessageThread, Participant
    from kith.people import actions as people
    from kith.people.models import Person
    from kith.relationships.models import Connection, Follow, Invitation

    rng = random.Random(seed)
    now = datetime.now(UTC)

    def when(max_days: float = 120) -> datetime:
        return now - timedelta(seconds=rng.uniform(60, max_days * 86400))

    me = people.person_create(
        handle="me",
        display_name="Me",
        email="me@example.org",
        password="x" * 12,
        confirmed=True,
    )
    ins = Inserter()
    started = time.perf_counter()
    others = [
        {
            "id": ins.id(),
            "handle": f"p{i}",
            "display_name": f"Person {i}",
            "email": f"p{i}@example.org",
            "password": "!",
            "email_confirmed_at": now,
            "date_joined": now,
            "updated_at": now,
        }
        for i in range(people_count)
    ]
    with transaction.atomic():
        ins.insert(Person, others)
        ids = [p["id"] for p in others]
        connected = ids[: people_count // 5]
        followed = ids[people_count // 5 : people_count // 5 + people_count // 6]
        ins.insert(
            Connection,
            [
                {
                    "id": ins.id(),
                    "person_a_id": min(me.pk, o),
                    "person_b_id": max(me.pk, o),
                    "how_met": "in_person",
                    "since": when(400),
                    "last_interaction_at": now,
                }
                for o in connected
            ],
        )
        ins.insert(
            Follow,
            [
                {"id": ins.id(), "follower_id": me.pk, "target_person_id": o, "created_at": now}
                for o in followed
            ],
        )
        counts: dict[str, int] = {}
        budget = interactions
        share = {  # of the interactions; they add up to 1
            "reply_in": 0.30,
            "reply_back": 0.10,
            "reply_out": 0.10,
            "repost_in": 0.10,
            "quote_in": 0.03,
            "reaction_in": 0.16,
            "reaction_out": 0.05,
            "message": 0.08,
            "feed": 0.08,
        }
        n = {k: int(v * budget) for k, v in share.items()}
        my_posts = [
            {
                "id": ins.id(),
                "author_id": me.pk,
                "body": f"My post {i}",
                "html": "",
                "created_at": when(),
                "visibility": "public",
            }
            for i in range(n["reply_in"] // 6)
        ]
        for p in my_posts:
            p["thread_root_id"] = p["id"]
        theirs = [
            {
                "id": ins.id(),
                "author_id": rng.choice(ids),
                "body": f"Their post {i}",
                "html": "",
                "created_at": when(),
                "visibility": "public",
            }
            for i in range(max(n["reply_out"], n["feed"]))
        ]
        for p in theirs:
            p["thread_root_id"] = p["id"]
        ins.insert(Post, my_posts + theirs)
        replies_in = []
        mentions = []
        for i in range(n["reply_in"]):
            parent = rng.choice(my_posts)
            row = {
                "id": ins.id(),
                "author_id": rng.choice(connected + followed + ids[:200]),
                "body": f"reply {i}",
                "html": "",
                "in_reply_to_id": parent["id"],
                "thread_root_id": parent["id"],
                "depth": 1,
                "created_at": parent["created_at"] + timedelta(hours=rng.uniform(0, 48)),
            }
            replies_in.append(row)
            mentions.append({"id": ins.id(), "post_id": row["id"], "person_id": me.pk})
        backs = []
        for i, parent in enumerate(rng.sample(replies_in, n["reply_back"])):
            backs.append(
                {
                    "id": ins.id(),
                    "author_id": me.pk,
                    "body": f"back {i}",
                    "html": "",
                    "in_reply_to_id": parent["id"],
                    "thread_root_id": parent["thread_root_id"],
                    "depth": 2,
                    "created_at": parent["created_at"] + timedelta(hours=rng.uniform(0, 9)),
                }
            )
        outs = []
        for i in range(n["reply_out"]):
            parent = rng.choice(theirs)
            outs.append(
                {
                    "id": ins.id(),
                    "author_id": me.pk,
                    "body": f"out {i}",
                    "html": "",
                    "in_reply_to_id": parent["id"],
                    "thread_root_id": parent["id"],
                    "depth": 1,
                    "created_at": when(),
                }
            )
        reposts, seen = [], set()
        while len(reposts) < n["repost_in"]:
            author, post = rng.choice(ids), rng.choice(my_posts)
            if (author, post["id"]) in seen:
                continue
            seen.add((author, post["id"]))
            reposts.append(
                {
                    "id": ins.id(),
                    "author_id": author,
                    "repost_of_id": post["id"],
                    "html": "",
                    "created_at": when(),
                }
            )
        quotes = [
            {
                "id": ins.id(),
                "author_id": rng.choice(ids),
                "body": "quote",
                "html": "",
                "quote_of_id": rng.choice(my_posts)["id"],
                "created_at": when(),
            }
            for _ in range(n["quote_in"])
        ]
        for q in quotes:
            q["thread_root_id"] = q["id"]
        ins.insert(Post, replies_in + backs + outs + reposts + quotes)
        ins.insert(Mention, mentions)
        reactions, seen = [], set()
        while len(reactions) < n["reaction_in"]:
            person, post, kind = (
                rng.choice(ids),
                rng.choice(my_posts),
                rng.choice(["helpful", "used"]),
            )
            if (person, post["id"], kind) in seen:
                continue
            seen.add((person, post["id"], kind))
            reactions.append(
                {
                    "id": ins.id(),
                    "post_id": post["id"],
                    "person_id": person,
                    "kind": kind,
                    "story": "used it" if kind == "used" else "",
                    "created_at": when(),
                    "updated_at": now,
                }
            )
        while len(reactions) < n["reaction_in"] + n["reaction_out"]:
            post, kind = rng.choice(theirs), rng.choice(["helpful", "used"])
            if (me.pk, post["id"], kind) in seen:
                continue
            seen.add((me.pk, post["id"], kind))
            reactions.append(
                {
                    "id": ins.id(),
                    "post_id": post["id"],
                    "person_id": me.pk,
                    "kind": kind,
                    "story": "",
                    "created_at": when(),
                    "updated_at": now,
                }
            )
        ins.insert(Reaction, reactions)
        threads, participants, messages = [], [], []
        for other in rng.sample(connected, min(len(connected), 300)):
            thread = {
                "id": ins.id(),
                "started_by_id": other,
                "created_at": now,
                "last_message_at": now,
            }
            threads.append(thread)
            for person in (me.pk, other):
                participants.append(
                    {
                        "id": ins.id(),
                        "thread_id": thread["id"],
                        "person_id": person,
                        "joined_at": now,
                    }
                )
        start = now - timedelta(days=120)
        for _ in range(n["message"]):
            thread = rng.choice(threads)
            start += timedelta(seconds=120 * 86400 / n["message"])
            sender = me.pk if rng.random() < 0.45 else thread["started_by_id"]
            messages.append(
                {
                    "id": ins.id(),
                    "thread_id": thread["id"],
                    "sender_id": sender,
                    "body": "hi",
                    "body_html": "<p>hi</p>",
                    "created_at": start,
                }
            )
        ins.insert(MessageThread, threads)
        ins.insert(Participant, participants)
        ins.insert(Message, messages)
        ins.insert(
            Invitation,
            [
                {
                    "id": ins.id(),
                    "sender_id": o,
                    "recipient_id": me.pk,
                    "how_known": "other",
                    "status": rng.choice(["declined", "accepted", "withdrawn"]),
                    "created_at": when(),
                }
                for o in ids[-200:]
            ],
        )
        ins.insert(
            FeedEntry,
            [
                {
                    "id": ins.id(),
                    "owner_id": me.pk,
                    "post_id": p["id"],
                    "author_id": p["author_id"],
                    "reason": "follow",
                    "sort_key": p["id"],
                    "created_at": p["created_at"],
                }
                for p in rng.sample(theirs, min(len(theirs), n["feed"]))
            ],
        )
    counts = {
        "replies to my posts": len(replies_in),
        "my replies back": len(backs),
        "my replies to others": len(outs),
        "reposts of mine": len(reposts),
        "quotes of mine": len(quotes),
        "reactions (both ways)": len(reactions),
        "direct messages": len(messages),
        "feed entries": min(len(theirs), n["feed"]),
    }
    total = sum(counts.values())
    print(
        f"generated {total:,} interactions of @me "
        f"({', '.join(f'{k} {v:,}' for k, v in counts.items())}) "
        f"among {people_count:,} people in {time.perf_counter() - started:.1f} s"
    )
    return me


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kith-insights-bench-") as var_dir:
        setup_django(var_dir)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from kith.insights.metrics import insights_for

        me = build(args.interactions, args.people, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        with CaptureQueriesContext(connection) as queries:
            result = insights_for(me)  # warm-up
        samples, cpu = [], []
        for _ in range(args.runs):
            began, began_cpu = time.perf_counter(), time.process_time()
            insights_for(me)
            samples.append((time.perf_counter() - began) * 1000)
            cpu.append((time.process_time() - began_cpu) * 1000)
        print(
            f"insights_for(@me), all metrics, 90 days: median {statistics.median(samples):.0f} ms,"
            f" best {min(samples):.0f} ms, worst {max(samples):.0f} ms "
            f"(runs={args.runs}, {len(queries)} queries)"
        )
        # The process's CPU time (SQLite runs in it) counts less of what other processes do
        # on a busy machine than the wall clock.
        print(
            f"CPU time of the same calls: median {statistics.median(cpu):.0f} ms, "
            f"best {min(cpu):.0f} ms"
        )
        print("headline:", result["headline"])
        print("load:", os.getloadavg())
        print("command:", " ".join([os.path.basename(sys.executable), *sys.argv]))


if __name__ == "__main__":
    main()
