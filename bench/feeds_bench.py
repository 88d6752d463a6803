"""Feeds benchmark (issue 6): fan-out to 10,000 readers, Latest vs Conversations, and the
home feed over HTTP.

In a throwaway SQLite database (a temporary KITH_VAR_DIR) it:

1. makes --readers people who follow one author (rows written in bulk: this is set-up),
   then publishes posts and times `feeds.actions.fan_out_post` on each (plan: reasons and
   the access rule; write: INSERT … SELECT of FeedEntry rows, ON CONFLICT DO NOTHING);
2. gives one reader a feed of --entries entries from 50 authors (connections and
   follows, questions, replies, helpful marks) and times, in-process, a 20-entry page of
   `home_feed` in Latest and in Conversations mode, with and without the API serialiser:
   the ratio is the cost of ranking;
3. unless --no-http, starts `kith serve` on a free 127.0.0.1 port and drives
   `GET /api/kith/v1/feed` (token) and the home page `/` (session cookie) with a small raw-socket
   HTTP/1.1 keep-alive load generator (asyncio; --concurrency connections for --duration s
   after a warm-up), printing requests/s, p50/p99 and the CPU used by the server.

Usage:  .venv/bin/python bench/feeds_bench.py [--readers 10000] [--duration 10] [--no-http]
PostgreSQL: .venv/bin/python scripts/throwaway_postgres.py -- .venv/bin/python
        bench/feeds_bench.py --postgres --no-http (a throwaway cluster, fsync off)
Everything is on 127.0.0.1. No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def setup_django(var_dir: str, *, postgres: bool = False) -> None:
    os.environ["KITH_VAR_DIR"] = var_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "kith.settings"
    os.environ["KITH_TASK_BACKEND"] = "immediate"
    dropped = ["DATABASE_URL", "KITH_REDIS_URL", "KITH_DEBUG"]
    if not postgres:
        dropped.append("KITH_TEST_DATABASE_URL")
    elif not os.environ.get("KITH_TEST_DATABASE_URL"):
        sys.exit("--postgres needs KITH_TEST_DATABASE_URL: scripts/throwaway_postgres.py -- …")
    for name in dropped:
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def report(name: str, samples_ms: list[float]) -> float:
    p50, p99 = percentile(samples_ms, 50), percentile(samples_ms, 99)
    print(f"{name:<62} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   (n={len(samples_ms)})")
    return p50


def make_people(prefix: str, count: int):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from kith.people.models import Person

    password, now = make_password(None), timezone.now()
    # Confirmed addresses, as real accounts have (the Mastodon API refuses unconfirmed ones).
    people = [
        Person(handle=f"{prefix}{i}", display_name=f"{prefix.title()} {i}",
               email=f"{prefix}{i}@example.org", password=password, email_confirmed_at=now)
        for i in range(count)
    ]  # fmt: skip
    Person.objects.bulk_create(people, batch_size=2000)
    return list(Person.objects.filter(handle__startswith=prefix).order_by("id"))


# --- 1. Fan-out ---------------------------------------------------------------------------------


def bench_fan_out(readers: int, posts: int) -> None:
    from django.db import transaction

    from kith.conversations.models import Post
    from kith.feeds import fanout
    from kith.feeds.actions import fan_out_post
    from kith.feeds.models import FeedEntry
    from kith.relationships.models import Follow

    [author] = make_people("author", 1)
    people = make_people("reader", readers)
    Follow.objects.bulk_create(
        [Follow(follower=p, target_person=author) for p in people], batch_size=2000
    )
    from kith.conversations import actions

    publish = actions.post_publish
    totals, plans, writes = [], [], []
    for i in range(posts + 1):
        with transaction.atomic():  # the task's on-commit fan-out is timed separately below
            post = publish(author=author, body=f"Post {i} for everyone #kiln")
        post = Post.objects.select_related("author", "repost_of", "in_reply_to").get(pk=post.pk)
        FeedEntry.objects.filter(post=post).delete()  # the inline task already wrote them
        start = time.perf_counter()
        shown, chosen, extra = fanout.plan(post)
        mid = time.perf_counter()
        written = fanout.write(post, shown, chosen, extra)
        end = time.perf_counter()
        if i == 0:
            continue  # warm-up
        plans.append((mid - start) * 1000)
        writes.append((end - mid) * 1000)
        totals.append((end - start) * 1000)
    print(f"fan-out of one post to {written:,} readers ({readers:,} followers):")
    report("  plan (reasons, access rule, active readers)", plans)
    report("  write (INSERT … SELECT, ON CONFLICT DO NOTHING)", writes)
    p50 = report("  fan_out total", totals)
    print(f"  → {written / (p50 / 1000):,.0f} entries/s at p50")
    FeedEntry.objects.all().delete()
    # Also through the action, as the task runs it (idempotent: nothing new the second time).
    start = time.perf_counter()
    fan_out_post(post=post)
    print(
        f"  fan_out_post (the task's action), once: {(time.perf_counter() - start) * 1000:.1f} ms"
    )


# --- 2. Latest vs Conversations -----------------------------------------------------------------


def build_feed(entries: int, seed: int):
    from django.db import transaction

    from kith.conversations import actions
    from kith.relationships.actions.connections import connection_create
    from kith.relationships.models import Follow

    rng = random.Random(seed)
    [reader] = make_people("feedreader", 1)
    authors = make_people("writer", 50)
    for author in authors[:20]:
        connection_create(person=reader, other=author, how_met="in_person")
    Follow.objects.bulk_create([Follow(follower=reader, target_person=a) for a in authors[20:]])
    posts = []
    started = time.perf_counter()
    for i in range(entries):
        author = rng.choice(authors)
        with transaction.atomic():
            kind = "question" if i % 7 == 0 else "post"
            post = actions.post_publish(
                author=author, body=f"Post {i}: glaze *notes* #kiln{i % 5}", kind=kind
            )
        posts.append(post)
        if i % 5 == 0 and len(posts) > 3:
            target = rng.choice(posts[-20:])
            with contextlib.suppress(Exception):
                actions.post_reply(author=rng.choice(authors), to=target, body="Good point")
        if i % 9 == 0:
            with contextlib.suppress(Exception):
                actions.helpful_mark(person=rng.choice(authors), post=rng.choice(posts))
    print(
        f"built a feed of {entries:,} posts by 50 people in {time.perf_counter() - started:.1f} s"
    )
    return reader


def bench_modes(reader, runs: int) -> None:
    import orjson

    from kith.api.post_serializers import JSON_OPTIONS
    from kith.api.routes.feeds import _items_data
    from kith.feeds import selectors
    from kith.feeds.actions import feed_seen

    feed_seen(person=reader)
    results = {}
    for mode in selectors.MODES:
        for _ in range(5):
            selectors.home_feed(reader, mode=mode)
        read, full = [], []
        for _ in range(runs):
            start = time.perf_counter()
            page = selectors.home_feed(reader, mode=mode)
            mid = time.perf_counter()
            orjson.dumps(_items_data(reader, page), option=JSON_OPTIONS)
            end = time.perf_counter()
            read.append((mid - start) * 1000)
            full.append((end - start) * 1000)
        assert len(page.items) == 20, len(page.items)
        results[mode] = (
            report(f"home_feed {mode}, 20 entries", read),
            report(f"home_feed {mode} + API serialiser + orjson", full),
        )
    latest, ranked = results["latest"], results["conversations"]
    print(
        f"  Conversations / Latest cost: {ranked[0] / latest[0]:.2f}× (feed read), "
        f"{ranked[1] / latest[1]:.2f}× (with serialising)"
    )


# --- 3. HTTP ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


async def _connection(port, request: bytes, deadline: float, latencies: list, errors: list):
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            status = head[9:12]
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
            if status != b"200":
                errors.append(status)
            latencies.append(time.perf_counter() - started)
    finally:
        writer.close()


async def drive(port: int, request: bytes, concurrency: int, seconds: float):
    latencies: list[float] = []
    errors: list = []
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(_connection(port, request, deadline, latencies, errors) for _ in range(concurrency))
    )
    return time.perf_counter() - started, latencies, errors


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def bench_http(var_dir: str, reader, args) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from kith.people.actions import access_token_create

    _, token = access_token_create(person=reader, name="bench")
    session = SessionStore()
    session[SESSION_KEY] = str(reader.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
    session.save()
    connections.close_all()
    port = free_port()
    env = {**os.environ, "KITH_VAR_DIR": var_dir}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = Path(sys.executable).parent / "kith"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kith"]
    log = open(Path(var_dir) / "serve.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [*command, "serve", "--host", HOST, "--port", str(port)],
        env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("kith serve did not start; see serve.log")
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
                break
            time.sleep(0.2)
        cases = {
            "GET /api/kith/v1/feed (latest, 20 entries, token)": (
                "/api/kith/v1/feed?limit=20", f"Authorization: Bearer {token}\r\n"),
            "GET /api/kith/v1/feed?mode=conversations (token)": (
                "/api/kith/v1/feed?mode=conversations&limit=20",
                f"Authorization: Bearer {token}\r\n",
            ),
            "GET / (home page, Latest, session)": (
                "/", f"Cookie: {settings.SESSION_COOKIE_NAME}={session.session_key}\r\n"),
        }  # fmt: skip
        for name, (path, header) in cases.items():
            request = (
                f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n{header}"
                "Connection: keep-alive\r\n\r\n"
            ).encode()
            asyncio.run(drive(port, request, args.concurrency, args.warmup))
            cpu_before, wall_before = cpu_seconds(proc.pid), time.perf_counter()
            seconds, latencies, errors = asyncio.run(
                drive(port, request, args.concurrency, args.duration)
            )
            server_cpu = (cpu_seconds(proc.pid) - cpu_before) / (time.perf_counter() - wall_before)
            ms = [x * 1000 for x in latencies]
            print(
                f"{name:<48} {len(ms) / seconds:7.0f} req/s  p50 {percentile(ms, 50):6.2f} ms"
                f"  p99 {percentile(ms, 99):6.2f} ms  errors {len(errors)}"
                f"  server CPU {server_cpu * 100:.0f}%"
            )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=10, help="posts fanned out (timed)")
    parser.add_argument("--entries", type=int, default=600, help="posts in the reader's feed")
    parser.add_argument("--runs", type=int, default=200, help="timed feed reads per mode")
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="use the database of KITH_TEST_DATABASE_URL (scripts/throwaway_postgres.py -- …)",
    )
    args = parser.parse_args()
    print(
        f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.2f}, "
        f"{os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="kith-feeds-bench-") as var_dir:
        setup_django(var_dir, postgres=args.postgres)
        bench_fan_out(args.readers, args.posts)
        reader = build_feed(args.entries, args.seed)
        bench_modes(reader, args.runs)
        if not args.no_http:
            bench_http(var_dir, reader, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
