"""Card change notices reach exactly the connections who can see the changed field."""

from __future__ import annotations

import pytest

from kith.feeds.models import Notification
from kith.people import actions
from kith.people.models import ContactField, FieldKind, Visibility
from kith.relationships.actions.connections import connection_create
from tests.conftest import make_person


@pytest.fixture
def ana(db):
    person = make_person("ana")
    person.display_name = "Ana"
    person.save()
    return person


@pytest.fixture
def friends(ana):
    people = [make_person(f"friend{i}") for i in range(3)]
    for person in people:
        connection_create(person=ana, other=person, how_met="worked_together")
    return people


def test_job_change_tells_every_connection_once(
    ana, friends, carol, django_capture_on_commit_callbacks
):
    actions.contact_field_add(
        person=ana,
        kind=FieldKind.ORGANISATION,
        value="Lumen",
        visibility=Visibility.CONNECTIONS,
        announce=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = actions.contact_field_add(
            person=ana,
            kind=FieldKind.JOB_TITLE,
            value="Researcher",
            visibility=Visibility.PUBLIC,
            announce=False,
        )
        actions.contact_field_update(field=job, value="Head of Research")  # default: news
    notices = Notification.objects.filter(kind="card_change")
    assert sorted(n.recipient.handle for n in notices) == ["friend0", "friend1", "friend2"]
    assert {n.text for n in notices} == {"Ana is now Head of Research at Lumen"}
    assert not notices.filter(recipient=carol).exists()  # a stranger is never told
    change = notices.first().contact_change
    assert actions.contact_change_announce(change=change) == 0  # idempotent


def test_only_me_fields_and_small_edits_are_not_announced(
    ana, friends, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        secret = actions.contact_field_add(
            person=ana, kind=FieldKind.LOCATION, value="Porto", visibility=Visibility.ONLY_ME
        )
        actions.contact_field_update(field=secret, value="Braga", announce=True)
        phone = actions.contact_field_add(
            person=ana, kind=FieldKind.PHONE, value="+351 1", visibility=Visibility.CONNECTIONS
        )
        actions.contact_field_update(field=phone, value="+351 2")  # small edit: default off
    assert not Notification.objects.filter(kind="card_change").exists()


def test_explicit_announcement_of_a_small_edit(ana, friends, django_capture_on_commit_callbacks):
    phone = actions.contact_field_add(
        person=ana, kind=FieldKind.PHONE, value="+351 1", visibility=Visibility.CONNECTIONS
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.contact_field_update(field=phone, value="+351 2", announce=True)
    texts = set(Notification.objects.filter(kind="card_change").values_list("text", flat=True))
    assert texts == {"Ana has a new phone: +351 2"}


def test_web_edit_announces_by_default_for_job_changes(
    client, ana, friends, django_capture_on_commit_callbacks
):
    field = actions.contact_field_add(
        person=ana,
        kind=FieldKind.LOCATION,
        value="Lisbon",
        visibility=Visibility.CONNECTIONS,
        announce=False,
    )
    client.force_login(ana)
    page = client.get("/settings/card/").content.decode()
    assert f'name="f{field.pk}-announce" id="id_f{field.pk}-announce" checked' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/settings/card/{field.pk}/",
            {
                f"f{field.pk}-value": "Berlin",
                f"f{field.pk}-visibility": "connections",
                f"f{field.pk}-announce": "on",
            },
        )
    assert Notification.objects.filter(kind="card_change").count() == 3
    client.force_login(friends[0])
    assert "Ana moved to Berlin" in client.get("/notifications/").content.decode()
    assert ContactField.objects.get(pk=field.pk).value == "Berlin"
