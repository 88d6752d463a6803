"""Failed tasks are visible to staff in the admin (django-tasks-db's DBTaskResult pages)."""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult

from tests.conftest import make_person
from tests.tasks.jobs import always_fails


def test_the_admin_lists_a_failed_task_with_its_error(client, settings, db):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from tests.tasks.conftest import Backend

    always_fails.enqueue()
    Backend(name="database").run()
    failed = DBTaskResult.objects.get()
    admin = make_person("root", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)

    listing = client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "always_fails" in page and "Failed" in page and str(failed.pk) in page

    detail = client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert detail.status_code == 200
    assert "This task always fails." in detail.content.decode()
    assert "builtins.ValueError" in detail.content.decode()


def test_the_task_admin_is_for_staff_only(client, db, bob):
    client.force_login(bob)
    response = client.get("/admin/django_tasks_database/dbtaskresult/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
