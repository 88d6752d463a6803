"""Every change to relationships happens here. The Relationships issue adds invitations."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kith.relationships.access import ordered_pair
from kith.relationships.models import Connection, HowMet


def connection_create(
    *, person, other, how_met: str, how_met_detail: str = "", since=None
) -> Connection:
    """Connect two people who have met or talked; return the (new or existing) connection."""
    if person.pk == other.pk:
        raise ValidationError("You cannot connect with yourself.", code="self_connection")
    if how_met not in HowMet.values:
        raise ValidationError(f"Unknown way of meeting: {how_met!r}.", code="invalid_how_met")
    a_id, b_id = ordered_pair(person.pk, other.pk)
    existing = Connection.objects.filter(person_a_id=a_id, person_b_id=b_id).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Connection.objects.create(
                person_a_id=a_id,
                person_b_id=b_id,
                how_met=how_met,
                how_met_detail=how_met_detail[:200],
                since=since or timezone.now(),
            )
    except IntegrityError:  # made by a concurrent request
        return Connection.objects.get(person_a_id=a_id, person_b_id=b_id)


def connection_remove(*, person, other) -> None:
    """Remove the connection between two people, if any (silently, as LinkedIn does)."""
    a_id, b_id = ordered_pair(person.pk, other.pk)
    Connection.objects.filter(person_a_id=a_id, person_b_id=b_id).delete()
