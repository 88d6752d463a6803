"""Live events kept in the database: how the worker process reaches the server's streams.

Without Redis, `make run` has two processes (the server and `kith worker`); a notification or
a feed entry written by a task must still reach the streams the server holds. The database
broker writes each event as a row; every server process polls for new rows and hands them to
its streams, and a reconnecting client replays from the rows. Rows older than an hour go.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class LiveEvent(models.Model):
    id = models.BigAutoField(primary_key=True)
    person_id = models.BigIntegerField()
    event = models.CharField(max_length=40)
    data = models.TextField()
    post_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["person_id", "id"], name="live_event_person_id"),
            models.Index(fields=["created_at"], name="live_event_created"),
        ]
