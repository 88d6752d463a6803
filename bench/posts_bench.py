"""Benchmark conversations (issue 4): publishing a post, and rendering a 1,000-reply thread.

In a throwaway SQLite database (a temporary KITH_VAR_DIR) it:

1. publishes --posts posts through `actions.post_publish` (Markdown, a #tag, an @mention
   and a link each; fan-out excluded: there is none yet) and prints p50/p99 ms;
2. builds a thread of --replies replies by --people people (a tree: each reply answers the
   first post or an earlier public reply at most four deep; one in ten for connections
   only), then times, in-process, `thread_for` alone, `thread_for` + the API serialiser,
   and the whole thing encoded with orjson, as a stranger (who sees the public replies) and
   as the thread's author;
3. unless --no-http, starts `kith serve` on a free 127.0.0.1 port against the same database
   and times `GET /api/kith/v1/posts/<root>/context` one request at a time (httpx, keep-alive).

Usage:  .venv/bin/python bench/posts_bench.py [--posts 500] [--replies 1000] [--runs 30]
No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
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


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def report(name: str, samples_ms: list[float]) -> dict:
    p50, p99 = percentile(samples_ms, 50), percentile(samples_ms, 99)
    print(f"{name:<58} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   (n={len(samples_ms)})")
    return {"name": name, "p50_ms": p50, "p99_ms": p99, "n": len(samples_ms)}


def make_people(count: int):
    from kith.people import actions as people

    return [
        people.person_create(
            handle=f"p{i}",
            display_name=f"Person {i}",
            email=f"p{i}@example.org",
            password="bench-password-123",
            confirmed=True,
        )
        for i in range(count)
    ]


def bench_publish(author, mentioned, count: int) -> dict:
    from kith.conversations import actions

    for i in range(5):  # warm-up: imports, prepared statements
        actions.post_publish(author=author, body=f"warm-up {i} https://example.org/w{i} #w")
    samples = []
    for i in range(count):
        body = (
            f"Post {i}: glazing *notes* for the kiln, see https://example.org/glaze/{i} "
            f"#pottery #kiln{i % 7} thanks @{mentioned.handle}"
        )
        start = time.perf_counter()
        actions.post_publish(author=author, body=body)
        samples.append((time.perf_counter() - start) * 1000)
    return report("publish a post (post_publish, fan-out excluded)", samples)


def build_thread(author, people, replies: int, seed: int):
    from kith.conversations import actions
    from kith.relationships.actions.connections import connection_create

    rng = random.Random(seed)
    for person in people[: len(people) // 2]:
        connection_create(person=author, other=person, how_met="in_person")
    root = actions.post_publish(author=author, body="What is your best kiln tip? #kiln")
    shallow = [root]
    started = time.perf_counter()
    for i in range(replies):
        parent = rng.choice(shallow)
        visibility = "connections" if i % 10 == 0 else "public"
        reply = actions.post_reply(
            author=rng.choice(people),
            to=parent,
            body=f"Reply {i}: fire it *slowly* #kiln",
            visibility=visibility,
        )
        if reply.depth < 4 and visibility == "public":
            shallow.append(reply)
    print(f"built a thread of {replies:,} replies in {time.perf_counter() - started:.1f} s")
    return root


def bench_thread(viewer, root, runs: int, label: str) -> list[dict]:
    import orjson

    from kith.api.post_serializers import JSON_OPTIONS, thread_data
    from kith.conversations.access import access_post, thread_for

    post = access_post(viewer, root.pk, include_deleted=True)
    thread_only, serialised, encoded = [], [], []
    size = rows = 0
    for _ in range(runs):
        start = time.perf_counter()
        thread = thread_for(viewer, post)
        mid = time.perf_counter()
        data = thread_data(viewer, thread)
        done = time.perf_counter()
        payload = orjson.dumps(data, option=JSON_OPTIONS)
        end = time.perf_counter()
        thread_only.append((mid - start) * 1000)
        serialised.append((done - start) * 1000)
        encoded.append((end - start) * 1000)
        size, rows = len(payload), len(data["rows"])
    print(f"  {label}: {rows:,} rows, {size / 1024:.0f} KiB of JSON")
    return [
        report(f"thread_for, {label}", thread_only),
        report(f"thread_for + serialise, {label}", serialised),
        report(f"thread_for + serialise + orjson, {label}", encoded),
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def bench_http(var_dir: str, root_id: int, runs: int) -> list[dict]:
    import httpx

    port = free_port()
    env = {**os.environ, "KITH_VAR_DIR": var_dir}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    script = Path(sys.executable).parent / "kith"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "kith"]
    log = open(Path(var_dir) / "serve.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [*command, "serve", "--host", HOST, "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    results = []
    try:
        base = f"http://{HOST}:{port}"
        with httpx.Client(base_url=base, trust_env=False, timeout=30.0) as client:
            deadline = time.monotonic() + 60
            while True:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("kith serve did not start; see serve.log")
                with contextlib.suppress(httpx.HTTPError):
                    if client.get("/healthz").status_code == 200:
                        break
                time.sleep(0.2)
            path = f"/api/kith/v1/posts/{root_id}/context"
            for _ in range(3):  # warm-up
                client.get(path).raise_for_status()
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                response = client.get(path)
                samples.append((time.perf_counter() - start) * 1000)
                response.raise_for_status()
            results.append(
                report("GET /api/kith/v1/posts/<root>/context over HTTP, anonymous", samples)
            )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500, help="posts to publish (timed)")
    parser.add_argument("--replies", type=int, default=1000, help="replies in the thread")
    parser.add_argument("--people", type=int, default=40, help="people who reply")
    parser.add_argument("--runs", type=int, default=30, help="timed renders of the thread")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-http", action="store_true", help="skip the `kith serve` part")
    args = parser.parse_args()
    print(f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="kith-posts-bench-") as var_dir:
        setup_django(var_dir)
        author, mentioned, stranger, *people = make_people(args.people + 3)
        bench_publish(author, mentioned, args.posts)
        root = build_thread(author, people, args.replies, args.seed)
        bench_thread(stranger, root, args.runs, "as a stranger (public replies)")
        bench_thread(author, root, args.runs, "as the thread's author")
        if not args.no_http:
            from django.db import connections

            connections.close_all()
            bench_http(var_dir, root.pk, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
