"""Import generated X archives (10,000 and 50,000 tweets by default): time and peak memory.

    .venv/bin/python bench/archives_bench.py [--tweets 10000 50000]

Each size is imported in a fresh process on a throwaway SQLite database (`KITH_VAR_DIR` in a
temporary folder): wall time of `archive_import` (read, stage, write, figures), the growth of
the process's peak resident memory during the import (`ru_maxrss`), and in a second fresh
process the peak of Python allocations under tracemalloc (slower, so not timed). Memory that
stays flat from 10,000 to 50,000 tweets shows the import streams. Prints figures only; no
assertion on time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def child(path: Path, tracing: bool) -> dict:
    """Import the archive at `path` into a fresh database; return the figures measured."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kith.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from kith.archives.actions import archive_import
    from kith.people.actions import person_create

    owner = person_create(
        handle="bench", display_name="Bench", email="bench@example.com", password="x" * 12
    )
    if tracing:
        import tracemalloc

        tracemalloc.start()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    archive, _ = archive_import(owner=owner, network="x", path=path)
    elapsed = time.perf_counter() - started
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {
        "seconds": elapsed,
        "rss_before_mb": rss_before / 1024,
        "rss_peak_mb": rss_after / 1024,
        "posts": archive.figures["posts"] + archive.figures["replies"] + archive.figures["reposts"],
    }
    if tracing:
        result["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    return result


def run_child(path: Path, tracing: bool) -> dict:
    with tempfile.TemporaryDirectory(prefix="kith-archives-bench-") as var:
        env = {**os.environ, "KITH_VAR_DIR": var, "KITH_LOG_LEVEL": "WARNING"}
        for name in ("DATABASE_URL", "KITH_REDIS_URL", "KITH_DEBUG"):
            env.pop(name, None)
        command = [sys.executable, __file__, "--child", str(path)]
        if tracing:
            command.append("--trace")
        output = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tweets", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.trace)))
        return
    sys.path.insert(0, str(ROOT / "src"))
    from kith.archives.samples import large_x_zip

    print(f"load before: {os.getloadavg()[0]:.2f} (1 min)")
    print(
        f"{'tweets':>8} {'zip MB':>7} {'json MB':>8} {'import s':>9} {'tweets/s':>9} "
        f"{'RSS before':>10} {'RSS peak':>9} {'growth':>7} {'tracemalloc peak':>17}"
    )
    with tempfile.TemporaryDirectory(prefix="kith-archives-zip-") as folder:
        for count in args.tweets:
            path = large_x_zip(Path(folder) / f"x-{count}.zip", tweets=count)
            import zipfile

            with zipfile.ZipFile(path) as archive:
                unpacked = sum(i.file_size for i in archive.infolist())
            timed = run_child(path, tracing=False)
            traced = run_child(path, tracing=True)
            assert timed["posts"] == count, timed
            growth = timed["rss_peak_mb"] - timed["rss_before_mb"]
            print(
                f"{count:>8,} {path.stat().st_size / 1e6:>7.1f} {unpacked / 1e6:>8.1f} "
                f"{timed['seconds']:>9.2f} {count / timed['seconds']:>9,.0f} "
                f"{timed['rss_before_mb']:>8.0f}MB {timed['rss_peak_mb']:>7.0f}MB "
                f"{growth:>5.0f}MB {traced['tracemalloc_peak_mb']:>15.1f}MB"
            )
            path.unlink()
    print(f"load after: {os.getloadavg()[0]:.2f} (1 min)")
    print(
        "command: .venv/bin/python bench/archives_bench.py --tweets "
        + " ".join(map(str, args.tweets))
    )


if __name__ == "__main__":
    main()
