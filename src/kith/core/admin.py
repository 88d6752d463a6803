"""Staff see when each periodic job was last enqueued (read-only)."""

from __future__ import annotations

from django.contrib import admin

from kith.core.models import PeriodicJobRun


@admin.register(PeriodicJobRun)
class PeriodicJobRunAdmin(admin.ModelAdmin):
    list_display = ("name", "enqueued_at", "task_result_id")
    ordering = ["name"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
