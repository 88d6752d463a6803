"""Dump every insights figure of the bench's network, to compare two versions byte for byte.

A change meant to make insights faster must leave its numbers as they are. This builds the
network of `insights_bench.py` (100,000 interactions by default) in --var (kept, so that two
versions read the same database), optionally with --perturb: blocks both ways, deactivated
and unconfirmed people, posts made followers-only, connections-only or mentioned-only,
deleted posts, unfollows, dropped connections, accepted answers both ways, and reposts and
quotes after the window's end, exactly at it, and both at once. Then it writes
`insights_for` for 30, 90 and 365 days (interactions export included) and a `--since`
window, all ending at a fixed moment, as sorted JSON.

Usage (the database is built by the first run, read by the second):
  .venv/bin/python bench/insights_compare.py --var /tmp/ins --perturb --out new.json
  PYTHONPATH=/path/to/main/src .venv/bin/python bench/insights_compare.py --var /tmp/ins \\
      --out old.json
  cmp old.json new.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from datetime import UTC, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

UNTIL = datetime(2026, 11, 28, 12, 0, 0, 123456, tzinfo=UTC)


def perturb(me, seed: int) -> None:
    from django.db import transaction

    from kith.conversations.models import Post
    from kith.people.models import Person
    from kith.relationships.models import Block, Connection, Follow

    rng = random.Random(seed)
    with transaction.atomic():
        others = rng.sample(list(Person.objects.exclude(pk=me.pk).values_list("pk", flat=True)), 60)
        Block.objects.bulk_create(
            [Block(blocker=me, blocked_id=o) for o in others[:20]]
            + [Block(blocker_id=o, blocked=me) for o in others[20:40]]
        )
        Person.objects.filter(pk__in=others[40:55]).update(is_active=False)
        Person.objects.filter(pk__in=others[55:60]).update(email_confirmed_at=None)
        posts = list(Post.objects.values_list("pk", flat=True))
        rng.shuffle(posts)
        for i, visibility in enumerate(("followers", "connections", "mentioned")):
            Post.objects.filter(pk__in=posts[i * 6000 : (i + 1) * 6000]).update(
                visibility=visibility
            )
        Post.objects.filter(pk__in=posts[18000:22000]).update(
            deleted_at=UTC_NOW - timedelta(days=8)
        )
        replies = list(
            Post.objects.filter(in_reply_to__isnull=False, deleted_at__isnull=True).values_list(
                "pk", "in_reply_to_id", "author_id"
            )
        )
        theirs = [r for r in replies if r[2] != me.pk]
        mine = [r for r in replies if r[2] == me.pk]
        for answer, question, _ in rng.sample(theirs, 1500) + rng.sample(mine, 1500):
            Post.objects.filter(pk=question).update(kind="question", accepted_answer_id=answer)
            Post.objects.filter(pk=answer).update(kind="answer")
        Follow.objects.filter(
            pk__in=list(Follow.objects.filter(follower=me).values_list("pk", flat=True)[:100])
        ).delete()
        Connection.objects.filter(
            pk__in=list(Connection.objects.values_list("pk", flat=True)[:100])
        ).delete()
        my_posts = list(
            Post.objects.filter(
                author=me, in_reply_to__isnull=True, repost_of__isnull=True
            ).values_list("pk", flat=True)
        )
        their_posts = list(
            Post.objects.exclude(author=me)
            .filter(in_reply_to__isnull=True, repost_of__isnull=True)
            .values_list("pk", flat=True)[:500]
        )
        people = [o for o in others[:5]] + list(
            Person.objects.exclude(pk=me.pk).values_list("pk", flat=True)[:200]
        )
        shared = set(
            Post.objects.filter(repost_of__isnull=False).values_list("author_id", "repost_of_id")
        )

        def repost_pair() -> tuple[int, int]:
            while True:  # one repost of a post per person
                pair = (rng.choice(people), rng.choice(my_posts))
                if pair not in shared:
                    shared.add(pair)
                    return pair

        extra = []
        for _ in range(200):
            author, original = repost_pair()
            extra.append(
                Post(author_id=author, repost_of_id=original, created_at=UNTIL + timedelta(days=3))
            )
            for moment in (UNTIL, UNTIL + timedelta(microseconds=1)):
                extra.append(
                    Post(
                        author_id=rng.choice(people),
                        body="q",
                        quote_of_id=rng.choice(my_posts),
                        created_at=moment,
                    )
                )
            author, original = repost_pair()
            extra.append(
                Post(
                    author_id=author,
                    body="both",
                    repost_of_id=original,
                    quote_of_id=rng.choice(their_posts),
                    created_at=UNTIL - timedelta(days=18),
                )
            )
        for post in extra:
            post.thread_root_id = None
        created = Post.objects.bulk_create(extra)
        for post in created:
            Post.objects.filter(pk=post.pk).update(thread_root_id=post.pk)


UTC_NOW = datetime.now(UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--var", required=True, help="a folder for the database (kept)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--perturb", action="store_true")
    parser.add_argument("--interactions", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    import insights_bench

    os.makedirs(args.var, exist_ok=True)
    fresh = not os.path.exists(os.path.join(args.var, "kith.sqlite3"))
    insights_bench.setup_django(args.var)
    from django.db import connection

    from kith.insights.metrics import insights_for
    from kith.people.models import Person

    if fresh:
        me = insights_bench.build(args.interactions, args.people, args.seed)
        if args.perturb:
            perturb(me, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    me = Person.objects.get(handle="me")
    result = {}
    for days in (30, 90, 365):
        result[f"{days} days"] = insights_for(me, until=UNTIL, days=days, with_interactions=True)
    result["since"] = insights_for(me, since=UNTIL - timedelta(days=88, hours=5), until=UNTIL)
    with open(args.out, "w") as out:
        json.dump(result, out, sort_keys=True, default=str)
    print(f"wrote {args.out} from {insights_for.__module__} ({sys.modules['kith'].__path__[0]})")


if __name__ == "__main__":
    main()
