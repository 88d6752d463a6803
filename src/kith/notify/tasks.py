"""Notification and digest tasks: thin, idempotent; the periodic scheduler runs them (and
`kith digests` / `kith clean-notifications` by hand)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django_tasks import task

from kith.core.schedule import periodic


# Hourly, so a worker that was down at midnight still sends yesterday's digests soon after;
# the Digest row makes every later run a no-op for the same period.
@periodic("digests-send", every=timedelta(hours=1))
@task()
def send_digests(*, now: str | None = None) -> int:
    """Send every digest due for the period that just ended; return how many were enqueued.

    Safe to run as often as you like: each digest is claimed once (a unique `Digest` row).
    """
    from kith.notify.digests import due_subscriptions

    due = due_subscriptions(datetime.fromisoformat(now) if now else None)
    for person_id, frequency in due:
        send_digest.enqueue(person_id=person_id, frequency=frequency, now=now)
    return len(due)


@task()
def send_digest(*, person_id: int, frequency: str, now: str | None = None) -> str | None:
    """Send one person's digest for the last period, unless already handled."""
    from kith.notify.digests import digest_send
    from kith.people.access import mail_recipients

    person = mail_recipients([person_id]).first()
    if person is None:
        return None
    digest = digest_send(
        person=person, frequency=frequency, now=datetime.fromisoformat(now) if now else None
    )
    return digest.status if digest else None


@periodic("notifications-clean", every=timedelta(days=1))
@task()
def clean_notifications() -> int:
    """Delete read notifications older than KITH_NOTIFICATION_RETENTION_DAYS."""
    from kith.feeds.actions import notifications_clean

    return notifications_clean()
