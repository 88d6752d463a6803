"""HTTP benchmark: the profile page and the person API under uvicorn (issue 2, DESIGN.md §7).

Builds a throwaway demo network in a temporary KITH_VAR_DIR, starts the server on a free
loopback port, and drives a bounded keep-alive load (asyncio + httpx, fixed concurrency, fixed
duration after a warm-up, hard cap on requests) against `/@<handle>` and
`GET /api/kith/v1/people/<handle>`. By default it measures both server variants:

- kith:        `kith serve` (kith.asgi: the WSGI app on a fixed a2wsgi thread pool), what
               `kith run` serves;
- django-asgi: uvicorn serving Django's own ASGI handler (bench/django_asgi.py), which runs
               each sync view on a fresh thread and so opens a DB connection per request.

Usage:  .venv/bin/python bench/http_bench.py [--duration 10] [--app both] [--json out.json]
Everything listens on and talks to 127.0.0.1 only. No timing is asserted: it only reports.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import itertools
import json
import math
import os
import platform
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

HOST = "127.0.0.1"
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VARIANTS = ("kith", "django-asgi")
ENDPOINTS = {
    "profile": "/@{handle}",
    "api": "/api/kith/v1/people/{handle}",
}
# Variables that would point the server away from the throwaway SQLite database or change
# what is measured; the benchmark always runs on a fresh SQLite demo network.
SCRUBBED_ENV = ("DATABASE_URL", "KITH_TEST_DATABASE_URL", "KITH_REDIS_URL", "KITH_DEBUG")


@dataclass
class Result:
    variant: str
    endpoint: str
    path: str
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_pct: float | None
    loadgen_cpu_pct: float
    other_cpu_pct: float | None
    statuses: dict[str, int] = field(default_factory=dict)
    exceptions: dict[str, int] = field(default_factory=dict)


# --- Helpers --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile of an ascending list (0.0 when empty)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of `pid` from /proc (None where /proc is unavailable)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def machine_busy_seconds() -> float | None:
    """CPU seconds all CPUs spent busy since boot, from /proc/stat (None without /proc)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, IndexError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def kith_command() -> list[str]:
    script = Path(sys.executable).parent / "kith"
    return [str(script)] if script.exists() else [sys.executable, "-m", "kith"]


