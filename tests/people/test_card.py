"""The living contact card: fields, checks, order and change history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kith.people import actions
from kith.people.models import ContactChange, ContactField, FieldKind, Visibility


def test_add_update_remove_records_history(alice):
    field = actions.contact_field_add(
        person=alice,
        kind=FieldKind.JOB_TITLE,
        value="Researcher",
        visibility=Visibility.PUBLIC,
        announce=False,
    )
    actions.contact_field_update(field=field, value="Head of Research", announce=True)
    actions.contact_field_update(field=field, visibility=Visibility.CONNECTIONS)  # no value change
    actions.contact_field_remove(field=field)
    history = list(
        ContactChange.objects.filter(person=alice, kind=FieldKind.JOB_TITLE).order_by("id")
    )
    assert [(c.old_value, c.new_value, c.announced) for c in history] == [
        ("", "Researcher", False),
        ("Researcher", "Head of Research", True),
        ("Head of Research", "", False),
    ]


@pytest.mark.parametrize(
    ("kind", "value", "label", "key"),
    [
        ("email", "not an email", "", "value"),
        ("website", "javascript:alert(1)", "", "value"),
        ("website", "ftp://example.org", "", "value"),
        ("phone", "call me maybe", "", "value"),
        ("custom", "she/her", "", "label"),
        ("custom", "x", "y" * 41, "label"),
        ("location", "z" * 201, "", "value"),
        ("location", "   ", "", "value"),
        ("favourite_colour", "blue", "", "kind"),
    ],
)
def test_bad_field_values_are_refused(alice, kind, value, label, key):
    before = ContactField.objects.count(), ContactChange.objects.count()
    with pytest.raises(ValidationError) as error:
        actions.contact_field_add(
            person=alice, kind=kind, value=value, label=label, visibility="public"
        )
    assert key in error.value.message_dict
    assert (ContactField.objects.count(), ContactChange.objects.count()) == before


def test_bad_update_changes_nothing(alice):
    field = ContactField.objects.get(person=alice, kind=FieldKind.PHONE)
    before = (field.value, field.visibility, ContactChange.objects.count())
    with pytest.raises(ValidationError):
        actions.contact_field_update(field=field, value="", visibility="public")
    field.refresh_from_db()
    assert (field.value, field.visibility, ContactChange.objects.count()) == before


def test_reorder_and_move(alice):
    ids = list(ContactField.objects.filter(person=alice).values_list("id", flat=True))
    actions.contact_fields_reorder(person=alice, field_ids=list(reversed(ids)))
    assert list(ContactField.objects.filter(person=alice).values_list("id", flat=True)) == ids[::-1]
    actions.contact_field_move(field=ContactField.objects.get(pk=ids[0]), offset=-1)
    assert list(ContactField.objects.filter(person=alice).values_list("id", flat=True))[1] == ids[0]
    with pytest.raises(ValidationError):
        actions.contact_fields_reorder(person=alice, field_ids=ids[:1])


def test_card_holds_a_bounded_number_of_fields(alice):
    for i in range(ContactField.MAX_PER_PERSON - 3):
        actions.contact_field_add(
            person=alice, kind="custom", label=f"L{i}", value="v", visibility="only_me"
        )
    with pytest.raises(ValidationError):
        actions.contact_field_add(
            person=alice, kind="custom", label="one more", value="v", visibility="only_me"
        )
    assert ContactField.objects.filter(person=alice).count() == ContactField.MAX_PER_PERSON


def test_profile_update_checks_everything_before_saving(alice):
    with pytest.raises(ValidationError) as error:
        actions.person_update_profile(
            person=alice,
            display_name="New name",
            interests=["ok", "not ok!"],
            reading_capacity=0,
        )
    assert set(error.value.message_dict) == {"interests", "reading_capacity"}
    alice.refresh_from_db()
    assert alice.display_name == "Alice" and alice.reading_capacity == 100
    actions.person_update_profile(person=alice, interests=["Jazz", "#rust", "jazz"])
    assert list(alice.interests.values_list("tag", flat=True)) == ["jazz", "rust"]
