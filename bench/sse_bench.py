"""Live-stream benchmark: N concurrent SSE connections held by ONE uvicorn process, then an
event published to all of them; reports the time from publishing to the last delivery.

It creates N people with access tokens in a throwaway SQLite database (KITH_VAR_DIR in a
temporary folder), starts one server process serving kith.asgi (plus a bench-only
`/_bench/publish` route that calls the broker, as a view or task would via kith.live), opens N
streams (one per person, each authenticated with its own bearer token, so each connection
costs a real token look-up) from a single asyncio client process, then publishes R events,
each to all N people, waiting for every stream to receive one before the next.

Usage:  .venv/bin/python bench/sse_bench.py [--connections 1000] [--rounds 5]
                                            [--broker inprocess|database|redis|all]
Everything listens on and talks to 127.0.0.1 only. No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
SCRUBBED_ENV = ("DATABASE_URL", "KITH_TEST_DATABASE_URL", "KITH_REDIS_URL", "KITH_DEBUG")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# --- The server process ------------------------------------------------------------------------


def serve(port: int) -> None:
    """Serve kith.asgi plus the bench trigger on `port` (runs in the server subprocess)."""
    import uvicorn

    from kith.asgi import application

    async def app(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/_bench/publish":
            from kith.live.broker import get_broker

            body = b""
            while True:
                message = await receive()
                body += message.get("body", b"")
                if not message.get("more_body"):
                    break
            request = json.loads(body)
            ids = [int(i) for i in request["to"]]
            data = json.dumps({"round": request["round"]})
            started = time.perf_counter()
            await asyncio.to_thread(get_broker().publish, ids, "bench", data)
            took = time.perf_counter() - started
            answer = json.dumps({"s": took}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(answer)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": answer})
            return
        await application(scope, receive, send)

    uvicorn.run(app, host=HOST, port=port, lifespan="off", log_level="warning", access_log=False)


# --- Set-up ------------------------------------------------------------------------------------


def make_people(count: int) -> list[tuple[int, str]]:
    """Create `count` people with one access token each; return (person id, token)."""
    import secrets

    from django.core.management import call_command

    from kith.people.actions.tokens import TOKEN_PREFIX, token_digest
    from kith.people.models import AccessToken, Person

    call_command("migrate", interactive=False, verbosity=0)
    people = Person.objects.bulk_create(
        [
            Person(
                handle=f"sse{n}",
                display_name=f"Stream {n}",
                email=f"sse{n}@example.org",
                password="!",  # unusable: these people only use tokens
            )
            for n in range(count)
        ]
    )
    tokens = [TOKEN_PREFIX + secrets.token_urlsafe(32) for _ in people]
    AccessToken.objects.bulk_create(
        [
            AccessToken(person=p, name="bench", digest=token_digest(t), prefix=t[:12])
            for p, t in zip(people, tokens, strict=True)
        ]
    )
    return [(p.pk, t) for p, t in zip(people, tokens, strict=True)]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_redis() -> tuple[subprocess.Popen, str, str]:
    program = shutil.which("redis-server")
    if program is None:
        raise SystemExit("--broker redis needs redis-server (apt-get install redis-server)")
    port = free_port()
    folder = tempfile.mkdtemp(prefix="kith-bench-redis-")
    proc = subprocess.Popen(
        [program, "--port", str(port), "--bind", HOST, "--save", "", "--dir", folder],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://{HOST}:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.2):
            return proc, url, folder
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("redis-server did not start")


# --- The client --------------------------------------------------------------------------------


class Conn:
    def __init__(self, token: str) -> None:
        self.token = token
        self.received: dict[int, float] = {}
        self.reader = self.writer = None
        self.arrived: asyncio.Event = asyncio.Event()

    async def open(self, port: int) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, port)
        self.writer.write(
            (
                f"GET /live/events HTTP/1.1\r\nHost: {HOST}\r\nAccept: text/event-stream\r\n"
                f"Authorization: Bearer {self.token}\r\n\r\n"
            ).encode()
        )
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace"))
        while b"connected" not in await self.reader.readuntil(b"\n\n"):
            pass

    async def read(self) -> None:
        while True:
            chunk = await self.reader.readuntil(b"\n\n")
            now = time.perf_counter()
            if b"event: bench" in chunk:
                for line in chunk.split(b"\n"):
                    if line.startswith(b"data: "):
                        self.received[json.loads(line[6:])["round"]] = now
                        self.arrived.set()


async def post_json(port: int, path: str, payload: dict) -> dict:
    reader, writer = await asyncio.open_connection(HOST, port)
    body = json.dumps(payload).encode()
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    await writer.drain()
    raw = await reader.read()
    writer.close()
    return json.loads(raw.split(b"\r\n\r\n", 1)[1])


async def drive(port: int, people: list[tuple[int, str]], rounds: int, server_pid: int) -> dict:
    conns = [Conn(token) for _, token in people]
    started = time.perf_counter()
    opened = 0
    for batch in range(0, len(conns), 100):  # open in batches, as reconnecting browsers would
        await asyncio.gather(*(c.open(port) for c in conns[batch : batch + 100]))
        opened += len(conns[batch : batch + 100])
    connect_seconds = time.perf_counter() - started
    readers = [asyncio.ensure_future(c.read()) for c in conns]
    rss = rss_mb(server_pid)
    ids = [pid for pid, _ in people]
    latencies, publish_call = [], []
    for round_ in range(rounds):
        for c in conns:
            c.arrived.clear()
        sent_at = time.perf_counter()
        answer = await post_json(port, "/_bench/publish", {"to": ids, "round": round_})
        publish_call.append(answer.get("s", 0.0))
        await asyncio.wait_for(asyncio.gather(*(c.arrived.wait() for c in conns)), timeout=60)
        arrivals = sorted(c.received[round_] - sent_at for c in conns)
        latencies.append(
            {"last": arrivals[-1], "p50": arrivals[len(arrivals) // 2], "first": arrivals[0]}
        )
        await asyncio.sleep(0.2)
    for task in readers:
        task.cancel()
    for c in conns:
        c.writer.close()
    return {
        "connections": opened,
        "connect_seconds": round(connect_seconds, 3),
        "server_rss_mb_with_connections": round(rss, 1),
        "rounds": [{k: round(v * 1000, 1) for k, v in r.items()} for r in latencies],
        "last_delivery_ms_worst": round(max(r["last"] for r in latencies) * 1000, 1),
        "last_delivery_ms_median": round(statistics.median(r["last"] for r in latencies) * 1000, 1),
        "broker_publish_ms_median": round(statistics.median(publish_call) * 1000, 1),
    }


def run_one(broker: str, people: list[tuple[int, str]], rounds: int, env: dict) -> dict:
    env = dict(env)
    env["KITH_LIVE_BROKER"] = {"inprocess": "memory", "database": "database", "redis": "redis"}[
        broker
    ]
    redis = None
    if broker == "redis":
        redis = start_redis()
        env["KITH_REDIS_URL"] = redis[1]
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--serve", str(port)], env=env
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError), socket.create_connection((HOST, port), 0.2):
                break
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start")
            time.sleep(0.1)
        try:
            import uvloop

            runner = uvloop.run
        except ImportError:
            runner = asyncio.run
        result = runner(drive(port, people, rounds, server.pid))
        return {"broker": broker, **result}
    finally:
        server.terminate()
        server.wait(timeout=20)
        if redis is not None:
            redis[0].terminate()
            redis[0].wait(timeout=10)
            shutil.rmtree(redis[2], ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--broker", choices=("inprocess", "database", "redis", "all"), default="all"
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
        serve(args.serve)
        return 0
    var_dir = tempfile.mkdtemp(prefix="kith-sse-bench-")
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env.update(KITH_VAR_DIR=var_dir, DJANGO_SETTINGS_MODULE="kith.settings")
    os.environ.update(KITH_VAR_DIR=var_dir, DJANGO_SETTINGS_MODULE="kith.settings")
    for name in SCRUBBED_ENV:
        os.environ.pop(name, None)
    import django

    django.setup()
    people = make_people(args.connections)
    brokers = ["inprocess", "database", "redis"] if args.broker == "all" else [args.broker]
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "results": [run_one(b, people, args.rounds, env) for b in brokers],
    }
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    shutil.rmtree(var_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
