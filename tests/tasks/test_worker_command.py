"""`kith worker` runs the worker of the configured backend, with the periodic scheduler."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time

import pytest

JOBS = {"intro-calls-expire", "mutes-expire", "media-drafts-delete-stale"}


def _env(tmp_path, **extra):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kith.settings",
        "KITH_VAR_DIR": str(tmp_path),
        "KITH_TASK_BACKEND": "",
        "KITH_REDIS_URL": "",
        "DATABASE_URL": "",
        "KITH_TEST_DATABASE_URL": "",
        "KITH_SCHEDULER_SECONDS": "1",
        **extra,
    }


def _run_worker_until(env, tmp_path, done) -> None:
    subprocess.run([sys.executable, "-m", "kith", "migrate"], env=env, check=True)
    worker = subprocess.Popen(
        [sys.executable, "-m", "kith", "worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):  # a generous bound for a loaded machine, not a speed check
            with sqlite3.connect(tmp_path / "kith.sqlite3") as db:
                if done(db):
                    return
            assert worker.poll() is None, "kith worker exited"
            time.sleep(0.1)
        pytest.fail("the worker did not run the periodic jobs within 60 s")
    finally:
        worker.terminate()
        worker.wait(timeout=20)


def _claimed(db) -> dict[str, str]:
    """Return the task result id of each periodic job enqueued so far."""
    rows = db.execute("SELECT name, task_result_id FROM core_periodicjobrun")
    return {name: result_id for name, result_id in rows if result_id}


def test_on_the_database_backend(tmp_path):
    def done(db):
        claimed = _claimed(db)
        if not set(claimed) >= JOBS:
            return False
        rows = db.execute(
            "SELECT status FROM django_tasks_database_dbtaskresult WHERE replace(id, '-', '') IN "
            f"({','.join('?' * len(JOBS))})",
            [claimed[name].replace("-", "") for name in JOBS],
        ).fetchall()
        return len(rows) == len(JOBS) and all(status == "SUCCESSFUL" for (status,) in rows)

    _run_worker_until(_env(tmp_path), tmp_path, done)


def test_on_rq_when_a_redis_url_is_set(tmp_path, redis_url):
    import redis
    from rq.job import Job, JobStatus

    url = redis_url.rsplit("/", 1)[0] + "/1"
    client = redis.Redis.from_url(url)
    client.flushdb()

    def done(db):
        claimed = _claimed(db)
        if not set(claimed) >= JOBS:
            return False
        for name in JOBS:
            job = Job.fetch(claimed[name], connection=client)
            if job.get_status() != JobStatus.FINISHED:
                return False
        return True

    try:
        _run_worker_until(_env(tmp_path, KITH_REDIS_URL=url), tmp_path, done)
    finally:
        client.flushdb()
        client.close()
