"""The same task suite on the database queue and on RQ with a real redis-server.

Every test enqueues through django-tasks as the app does and runs the queue in-process.
"""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from kith.conversations.models import Media
from kith.core import schedule
from kith.core.models import PeriodicJobRun
from kith.core.retries import RetryScheduled
from kith.core.tasks import send_email
from kith.feeds.models import Notification
from kith.people.models import InvitationPolicy
from kith.relationships.actions import invitations as inv
from kith.relationships.actions.safety import mute_create
from kith.relationships.models import IntroCall, IntroCallStatus, InvitationStatus, Mute
from kith.relationships.tasks import expire_intro_call
from tests.conftest import make_person
from tests.tasks.conftest import Backend
from tests.tasks.flaky_mail import FlakyEmailBackend
from tests.tasks.jobs import always_fails, count_until_it_works

FLAKY = "tests.tasks.flaky_mail.FlakyEmailBackend"


def send(**extra):
    return send_email.enqueue(to=["ana@example.com"], subject="Hello", body="Hi Ana", **extra)


def test_an_email_task_waits_for_the_worker_then_sends_once(backend):
    result = send()
    assert mail.outbox == []
    backend.run()
    assert [m.subject for m in mail.outbox] == ["Hello"]
    assert backend.result(result).status == TaskResultStatus.SUCCESSFUL
    backend.run()  # nothing left to do: the mail is not sent again
    assert len(mail.outbox) == 1


