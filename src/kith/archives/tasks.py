"""The import of an uploaded archive, run by the task worker."""

from __future__ import annotations

from django_tasks import task

from kith.archives.models import Archive


@task()
def import_archive(*, archive_id: int) -> None:
    """Import an uploaded archive; a finished or deleted one is left alone (idempotent)."""
    from kith.archives.actions import archive_run

    archive = Archive.objects.select_related("owner").filter(pk=archive_id).first()
    if archive is not None and not archive.finished:
        archive_run(archive=archive)
