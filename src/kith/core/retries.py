"""Retries with exponential backoff for tasks (django-tasks has none of its own).

    @task()
    @retried(attempts=5, backoff=timedelta(seconds=30))
    def send_email(...): ...

When the function raises one of `on` (transient errors: a dropped connection, a timeout, an
SMTP server going away), the same task is enqueued again with the same arguments and
`run_after = now + backoff * 2 ** (attempt - 1)`, and this attempt fails with `RetryScheduled`
(so it shows in the admin as a retried failure). The last attempt fails with the error itself.
Any other error fails at once. The attempt number travels in the `_attempt` keyword argument.
A retried task runs its body again from the start, so it must be idempotent.
"""

from __future__ import annotations

import functools
import smtplib
from datetime import timedelta

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task


class TransientError(Exception):
    """Raise from a task for a failure worth trying again later."""


class RetryScheduled(Exception):
    """This attempt failed with a transient error; the next attempt is enqueued."""


TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionError,
    TimeoutError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
)


def backoff_delay(attempt: int, backoff: timedelta) -> timedelta:
    """Return how long to wait after failed attempt number `attempt` (1-based)."""
    return backoff * 2 ** (attempt - 1)


def retried(
    *,
    attempts: int = 5,
    backoff: timedelta = timedelta(seconds=30),
    on: tuple[type[BaseException], ...] = TRANSIENT_ERRORS,
):
    """Retry the task function below (put it under `@task()`) on a transient error."""
    if attempts < 1:
        raise ValueError("A task makes at least one attempt.")

    def decorate(func):
        path = f"{func.__module__}.{func.__qualname__}"

        @functools.wraps(func)
        def wrapper(*args, _attempt: int = 1, **kwargs):
            try:
                return func(*args, **kwargs)
            except on as error:
                if _attempt >= attempts:
                    raise
                delay = backoff_delay(_attempt, backoff)
                _enqueue_again(
                    import_string(path), delay, args, {**kwargs, "_attempt": _attempt + 1}
                )
                raise RetryScheduled(
                    f"Attempt {_attempt} of {attempts} failed ({type(error).__name__}: {error}); "
                    f"attempt {_attempt + 1} is due in {delay}."
                ) from error

        wrapper.retry_attempts = attempts
        return wrapper

    return decorate


def _enqueue_again(task: Task, delay: timedelta, args: tuple, kwargs: dict) -> None:
    # A backend that cannot defer (the inline one) tries again at once.
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(*args, **kwargs)
