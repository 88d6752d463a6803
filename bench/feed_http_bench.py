"""Home feed over HTTP (issue 6): `GET /api/kith/v1/feed` (token) and the home page `/` (session),
20 entries, logged in, driven by `wrk` against several server set-ups.

In a throwaway SQLite `KITH_VAR_DIR` it builds one reader's feed (`feeds_bench.build_feed`:
--entries posts by 50 people, questions, replies, helpful marks), makes an access token and
a session for the reader, then for each set-up (--setups) starts the server on a free
127.0.0.1 port, checks both URLs answer 200 with 20 items, and runs
`wrk -t1 -c<concurrency> -d<duration>` with a small Lua script (the Authorization or Cookie
header; p50/p90/p99 from wrk's latency histogram) after a short warm-up. It prints
requests/s, percentiles, errors and the server's CPU, then stops the server.

Set-ups:
- run:        `kith serve --workers 1`: one uvicorn process, views on the a2wsgi thread
              pool: what `kith run` / `make run` serves.
- uvicorn-N:  `kith serve --workers N` (N uvicorn processes, each as above): docs/deploy.md.
- granian-N:  `granian --interface wsgi --workers N kith.wsgi:application` (needs granian).
- gunicorn-N: `gunicorn -w N kith.wsgi:application` (sync workers; needs gunicorn).

Usage:  .venv/bin/python bench/feed_http_bench.py [--setups run,uvicorn-2] [--duration 5]
Everything is on 127.0.0.1. No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
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

import feeds_bench

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

LUA = """
local header_name, header_value = os.getenv("BENCH_HEADER_NAME"), os.getenv("BENCH_HEADER_VALUE")
wrk.headers[header_name] = header_value
local non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %d, \\"seconds\\": %f, \\"p50\\": %f, \\"p90\\": %f, "
    .. "\\"p99\\": %f, \\"max\\": %f, \\"socket_errors\\": %d, \\"status_errors\\": %d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
"""


def server_command(setup: str, port: int) -> list[str]:
    name, _, count = setup.partition("-")
    workers = count or "1"
    bind = ["--host", HOST, "--port", str(port)]
    if name == "run":
        return [str(BIN / "kith"), "serve", *bind, "--workers", "1"]
    if name == "uvicorn":
        return [str(BIN / "kith"), "serve", *bind, "--workers", workers]
    if name == "granian":
        return [str(BIN / "granian"), "--interface", "wsgi", "--workers", workers,
                "--blocking-threads", "1", "--no-ws", "--log-level", "warning",
                *bind, "kith.wsgi:application"]  # fmt: skip
    if name == "gunicorn":
        return [str(BIN / "gunicorn"), "-w", workers, "-b", f"{HOST}:{port}",
                "--log-level", "warning", "kith.wsgi:application"]  # fmt: skip
    raise SystemExit(f"unknown set-up {setup!r}")


def children_cpu(pid: int) -> float:
    """CPU seconds of `pid` and all its descendants (workers)."""
    total = 0.0
    todo = [pid]
    while todo:
        current = todo.pop()
        with contextlib.suppress(OSError):
            total += feeds_bench.cpu_seconds(current)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as found:
                    todo.extend(int(x) for x in found.read().split())
    return total


def wait_for(proc, port: int) -> None:
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the server did not start; see its log")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=2) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.2)


def check(port: int, path: str, header: tuple[str, str]) -> None:
    request = urllib.request.Request(f"http://{HOST}:{port}{path}", headers=dict([header]))
    with urllib.request.urlopen(request, timeout=60) as answer:  # a first request warms up
        body = answer.read()
    if path.startswith("/api/"):
        count = len(json.loads(body))
    else:
        count = body.count(b'data-testid="feed-item"')
    if count != 20:
        raise RuntimeError(f"{path} showed {count} items, not 20")


def wrk(port: int, path: str, header, seconds: float, concurrency: int, script: Path) -> dict:
    env = {**os.environ, "BENCH_HEADER_NAME": header[0], "BENCH_HEADER_VALUE": header[1]}
    command = ["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "-s", str(script),
               f"http://{HOST}:{port}{path}"]  # fmt: skip
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT ") :])
    result["command"] = " ".join(command)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--setups", default="run,uvicorn-2")
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--paths", default="api,home")
    parser.add_argument(
        "--lock", default="", help="hold this flock file while measuring (not while building)"
    )
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for the server")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("needs wrk (apt-get install wrk)")
    print(
        f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, load {os.getloadavg()[0]:.2f}, "
        f"{os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="kith-feed-http-") as var_dir:
        feeds_bench.setup_django(var_dir)
        from django.conf import settings
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django.core.management import call_command
        from django.db import connections

        from kith.people.actions import access_token_create

        call_command("migrate", interactive=False, verbosity=0)
        reader = feeds_bench.build_feed(args.entries, args.seed)
        _, token = access_token_create(person=reader, name="bench")
        session = SessionStore()
        session[SESSION_KEY] = str(reader.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = reader.get_session_auth_hash()
        session.save()
        connections.close_all()
        script = Path(var_dir) / "bench.lua"
        script.write_text(LUA)
        cases = {
            "api": ("/api/kith/v1/feed?limit=20", ("Authorization", f"Bearer {token}")),
            "home": ("/", ("Cookie", f"{settings.SESSION_COOKIE_NAME}={session.session_key}")),
        }
        env = {**os.environ, "KITH_VAR_DIR": var_dir, "KITH_TASK_BACKEND": "immediate"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.update(dict(item.split("=", 1) for item in args.env))
        print(f"server environment: {' '.join(args.env) or '(defaults)'}")
        lock = open(args.lock) if args.lock else None  # noqa: SIM115 - closed below
        if lock is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
            print(f"holding {args.lock}; load {os.getloadavg()[0]:.2f}")
        for setup in args.setups.split(","):
            port = feeds_bench.free_port()
            command = server_command(setup, port)
            log = open(Path(var_dir) / f"{setup}.log", "w")  # noqa: SIM115 - closed below
            proc = subprocess.Popen(
                command, env={**env, "DJANGO_SETTINGS_MODULE": "kith.settings"}, cwd=ROOT,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
            try:
                wait_for(proc, port)
                print(f"{setup}: {' '.join(command)}")
                for key in args.paths.split(","):
                    path, header = cases[key]
                    check(port, path, header)
                    wrk(port, path, header, args.warmup, args.concurrency, script)
                    cpu_before, wall_before = children_cpu(proc.pid), time.perf_counter()
                    found = wrk(port, path, header, args.duration, args.concurrency, script)
                    cpu = (children_cpu(proc.pid) - cpu_before) / (
                        time.perf_counter() - wall_before
                    )
                    rate = found["requests"] / found["seconds"]
                    print(
                        f"  {path:<24} {rate:7.0f} req/s"
                        f"  p50 {found['p50']:6.2f} ms  p90 {found['p90']:6.2f} ms"
                        f"  p99 {found['p99']:6.2f} ms  errors {found['socket_errors']}"
                        f"+{found['status_errors']}  server CPU {cpu * 100:.0f}%"
                        f" ({cpu * 1000 / rate:.2f} ms a request)"
                        f"  load {os.getloadavg()[0]:.2f}"
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