def server_command(variant: str, port: int) -> list[str]:
    if variant == "kith":
        return [*kith_command(), "serve", "--host", HOST, "--port", str(port)]
    app = "django_asgi:application" if variant == "django-asgi" else variant
    return [
        sys.executable, "-m", "uvicorn", app, "--app-dir", str(BENCH_DIR),
        "--host", HOST, "--port", str(port), "--lifespan", "off",
        "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def reproduce_command(args: argparse.Namespace) -> str:
    parts = [
        ".venv/bin/python", "bench/http_bench.py",
        "--duration", f"{args.duration:g}", "--warmup", f"{args.warmup:g}",
        "--concurrency", str(args.concurrency), "--max-requests", str(args.max_requests),
        "--people", str(args.people), "--seed", str(args.seed),
        "--threads", str(args.threads), "--app", args.app,
    ]  # fmt: skip
    if args.json:
        parts += ["--json", str(args.json)]
    return "cd " + shlex.quote(str(ROOT)) + " && " + shlex.join(parts)


# --- The server -----------------------------------------------------------------------------


def prepare_database(env: dict[str, str], people: int, seed: int) -> None:
    for step in (["migrate"], ["demo", "--people", str(people), "--seed", str(seed)]):
        started = time.perf_counter()
        done = subprocess.run(
            [*kith_command(), *step], env=env, cwd=ROOT, capture_output=True, text=True,
            timeout=900, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"`kith {' '.join(step)}` failed with exit code {done.returncode}")
        print(f"  kith {' '.join(step)}: {time.perf_counter() - started:.1f} s")


def wait_until_healthy(proc: subprocess.Popen, base_url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base_url, trust_env=False, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with code {proc.returncode} before answering")
            with contextlib.suppress(httpx.HTTPError):
                if client.get("/healthz").status_code == 200:
                    return
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer /healthz within {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def log_tail(path: Path, lines: int = 30) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    return ""


# --- The load generator ---------------------------------------------------------------------


async def run_phase(
    client: httpx.AsyncClient, paths: list[str], concurrency: int, seconds: float, cap: int
) -> tuple[float, list[float], Counter, Counter]:
    """Keep `concurrency` requests in flight for `seconds` (at most `cap` requests in all)."""
    latencies: list[float] = []
    statuses: Counter = Counter()
    exceptions: Counter = Counter()
    numbers = itertools.count()
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while True:
            n = next(numbers)
            if n >= cap or time.perf_counter() >= deadline:
                return
            started = time.perf_counter()
            try:
                response = await client.get(paths[n % len(paths)])
            except httpx.HTTPError as exc:
                exceptions[type(exc).__name__] += 1
                continue
            latencies.append(time.perf_counter() - started)
            statuses[response.status_code] += 1

    started = time.perf_counter()
    # The per-request timeout bounds each request; this bounds the phase even if one hangs.
    await asyncio.wait_for(
        asyncio.gather(*(worker() for _ in range(concurrency))), timeout=seconds + 60
    )
    return time.perf_counter() - started, latencies, statuses, exceptions


async def measure_endpoint(
    base_url: str, variant: str, endpoint: str, handles: list[str], server_pid: int,
    args: argparse.Namespace,
) -> Result:  # fmt: skip
    template = ENDPOINTS[endpoint]
    paths = [template.format(handle=h) for h in handles]
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    async with httpx.AsyncClient(
        base_url=base_url, limits=limits, timeout=10.0, trust_env=False
    ) as client:
        if args.warmup > 0:
            await run_phase(client, paths, args.concurrency, args.warmup, args.max_requests)
        server_cpu_before = process_cpu_seconds(server_pid)
        own_cpu_before = time.process_time()
        busy_before = machine_busy_seconds()
        elapsed, latencies, statuses, exceptions = await run_phase(
            client, paths, args.concurrency, args.duration, args.max_requests
        )
        own_cpu = time.process_time() - own_cpu_before
        server_cpu_after = process_cpu_seconds(server_pid)
        busy_after = machine_busy_seconds()
    latencies.sort()
    completed = len(latencies)
    errors = sum(c for s, c in statuses.items() if s != 200) + sum(exceptions.values())
    server_cpu = (
        None
        if server_cpu_before is None or server_cpu_after is None
        else round(100 * (server_cpu_after - server_cpu_before) / elapsed, 1)
    )
    other_cpu = None
    if server_cpu is not None and busy_before is not None and busy_after is not None:
        # Everything else the machine did meanwhile: other processes, the kernel's share.
        other = (busy_after - busy_before) - own_cpu - (server_cpu_after - server_cpu_before)
        other_cpu = round(max(0.0, 100 * other / elapsed), 1)
    return Result(
        variant=variant,
        endpoint=endpoint,
        path=template,
        seconds=round(elapsed, 3),
        requests=completed,
        errors=errors,
        rps=round(completed / elapsed, 1) if elapsed else 0.0,
        p50_ms=round(1000 * percentile(latencies, 50), 2),
        p90_ms=round(1000 * percentile(latencies, 90), 2),
        p99_ms=round(1000 * percentile(latencies, 99), 2),
        max_ms=round(1000 * (latencies[-1] if latencies else 0.0), 2),
        server_cpu_pct=server_cpu,
        loadgen_cpu_pct=round(100 * own_cpu / elapsed, 1),
        other_cpu_pct=other_cpu,
        statuses={str(s): c for s, c in sorted(statuses.items())},
        exceptions=dict(exceptions),
    )


def fetch_handles(base_url: str) -> list[str]:
    with httpx.Client(base_url=base_url, trust_env=False, timeout=10.0) as client:
        response = client.get("/api/kith/v1/people", params={"limit": 100})
        response.raise_for_status()
        handles = [person["handle"] for person in response.json()]
    if not handles:
        raise RuntimeError("/api/kith/v1/people returned nobody: is the demo network loaded?")
    return handles


def bench_variant(variant: str, env: dict[str, str], var_dir: Path, args) -> list[Result]:
    port = free_port()
    base_url = f"http://{HOST}:{port}"
    log_path = var_dir / f"server-{variant.replace(':', '_')}.log"
    command = server_command(variant, port)
    print(f"\n[{variant}] {shlex.join(command)}")
    results: list[Result] = []
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        try:
            wait_until_healthy(proc, base_url)
            handles = fetch_handles(base_url)
            print(f"  server pid {proc.pid} on {base_url}; rotating over {len(handles)} handles")
            for endpoint in ENDPOINTS:
                result = asyncio.run(
                    measure_endpoint(base_url, variant, endpoint, handles, proc.pid, args)
                )
                print(format_row(result))
                results.append(result)
        except Exception:
            tail = log_tail(log_path)
            if tail:
                print(f"--- last lines of the {variant} server log ---\n{tail}", file=sys.stderr)
            raise
        finally:
            stop(proc)
    if any(r.errors for r in results):
        print(f"--- {variant} server log (errors occurred) ---\n{log_tail(log_path)}")
    return results


# --- Reporting ------------------------------------------------------------------------------

HEADER = (
    f"  {'variant':<12} {'endpoint':<8} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}"
    f" {'errors':>7} {'requests':>9} {'srv cpu':>8} {'gen cpu':>8} {'other':>6}"
)


def format_row(r: Result) -> str:
    server_cpu = "-" if r.server_cpu_pct is None else f"{r.server_cpu_pct:.0f}%"
    other_cpu = "-" if r.other_cpu_pct is None else f"{r.other_cpu_pct:.0f}%"
    return (
        f"  {r.variant:<12} {r.endpoint:<8} {r.rps:>8.1f} {r.p50_ms:>8.2f} {r.p90_ms:>8.2f}"
        f" {r.p99_ms:>8.2f} {r.errors:>7} {r.requests:>9} {server_cpu:>8}"
        f" {r.loadgen_cpu_pct:>7.0f}% {other_cpu:>6}"
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the profile page and the person API on a throwaway demo network."
    )
    parser.add_argument(
        "--duration", type=float, default=10.0, help="measured seconds per endpoint"
    )
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each")
    parser.add_argument("--concurrency", type=int, default=16, help="requests kept in flight")
    parser.add_argument(
        "--max-requests", type=int, default=100_000, help="hard cap on requests per phase"
    )
    parser.add_argument("--people", type=int, default=300, help="size of the demo network")
    parser.add_argument("--seed", type=int, default=7, help="demo network seed")
    parser.add_argument(
        "--threads", type=int, default=8, help="KITH_THREADS: a2wsgi pool size (kith variant)"
    )
    parser.add_argument(
        "--app",
        default="both",
        help="server variant: kith (kith serve), django-asgi (Django's ASGI handler under "
        "uvicorn), both (default), or a module:attribute ASGI app importable from bench/",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)
    if args.app not in (*VARIANTS, "both") and ":" not in args.app:
        parser.error("--app must be kith, django-asgi, both, or module:attribute")
    if args.duration <= 0 or args.concurrency < 1 or args.max_requests < 1 or args.people < 1:
        parser.error("--duration, --concurrency, --max-requests and --people must be positive")
    return args


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally blocks: server, temp dir


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    variants = list(VARIANTS) if args.app == "both" else [args.app]
    started_at = dt.datetime.now(dt.UTC)
    info = machine()
    print(
        f"Kith HTTP benchmark, {started_at:%Y-%m-%d %H:%M} UTC, {info['cpus']} CPUs"
        f" ({info['cpu_model'] or 'unknown CPU'}), Python {info['python']};"
        " the load generator shares the CPUs with the server."
    )
    load_1min = info["load_average_at_start"][0]
    if load_1min > 0.5:
        print(
            f"Note: the 1-minute load average is {load_1min:.2f}. Other work on this machine"
            " lowers the figures: check the 'other' CPU column, which should stay near 0%."
        )
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="kith-bench-") as tmp:
        var_dir = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(
            KITH_VAR_DIR=str(var_dir),
            KITH_THREADS=str(args.threads),
            KITH_EMAIL_BACKEND="locmem",
            DJANGO_SETTINGS_MODULE="kith.settings",
            PYTHONUNBUFFERED="1",
        )
        print(f"Demo network of {args.people} people (seed {args.seed}) in {var_dir}")
        prepare_database(env, args.people, args.seed)
        for variant in variants:
            results += bench_variant(variant, env, var_dir, args)

    print(
        f"\nResults: concurrency {args.concurrency}, {args.duration:g} s per endpoint after a"
        f" {args.warmup:g} s warm-up, KITH_THREADS={args.threads} (kith variant only)"
    )
    print(HEADER)
    for result in results:
        print(format_row(result))
    total_errors = sum(r.errors for r in results)
    if total_errors:
        print(f"\n{total_errors} requests failed (non-200 or connection error); see above.")
    print(f"\nReproduce with:\n  {reproduce_command(args)}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "date": started_at.isoformat(timespec="seconds"),
            "command": reproduce_command(args),
            "machine": info,
            "settings": {
                "duration": args.duration,
                "warmup": args.warmup,
                "concurrency": args.concurrency,
                "max_requests": args.max_requests,
                "people": args.people,
                "seed": args.seed,
                "threads": args.threads,
                "app": args.app,
            },
            "results": [asdict(r) for r in results],
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"Results written to {args.json}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
