"""Periodic jobs: a registry, and a loop that enqueues each due job once per period.

Register a task in your app's `tasks.py` (the loop imports every app's `tasks` module):

    @periodic("mutes-expire", every=timedelta(hours=1))
    @task()
    def expire_mutes() -> None: ...

Time is cut into periods of `every` counted from the Unix epoch (a daily job's period starts at
midnight UTC). Every `kith worker` (and `kith run`) runs `scheduler_loop`; for each job it
tries `UPDATE ... SET period = current WHERE name = ... AND period < current` and enqueues the
task only when that UPDATE changed a row, so several workers on SQLite or PostgreSQL enqueue a
job exactly once per period. A period missed while no worker ran is not made up: the job runs
once, in the next tick. The task takes no arguments and must be idempotent.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django_tasks.base import Task

from kith.core.models import PeriodicJobRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    every: timedelta
    task: Task


REGISTRY: dict[str, PeriodicJob] = {}


def periodic(name: str, *, every: timedelta):
    """Register the task below to be enqueued once every `every` under the unique `name`."""
    if every < timedelta(seconds=1):
        raise ValueError("A periodic job runs at most once a second.")

    def register(task: Task) -> Task:
        if not isinstance(task, Task):
            raise TypeError(f"@periodic({name!r}) goes above @task().")
        known = REGISTRY.get(name)
        if known is not None and known.task.module_path != task.module_path:
            raise ValueError(f"Two periodic jobs are named {name!r}.")
        REGISTRY[name] = PeriodicJob(name=name, every=every, task=task)
        return task

    return register


def period_of(moment: datetime, every: timedelta) -> int:
    """Return the number of the period of length `every` that `moment` falls in."""
    return int(moment.timestamp() // every.total_seconds())


def load_jobs() -> dict[str, PeriodicJob]:
    """Import every installed app's `tasks` module (where jobs register); return the registry."""
    autodiscover_modules("tasks")
    return REGISTRY


def enqueue_due(*, now: datetime | None = None, jobs: list[PeriodicJob] | None = None) -> list[str]:
    """Enqueue every job whose current period nobody has claimed yet; return their names."""
    now = now or timezone.now()
    jobs = list(load_jobs().values()) if jobs is None else jobs
    if not jobs:
        return []
    PeriodicJobRun.objects.bulk_create(
        [PeriodicJobRun(name=job.name) for job in jobs], ignore_conflicts=True
    )
    enqueued = []
    for job in jobs:
        current = period_of(now, job.every)
        # The claim and (on the database backend) the task row commit together.
        with transaction.atomic():
            claimed = PeriodicJobRun.objects.filter(name=job.name, period__lt=current).update(
                period=current, enqueued_at=now
            )
            if claimed:
                result = job.task.enqueue()
                PeriodicJobRun.objects.filter(name=job.name).update(task_result_id=result.id)
                enqueued.append(job.name)
    return enqueued


def scheduler_loop(*, interval: float, stop: threading.Event) -> None:
    """Enqueue due jobs every `interval` seconds until `stop` is set."""
    while not stop.is_set():
        try:
            for name in enqueue_due():
                logger.info("Enqueued periodic job %s", name)
        except Exception:
            logger.exception("The periodic scheduler failed; trying again next tick")
        finally:
            close_old_connections()
        stop.wait(interval)


def start_scheduler(interval: float) -> threading.Event:
    """Run `scheduler_loop` in a daemon thread; return the event that stops it."""
    stop = threading.Event()
    thread = threading.Thread(
        target=scheduler_loop,
        kwargs={"interval": interval, "stop": stop},
        name="kith-scheduler",
        daemon=True,
    )
    thread.start()
    return stop
