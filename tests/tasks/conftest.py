"""Task backends for the task suite: the database queue and RQ on a real redis-server.

`backend` is parametrised over both; each test enqueues through django-tasks as the app does,
then runs the queue in-process (django-tasks-db's worker in batch mode, an RQ SimpleWorker
in burst mode) with `backend.run()`.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from django_tasks.signals import task_enqueued

REDIS_SERVER = shutil.which("redis-server")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url():
    """Start a throwaway redis-server on a free loopback port; stop it after the session."""
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    import redis

    port = _free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None:
                    pytest.fail(f"redis-server exited with {process.returncode}")
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer within 10 s")
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Backend:
    """One task backend configured as the default, with a way to run its queue here."""

    name: str
    enqueued: list = field(default_factory=list)

    def run(self) -> None:
        """Run every task that is due now, including those the tasks enqueue."""
        if self.name == "database":
            from unittest import mock

            from django_tasks_db.management.commands import db_worker

            # The worker closes connections it thinks stale; here the test's transaction is
            # the connection (on PostgreSQL closing it would end the test), so keep it.
            with mock.patch.object(db_worker, "close_old_connections", lambda: None):
                self._run_database_worker(db_worker.Worker)
        else:
            import django_rq
            from django_tasks_rq import Job
            from rq import SimpleWorker

            queue = django_rq.get_queue("default", job_class=Job)
            SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)

    @staticmethod
    def _run_database_worker(worker_class) -> None:
        worker_class(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    def release_deferred(self) -> int:
        """Make every deferred task due now (time passes); return how many."""
        if self.name == "database":
            from django_tasks.base import TaskResultStatus
            from django_tasks_db.models import DBTaskResult, get_date_max

            return (
                DBTaskResult.objects.filter(status=TaskResultStatus.READY)
                .exclude(run_after=get_date_max())
                .update(run_after=timezone.now())
            )
        import django_rq
        from django_tasks_rq import Job
        from rq.registry import ScheduledJobRegistry

        queue = django_rq.get_queue("default", job_class=Job)
        registry = ScheduledJobRegistry(queue=queue)
        ids = registry.get_job_ids()
        for job_id in ids:
            job = Job.fetch(job_id, connection=queue.connection)
            registry.remove(job)
            queue.enqueue_job(job)
        return len(ids)

    def result(self, task_result):
        """Return `task_result` as the backend stores it now."""
        return task_result.task.get_backend().get_result(task_result.id)


@pytest.fixture(params=["database", "rq"])
def backend(request, settings, db):
    """Make the parametrised backend the default one for the test."""
    if request.param == "rq":
        url = request.getfixturevalue("redis_url")
        import redis

        redis.Redis.from_url(url).flushdb()
        settings.RQ_QUEUES = {"default": {"URL": url}}
        settings.RQ = {"COMMIT_MODE": "auto"}
        settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    else:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    chosen = Backend(name=request.param)

    def remember(sender, task_result, **kwargs):
        chosen.enqueued.append(task_result)

    task_enqueued.connect(remember, weak=False)
    yield chosen
    task_enqueued.disconnect(remember)
