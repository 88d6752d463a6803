"""Tasks that exist only for the task suite: a job that fails, and one that fails for a while."""

from __future__ import annotations

from datetime import timedelta

from django.core.cache import cache
from django_tasks import task

from kith.core.retries import TransientError, retried


@task()
def always_fails() -> None:
    """Fail with a permanent error."""
    raise ValueError("This task always fails.")


@task()
@retried(attempts=3, backoff=timedelta(seconds=10))
def count_until_it_works(*, key: str, failures: int) -> int:
    """Fail transiently `failures` times (counted in the cache under `key`), then succeed."""
    calls = cache.get_or_set(key, 0)
    cache.set(key, calls + 1)
    if calls < failures:
        raise TransientError(f"Failure {calls + 1} of {failures}.")
    return calls + 1
