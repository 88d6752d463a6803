"""Imported archives of other networks (issue 7 item 5)."""

from django.urls import path

from kith.web.views import archives

urlpatterns = [
    path("archives/", archives.archives, name="archives"),
    path("archives/<str:archive_id>/", archives.archive, name="archive"),
    path("archives/<str:archive_id>/status", archives.archive_status, name="archive_status"),
    path("archives/<str:archive_id>/delete", archives.archive_delete, name="archive_delete"),
    path("archives/<str:archive_id>/people", archives.archive_people, name="archive_people"),
]
