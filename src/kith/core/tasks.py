"""Background tasks shared by every app: thin, idempotent, enqueued on commit."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django_tasks import default_task_backend, task

from kith.core.retries import retried
from kith.core.schedule import periodic


@task()
@retried(attempts=6, backoff=timedelta(seconds=30))
def send_email(
    *, to: list[str], subject: str, body: str, attachments: list[list[str]] | None = None
) -> None:
    """Send one plain-text email, with (filename, content, mimetype) attachments.

    A dropped or refused SMTP connection is retried with backoff (30 s … 16 min).
    """
    message = EmailMessage(subject=subject, body=body, to=to)
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()


def enqueue_email_on_commit(
    *, to: list[str], subject: str, body: str, attachments: list[list[str]] | None = None
) -> None:
    """Send an email once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(
        lambda: send_email.enqueue(to=to, subject=subject, body=body, attachments=attachments)
    )


def enqueue_later_on_commit(task_function, *, run_after: datetime, **kwargs) -> None:
    """Run a task at `run_after` once the transaction commits, where the backend can wait.

    The inline backend of the tests cannot defer; code that relies on a deferred task also
    has a sweep (e.g. `kith expire`) so nothing depends on the deferral alone.
    """
    if not default_task_backend.supports_defer:
        return
    transaction.on_commit(lambda: task_function.using(run_after=run_after).enqueue(**kwargs))


TASK_RESULTS_KEPT = timedelta(days=14)
FAILED_TASK_RESULTS_KEPT = timedelta(days=90)


@periodic("task-results-prune", every=timedelta(days=1))
@task()
def prune_task_results() -> int:
    """Delete old finished results of the database queue; return how many.

    Successes go after 14 days, failures after 90 (staff read them in the admin).
    """
    from django.db.models import Q
    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    deleted, _ = (
        DBTaskResult.objects.finished()
        .filter(
            Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - TASK_RESULTS_KEPT)
            | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - FAILED_TASK_RESULTS_KEPT)
        )
        .delete()
    )
    return deleted
