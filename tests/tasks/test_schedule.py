"""The periodic registry, the period arithmetic, and one claim per period under contention."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kith.core import schedule
from kith.core.models import PeriodicJobRun
from kith.relationships.tasks import expire_due_intro_calls
from tests.tasks.jobs import always_fails

HOUR = timedelta(hours=1)


def test_the_real_jobs_are_registered():
    jobs = schedule.load_jobs()
    assert {"intro-calls-expire", "mutes-expire", "media-drafts-delete-stale"} <= set(jobs)
    assert jobs["intro-calls-expire"].task is expire_due_intro_calls


def test_periodic_goes_above_task_and_names_are_unique():
    with pytest.raises(TypeError):
        schedule.periodic("not-a-task", every=HOUR)(lambda: None)
    with pytest.raises(ValueError):
        schedule.periodic("intro-calls-expire", every=HOUR)(always_fails)
    with pytest.raises(ValueError):
        schedule.periodic("too-often", every=timedelta(milliseconds=10))


@pytest.mark.parametrize(
    ("moment", "every", "period"),
    [
        (datetime(1970, 1, 1, 0, 59, tzinfo=UTC), HOUR, 0),
        (datetime(1970, 1, 1, 1, 0, tzinfo=UTC), HOUR, 1),
        (datetime(1970, 1, 2, 23, 59, tzinfo=UTC), timedelta(days=1), 1),
        (datetime(2026, 11, 28, 0, 0, tzinfo=UTC), timedelta(days=1), 20_785),
    ],
)
def test_period_of(moment, every, period):
    assert schedule.period_of(moment, every) == period


def test_a_period_is_claimed_once_and_the_next_one_again(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    job = schedule.PeriodicJob(name="test-hourly", every=HOUR, task=always_fails)
    start = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
    runs = [
        schedule.enqueue_due(now=start + timedelta(minutes=minute), jobs=[job])
        for minute in range(0, 180, 20)
    ]
    assert runs == [["test-hourly"], [], [], ["test-hourly"], [], [], ["test-hourly"], [], []]
    row = PeriodicJobRun.objects.get(name="test-hourly")
    assert row.period == schedule.period_of(start + timedelta(hours=2), HOUR)
    assert row.task_result_id


@pytest.mark.django_db(transaction=True)
def test_several_workers_at_once_enqueue_a_job_once(settings):
    """Eight threads, each with its own database connection, race for the same period."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        # In-memory SQLite shares one cache between threads; the claim is then exercised by
        # the sequential test above, and for real concurrency by `make test-postgres`.
        pytest.skip("needs a database file or PostgreSQL for concurrent connections")
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = schedule.PeriodicJob(name="test-race", every=HOUR, task=always_fails)
    now = timezone.now()
    barrier = threading.Barrier(8)
    claimed: list[list[str]] = []
    errors: list[BaseException] = []

    def worker():
        from django.db import connections

        try:
            barrier.wait()
            claimed.append(schedule.enqueue_due(now=now, jobs=[job]))
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(claimed) == [[]] * 7 + [["test-race"]]

    assert DBTaskResult.objects.filter(task_path=always_fails.module_path).count() == 1


CLAIM_SCRIPT = """
import json, sys, time
from datetime import UTC, datetime
import django
django.setup()
from kith.core.schedule import enqueue_due
start = float(sys.argv[1])
while time.time() < start:
    time.sleep(0.005)
print(json.dumps(enqueue_due(now=datetime.fromtimestamp(start, UTC))))
"""


def test_several_worker_processes_on_one_sqlite_file_enqueue_each_job_once(tmp_path):
    """Four processes run the scheduler tick at the same moment against one database file."""
    import json
    import os
    import sqlite3
    import subprocess
    import sys
    import time

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kith.settings",
        "KITH_VAR_DIR": str(tmp_path),
        "KITH_TASK_BACKEND": "database",
        "KITH_REDIS_URL": "",
        "DATABASE_URL": "",
        "KITH_TEST_DATABASE_URL": "",
    }
    subprocess.run([sys.executable, "-m", "kith", "migrate"], env=env, check=True)
    start = time.time() + 3
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", CLAIM_SCRIPT, str(start)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [json.loads(process.communicate(timeout=120)[0]) for process in processes]
    assert all(process.returncode == 0 for process in processes)
    names = [name for output in outputs for name in output]
    expected = {"intro-calls-expire", "mutes-expire", "media-drafts-delete-stale"}
    assert expected <= set(names) and len(names) == len(set(names))
    with sqlite3.connect(tmp_path / "kith.sqlite3") as db:
        table = DBTaskResult._meta.db_table
        paths = [row[0] for row in db.execute(f"SELECT task_path FROM {table}")]
    assert sorted(paths) == sorted(schedule.load_jobs()[name].task.module_path for name in names)
