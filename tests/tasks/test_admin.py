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


def test_the_admin_shows_when_each_periodic_job_last_ran(client, settings, db):
    from kith.core.schedule import enqueue_due

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    enqueue_due()
    admin = make_person("root", is_staff=True)
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    page = client.get("/admin/core/periodicjobrun/").content.decode()
    for name in ("intro-calls-expire", "mutes-expire", "media-drafts-delete-stale"):
        assert name in page


RQ_ADMIN_SCRIPT = """
import django
django.setup()
import django_rq
from django.test import Client
from django_tasks_rq import Job
from rq import SimpleWorker
from kith.people.models import Person
from tests.tasks.jobs import always_fails

result = always_fails.enqueue()
queue = django_rq.get_queue("default", job_class=Job)
SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
root = Person.objects.create_superuser(
    handle="root", email="root@example.com", password="a long enough password", display_name="Root"
)
client = Client()
client.force_login(root)
page = client.get("/admin/django_rq/dashboard/queues/0/failed/")
print(page.status_code, result.id in page.content.decode(), "always_fails" in page.content.decode())
"""


def test_with_redis_failed_tasks_are_in_the_admin_rq_dashboard(tmp_path, redis_url):
    """With KITH_REDIS_URL set, django-rq's dashboard in the admin lists a failed task."""
    import os
    import subprocess
    import sys

    import redis

    url = redis_url.rsplit("/", 1)[0] + "/2"
    client = redis.Redis.from_url(url)
    client.flushdb()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kith.settings",
        "KITH_VAR_DIR": str(tmp_path),
        "KITH_TASK_BACKEND": "",
        "KITH_REDIS_URL": url,
        "DATABASE_URL": "",
        "KITH_TEST_DATABASE_URL": "",
    }
    try:
        subprocess.run([sys.executable, "-m", "kith", "migrate"], env=env, check=True)
        done = subprocess.run(
            [sys.executable, "-c", RQ_ADMIN_SCRIPT],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        client.flushdb()
        client.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-3:] == ["200", "True", "True"]
