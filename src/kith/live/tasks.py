"""Dropping live events nobody can replay any more (the database broker's rows)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from kith.core.schedule import periodic
from kith.live.models import LiveEvent

KEEP = timedelta(hours=1)


@periodic("live-events-delete-old", every=timedelta(minutes=10))
@task()
def delete_old_live_events() -> int:
    """Delete the database broker's events older than an hour; return how many went."""
    deleted, _ = LiveEvent.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    return deleted
