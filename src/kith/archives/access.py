"""Who may see an imported archive: its owner, no one else (not even staff).

Missing and forbidden answer the same 404 on every surface.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from kith.archives.models import Archive
from kith.core.ids import parse_id


def archives_of(viewer) -> QuerySet[Archive]:
    """Return the archives `viewer` owns, newest first (none for an anonymous viewer)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return Archive.objects.none()
    return Archive.objects.filter(owner=viewer).order_by("-id")


def access_archive(viewer, archive_id) -> Archive:
    """Return archive `archive_id` if `viewer` owns it, else raise Http404."""
    archive_id = parse_id(archive_id)
    archive = archives_of(viewer).filter(pk=archive_id).first() if archive_id else None
    if archive is None:
        raise Http404("No such archive.")
    return archive
