"""Where a home-feed request spends its time: cProfile of `GET /api/kith/v1/feed`, `GET /`
(20 entries, logged in) and Mastodon's `GET /api/v1/timelines/home` (`masto`: a third of the
posts with an image, an OAuth token, as bench/mastodon_bench.py) through Django's test
client, in-process, after a warm-up.

Builds the same throwaway feed as feed_http_bench.py (feeds_bench.build_feed), then runs
--runs requests of each under cProfile and prints the top functions by cumulative time,
the mean wall time per request and the number of queries per request.

Usage:  .venv/bin/python bench/feed_profile.py [--runs 200] [--top 30] [--paths api,home,masto]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import feeds_bench


def wsgi_cpu_ms(path: str, headers: dict, runs: int) -> float:
    """CPU time (this process) per request through `kith.wsgi.application`, as a WSGI server
    calls it (its middleware chain, signals and response), best of five rounds of `runs`."""
    import io

    from kith.wsgi import application

    route, _, query = path.partition("?")

    def call() -> None:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http", **headers,
        }  # fmt: skip
        body = application(environ, lambda status, headers, exc_info=None: None)
        b"".join(body)
        body.close()

    for _ in range(20):
        call()
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(runs):
            call()
        best = min(best, (time.process_time() - start) / runs * 1000)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=300)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--paths", default="api,home")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kith-feed-profile-") as var_dir:
        feeds_bench.setup_django(var_dir)
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from kith.people.actions import access_token_create

        call_command("migrate", interactive=False, verbosity=0)
        reader = feeds_bench.build_feed(args.entries, args.seed)
        _, token = access_token_create(person=reader, name="bench")
        masto_token = ""
        if "masto" in args.paths:
            import mastodon_bench

            settings.KITH_MASTODON_RATE_LIMIT = 0
            mastodon_bench.add_media(reader)
            masto_token = mastodon_bench.oauth_token(reader)
        api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
        home = Client()
        home.force_login(reader)
        masto = Client(HTTP_AUTHORIZATION=f"Bearer {masto_token}")
        cases = {
            "api": (api, "/api/kith/v1/feed?limit=20"),
            "home": (home, "/"),
            "masto": (masto, "/api/v1/timelines/home"),
        }
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={home.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        headers = {
            "api": {"HTTP_AUTHORIZATION": f"Bearer {token}"},
            "home": {"HTTP_COOKIE": cookie},
            "masto": {"HTTP_AUTHORIZATION": f"Bearer {masto_token}"},
        }
        for key in args.paths.split(","):
            client, path = cases[key]
            for _ in range(20):
                assert client.get(path).status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            start = time.perf_counter()
            for _ in range(args.runs):
                client.get(path)
            plain = (time.perf_counter() - start) / args.runs * 1000
            print(f"\n=== GET {path}: {plain:.2f} ms per request without the profiler ===")
            cpu = wsgi_cpu_ms(path, headers[key], args.runs)
            print(f"=== GET {path}: {cpu:.2f} ms of CPU per request through kith.wsgi "
                  "(process time, best of 5) ===")  # fmt: skip
            profile = cProfile.Profile()
            start = time.perf_counter()
            profile.enable()
            for _ in range(args.runs):
                client.get(path)
            profile.disable()
            wall = (time.perf_counter() - start) / args.runs * 1000
            print(f"\n=== GET {path}: {wall:.2f} ms per request (profiled), "
                  f"{len(queries)} queries ===")  # fmt: skip
            for query in queries.captured_queries:
                print("   ", query["sql"][:160])
            pstats.Stats(profile).sort_stats("cumulative").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