def test_a_dropped_smtp_connection_is_retried_with_backoff(backend, settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyEmailBackend.drops = 2
    first = send()
    for attempt, delay in ((1, timedelta(seconds=30)), (2, timedelta(seconds=60))):
        before = timezone.now()
        backend.run()
        after = timezone.now()
        failed = backend.result(backend.enqueued[attempt - 1])
        assert failed.status == TaskResultStatus.FAILED
        assert failed.errors[-1].exception_class_path == "kith.core.retries.RetryScheduled"
        retry = backend.enqueued[attempt]
        assert retry.kwargs["_attempt"] == attempt + 1
        # Backoff doubles: the retry is due 30 s, then 60 s, after the failed attempt.
        assert before + delay <= retry.task.run_after <= after + delay
        backend.run()  # the retry is not due yet
        assert mail.outbox == []
        assert backend.release_deferred() == 1
    backend.run()
    assert len(mail.outbox) == 1 and len(backend.enqueued) == 3
    assert backend.result(backend.enqueued[-1]).status == TaskResultStatus.SUCCESSFUL
    assert first.id == backend.enqueued[0].id


def test_retries_stop_after_the_last_attempt(backend):
    key = f"attempts-{backend.name}"
    count_until_it_works.enqueue(key=key, failures=10)
    for _ in range(3):
        backend.run()
        backend.release_deferred()
    backend.run()
    assert len(backend.enqueued) == 3  # attempts=3: two retries, then no more
    statuses = [backend.result(r) for r in backend.enqueued]
    assert all(r.status == TaskResultStatus.FAILED for r in statuses)
    assert [r.errors[-1].exception_class_path for r in statuses] == [
        "kith.core.retries.RetryScheduled",
        "kith.core.retries.RetryScheduled",
        "kith.core.retries.TransientError",
    ]


def test_a_transient_failure_then_success_returns_the_value(backend):
    count_until_it_works.enqueue(key=f"once-{backend.name}", failures=1)
    backend.run()
    backend.release_deferred()
    backend.run()
    last = backend.result(backend.enqueued[-1])
    assert last.status == TaskResultStatus.SUCCESSFUL and last.return_value == 2


def test_a_permanent_error_is_not_retried(backend, settings):
    settings.EMAIL_BACKEND = FLAKY
    FlakyEmailBackend.drops = 0
    always_fails.enqueue()
    backend.run()
    assert backend.release_deferred() == 0
    (result,) = backend.enqueued
    stored = backend.result(result)
    assert stored.status == TaskResultStatus.FAILED
    assert stored.errors[-1].exception_class_path == "builtins.ValueError"


@pytest.fixture
def overdue_call(db):
    host = make_person("hana")
    host.invitation_policy = InvitationPolicy.INTRO_CALL
    host.save()
    guest = make_person("gil")
    invitation = inv.invitation_send(
        sender=guest, recipient=host, how_known="other", how_known_detail="Read her blog"
    )
    call = IntroCall.objects.get(invitation=invitation)
    IntroCall.objects.filter(pk=call.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    return call


def test_the_intro_call_expiry_task_is_idempotent(backend, overdue_call):
    expire_intro_call.enqueue(call_id=overdue_call.pk)
    backend.run()
    overdue_call.refresh_from_db()
    assert overdue_call.status == IntroCallStatus.EXPIRED
    overdue_call.invitation.refresh_from_db()
    assert overdue_call.invitation.status == InvitationStatus.DECLINED
    state = (overdue_call.sequence, overdue_call.updated_at, Notification.objects.count())
    expire_intro_call.enqueue(call_id=overdue_call.pk)  # a duplicate delivery changes nothing
    expire_intro_call.enqueue(call_id=0)  # nor does a call that is gone
    backend.run()
    overdue_call.refresh_from_db()
    assert (overdue_call.sequence, overdue_call.updated_at, Notification.objects.count()) == state
    assert all(backend.result(r).status == TaskResultStatus.SUCCESSFUL for r in backend.enqueued)


def test_the_scheduler_enqueues_each_job_once_per_period(backend, overdue_call):
    ana, ben = make_person("ana"), make_person("ben")
    mute_create(muter=ana, muted=ben, duration="1h")
    Mute.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    Media.objects.create(owner=ana, file="stale-draft-file-name-xyz.webp")
    Media.objects.update(created_at=timezone.now() - timedelta(days=2))
    fresh = Media.objects.create(owner=ana, file="fresh-draft-file-name-xyz.webp")

    now = timezone.now()
    hourly = {"intro-calls-expire", "mutes-expire", "media-drafts-delete-stale"}
    assert hourly <= set(schedule.enqueue_due(now=now))
    # Other workers running the loop in the same period find every job claimed.
    assert schedule.enqueue_due(now=now) == []
    assert schedule.enqueue_due(now=now + timedelta(seconds=1)) == []
    backend.run()

    overdue_call.refresh_from_db()
    assert overdue_call.status == IntroCallStatus.EXPIRED
    assert not Mute.objects.exists()
    assert list(Media.objects.all()) == [fresh]
    results = [backend.result(r) for r in backend.enqueued]
    assert all(r.status == TaskResultStatus.SUCCESSFUL for r in results)
    stored = {row.name: row for row in PeriodicJobRun.objects.all()}
    assert {stored[name].task_result_id for name in hourly} <= {r.id for r in results}

    later = now + timedelta(hours=1)
    assert hourly <= set(schedule.enqueue_due(now=later))
    assert schedule.enqueue_due(now=later) == []


def test_the_smtp_error_types_that_are_retried():
    from kith.core.retries import TRANSIENT_ERRORS

    assert issubclass(smtplib.SMTPServerDisconnected, TRANSIENT_ERRORS)
    assert not issubclass(smtplib.SMTPRecipientsRefused, TRANSIENT_ERRORS)
    assert issubclass(RetryScheduled, Exception)


def test_old_task_results_are_pruned_failures_kept_longer(backend, settings):
    from django_tasks_db.models import DBTaskResult

    from kith.core.tasks import prune_task_results

    chosen = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    send()
    always_fails.enqueue()
    Backend(name="database").run()
    settings.TASKS = chosen
    ok = DBTaskResult.objects.get(status=TaskResultStatus.SUCCESSFUL)
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    DBTaskResult.objects.update(finished_at=timezone.now() - timedelta(days=15))

    prune_task_results.enqueue()
    backend.run()
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) >= {failed.pk}
    assert not DBTaskResult.objects.filter(pk=ok.pk).exists()
    DBTaskResult.objects.filter(pk=failed.pk).update(
        finished_at=timezone.now() - timedelta(days=91)
    )
    prune_task_results.enqueue()
    backend.run()
    assert not DBTaskResult.objects.filter(pk=failed.pk).exists()
