"""Mastodon API over HTTP (issue 8): `GET /api/v1/timelines/home` (20 statuses with accounts,
media and counts, OAuth token) and `POST /api/v1/statuses`, driven by `wrk` against the
documented server set-up (granian WSGI workers, docs/deploy.md).

It reuses `feed_http_bench` (server set-ups, wrk runner, CPU accounting) and
`feeds_bench.build_feed` (one reader's feed of --entries posts by 50 people, helpful marks,
replies), gives a third of the posts an image, makes an OAuth access token (an application
and a token with `read write`, as /oauth/token issues them) and measures each set-up.

Usage:  .venv/bin/python bench/mastodon_bench.py [--setups granian-2] [--duration 5]
        [--lock /work/wt/cpu.lock]
Everything is on 127.0.0.1. No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import feed_http_bench
import feeds_bench

HOST = feed_http_bench.HOST
ROOT = feed_http_bench.ROOT

POST_LUA = feed_http_bench.LUA.replace(
    "wrk.headers[header_name] = header_value",
    'wrk.headers[header_name] = header_value\nwrk.method = "POST"\n'
    'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
    'wrk.body = "status=Benchmarking%20the%20Mastodon%20API%20%23kith&visibility=public"',
)


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def add_media(reader) -> int:
    """Give a third of the posts in `reader`'s feed an image (through the actions)."""
    from kith.conversations.actions import attach_media, media_upload
    from kith.conversations.models import Post
    from kith.feeds.models import FeedEntry

    post_ids = FeedEntry.objects.filter(owner=reader).values_list("post_id", flat=True)
    data, count = png(), 0
    for post in Post.objects.filter(pk__in=post_ids, repost_of__isnull=True).order_by("-id")[::3]:
        media = media_upload(owner=post.author, data=data, alt_text="A blue box")
        attach_media(post=post, by=post.author, media_ids=[media.pk])
        count += 1
    return count


def oauth_token(person) -> str:
    """An access token for `person` as /oauth/token issues it (scopes read write)."""
    import secrets
    from datetime import timedelta

    from django.utils import timezone
    from oauth2_provider.models import AccessToken, Application

    app = Application.objects.create(
        name="bench",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="urn:ietf:wg:oauth:2.0:oob",
    )
    token = secrets.token_urlsafe(32)
    AccessToken.objects.create(
        user=person,
        application=app,
        token=token,
        scope="read write",
        expires=timezone.now() + timedelta(days=1),
    )
    return token


def check_home(port: int, path: str, header) -> dict:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=dict([header]))
    with urllib.request.urlopen(request, timeout=10) as answer:
        statuses = json.loads(answer.read())
    if len(statuses) != 20:
        raise RuntimeError(f"{path} showed {len(statuses)} statuses, not 20")
    shown = [s["reblog"] or s for s in statuses]
    return {
        "media": sum(1 for s in shown if s["media_attachments"]),
        "favourites": sum(s["favourites_count"] for s in shown),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default="granian-2")
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--post-duration", type=float, default=3.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--post-concurrency", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--lock", default="", help="hold this flock file while measuring")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install wrk)")
    print(
        f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.2f}, "
        f"{os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="kith-mastodon-") as var_dir:
        feeds_bench.setup_django(var_dir)
        from django.core.management import call_command
        from django.db import connections

        call_command("migrate", interactive=False, verbosity=0)
        reader = feeds_bench.build_feed(args.entries, args.seed)
        with_media = add_media(reader)
        token = oauth_token(reader)
        connections.close_all()
        header = ("Authorization", f"Bearer {token}")
        get_script = Path(var_dir) / "get.lua"
        get_script.write_text(feed_http_bench.LUA)
        post_script = Path(var_dir) / "post.lua"
        post_script.write_text(POST_LUA)
        # The per-token rate limit (300 requests / 5 min) would answer 429 within a second.
        env = {
            **os.environ,
            "KITH_VAR_DIR": var_dir,
            "KITH_TASK_BACKEND": "immediate",
            "KITH_MASTODON_RATE_LIMIT": "0",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(dict(item.split("=", 1) for item in args.env))
        print(f"feed: {args.entries} entries, {with_media} posts with an image; OAuth token")
        lock = open(args.lock) if args.lock else None  # noqa: SIM115 - closed below
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
            print(f"holding {args.lock}; load {os.getloadavg()[0]:.2f}")
        home = "/api/v1/timelines/home"
        for setup in args.setups.split(","):
            port = feeds_bench.free_port()
            command = feed_http_bench.server_command(setup, port)
            log = open(Path(var_dir) / f"{setup}.log", "w")  # noqa: SIM115 - closed below
            proc = subprocess.Popen(
                command, env={**env, "DJANGO_SETTINGS_MODULE": "kith.settings"}, cwd=ROOT,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            try:
                feed_http_bench.wait_for(proc, port)
                print(f"{setup}: {' '.join(command)}")
                shown = check_home(port, home, header)
                print(f"  home shows 20 statuses: {shown}")
                runs = [
                    ("GET " + home, home, get_script, args.duration, args.concurrency),
                    ("POST /api/v1/statuses", "/api/v1/statuses", post_script,
                     args.post_duration, args.post_concurrency),
                ]  # fmt: skip
                for name, path, script, seconds, concurrency in runs:
                    feed_http_bench.wrk(port, path, header, args.warmup, concurrency, script)
                    cpu_before = feed_http_bench.children_cpu(proc.pid)
                    wall_before = time.perf_counter()
                    found = feed_http_bench.wrk(port, path, header, seconds, concurrency, script)
                    cpu = (feed_http_bench.children_cpu(proc.pid) - cpu_before) / (
                        time.perf_counter() - wall_before
                    )
                    print(
                        f"  {name:<32} {found['requests'] / found['seconds']:7.0f} req/s"
                        f"  p50 {found['p50']:6.2f} ms  p90 {found['p90']:6.2f} ms"
                        f"  p99 {found['p99']:6.2f} ms  errors {found['socket_errors']}"
                        f"+{found['status_errors']}  server CPU {cpu * 100:.0f}%"
                        f"  load {os.getloadavg()[0]:.2f}  (-c{concurrency})"
                    )
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, 15)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, 9)
                    proc.wait(timeout=10)
                log.close()
        if lock is not None:
            lock.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
