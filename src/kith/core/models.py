"""Shared state of the background machinery."""

from __future__ import annotations

from django.db import models


class PeriodicJobRun(models.Model):
    """The last period a periodic job was enqueued for: claimed by one conditional UPDATE.

    Every worker runs the scheduler loop; the one whose UPDATE moves `period` forward enqueues
    the job, the others find the row already claimed and do nothing.
    """

    name = models.CharField(max_length=100, primary_key=True)
    period = models.BigIntegerField(default=-1, help_text="Seconds since the epoch // every")
    enqueued_at = models.DateTimeField(null=True, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.name} (period {self.period})"
