"""The living contact card: fields, order, history and change notices."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kith.people.models import (
    ContactChange,
    ContactField,
    FieldKind,
    Person,
    Visibility,
)
from kith.people.validators import (
    check_field_value,
    check_length,
)

# --- Contact card -----------------------------------------------------------------------------


def _check_field(kind: str, label: str, value: str, visibility: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if kind not in FieldKind.values:
        errors["kind"] = [
            f"Unknown field kind {kind!r}; use one of: {', '.join(FieldKind.values)}."
        ]
    if visibility not in Visibility.values:
        errors["visibility"] = [f"Visibility is one of: {', '.join(Visibility.values)}."]
    label = label.strip()
    if kind == FieldKind.CUSTOM and not label:
        errors["label"] = ["A custom field needs a label."]
    check_length(errors, "label", label, 40)
    check_length(errors, "value", value.strip(), 200)
    if "kind" not in errors and "value" not in errors:
        try:
            value = check_field_value(kind, value)
        except ValidationError as error:
            errors["value"] = error.messages
    if errors:
        raise ValidationError(errors)
    return (label if kind == FieldKind.CUSTOM else ""), value


NEWSWORTHY_KINDS = frozenset({FieldKind.JOB_TITLE, FieldKind.ORGANISATION, FieldKind.LOCATION})


def _record_change(
    field: ContactField, *, old: str, new: str, announce: bool | None
) -> ContactChange:
    """Record a change in the card's history; announce it to connections when asked.

    `announce=None` means the default: job, organisation and location changes are news,
    small edits are not. Removals are never announced.
    """
    if announce is None:
        announce = field.kind in NEWSWORTHY_KINDS
    announce = announce and bool(new) and field.visibility != Visibility.ONLY_ME
    change = ContactChange.objects.create(
        person_id=field.person_id,
        field=field if field.pk and new else None,
        kind=field.kind,
        label=field.label,
        old_value=old,
        new_value=new,
        visibility=field.visibility,
        announced=announce,
    )
    if announce:
        from kith.people.tasks import announce_contact_change

        transaction.on_commit(lambda: announce_contact_change.enqueue(change_id=change.pk))
    return change


def contact_field_add(
    *,
    person: Person,
    kind: str,
    value: str,
    visibility: str,
    label: str = "",
    announce: bool | None = None,
) -> ContactField:
    """Add a field to the end of `person`'s contact card and record the change."""
    label, value = _check_field(kind, label, value, visibility)
    with transaction.atomic():
        count = ContactField.objects.filter(person=person).count()
        if count >= ContactField.MAX_PER_PERSON:
            raise ValidationError(
                f"A card holds at most {ContactField.MAX_PER_PERSON} fields.",
                code="too_many_fields",
            )
        last = ContactField.objects.filter(person=person).order_by("-position").first()
        field = ContactField.objects.create(
            person=person,
            kind=kind,
            label=label,
            value=value,
            visibility=visibility,
            position=(last.position + 1) if last else 0,
        )
        _record_change(field, old="", new=value, announce=announce)
    return field


def contact_field_update(
    *,
    field: ContactField,
    value: str | None = None,
    visibility: str | None = None,
    label: str | None = None,
    announce: bool | None = None,
) -> ContactField:
    """Change a contact field's value, label or visibility, recording value changes."""
    new_value = field.value if value is None else value
    new_visibility = field.visibility if visibility is None else visibility
    new_label = field.label if label is None else label
    new_label, new_value = _check_field(field.kind, new_label, new_value, new_visibility)
    old_value = field.value
    with transaction.atomic():
        field.value, field.visibility, field.label = new_value, new_visibility, new_label
        field.updated_at = timezone.now()
        field.save(update_fields=["value", "visibility", "label", "updated_at"])
        if new_value != old_value:
            _record_change(field, old=old_value, new=new_value, announce=announce)
    return field


def contact_field_remove(*, field: ContactField) -> None:
    """Remove a contact field, keeping a record of the removal in the history."""
    with transaction.atomic():
        _record_change(field, old=field.value, new="", announce=False)
        field.delete()


def contact_fields_reorder(*, person: Person, field_ids: list[int]) -> list[ContactField]:
    """Put `person`'s fields in the order of `field_ids` (which must name each field once)."""
    fields = {f.pk: f for f in ContactField.objects.filter(person=person)}
    if sorted(field_ids) != sorted(fields) or len(set(field_ids)) != len(field_ids):
        raise ValidationError(
            {"field_ids": ["List each of your contact fields exactly once."]}, code="bad_order"
        )
    with transaction.atomic():
        for position, field_id in enumerate(field_ids):
            fields[field_id].position = position
        ContactField.objects.bulk_update(fields.values(), ["position"])
    return [fields[i] for i in field_ids]


def contact_field_move(*, field: ContactField, offset: int) -> None:
    """Move a field `offset` places up (negative) or down (positive) on its card."""
    ids = list(ContactField.objects.filter(person_id=field.person_id).values_list("id", flat=True))
    index = ids.index(field.pk)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    contact_fields_reorder(person=field.person, field_ids=ids)


def _change_text(change: ContactChange, person: Person, organisation: str) -> str:
    name, new = person.display_name, change.new_value
    if change.kind == FieldKind.JOB_TITLE:
        return f"{name} is now {new}" + (f" at {organisation}" if organisation else "")
    if change.kind == FieldKind.ORGANISATION:
        return f"{name} now works at {new}"
    if change.kind == FieldKind.LOCATION:
        return f"{name} moved to {new}"
    label = change.label if change.kind == FieldKind.CUSTOM else change.get_kind_display().lower()
    return f"{name} has a new {label}: {new}"


def contact_change_announce(*, change: ContactChange) -> int:
    """Tell `change.person`'s connections who can see the field; return how many were told.

    Idempotent: connections already told about this change are skipped.
    """
    from kith.feeds.actions import notify_many
    from kith.feeds.models import Notification, NotificationKind
    from kith.people.access import CONNECTION_LEVELS as levels
    from kith.relationships.access import connected_ids

    person = change.person
    if not change.announced or not change.new_value:
        return 0
    # Every recipient is a connection, so they all see exactly the connection-level fields.
    if change.visibility not in levels:
        return 0
    organisation = (
        ContactField.objects.filter(
            person=person, kind=FieldKind.ORGANISATION, visibility__in=levels
        )
        .values_list("value", flat=True)
        .first()
        or ""
    )
    text = _change_text(change, person, organisation)
    told = set(
        Notification.objects.filter(contact_change=change).values_list("recipient_id", flat=True)
    )
    recipients = [pk for pk in connected_ids(person) if pk not in told]
    notify_many(
        recipient_ids=recipients,
        kind=NotificationKind.CARD_CHANGE,
        actor=person,
        text=text,
        url=person.get_absolute_url(),
        contact_change=change,
    )
    return len(recipients)
