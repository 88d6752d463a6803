"""Background tasks shared by every app: thin, idempotent, enqueued on commit."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task


@task()
def send_email(*, to: list[str], subject: str, body: str) -> None:
    """Send one plain-text email through Django's mail framework."""
    send_mail(subject=subject, message=body, from_email=None, recipient_list=to)


def enqueue_email_on_commit(*, to: list[str], subject: str, body: str) -> None:
    """Send an email once the current transaction commits (never for a rolled-back change)."""
    transaction.on_commit(lambda: send_email.enqueue(to=to, subject=subject, body=body))
