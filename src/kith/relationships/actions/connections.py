"""Making and removing connections. A connection means the two have met or talked."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kith.relationships.access import ordered_pair
from kith.relationships.models import Connection, ConnectionRemoval, HowMet


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
    now = since or timezone.now()
    try:
        with transaction.atomic():
            return Connection.objects.create(
                person_a_id=a_id,
                person_b_id=b_id,
                how_met=how_met,
                how_met_detail=how_met_detail[:200],
                since=now,
                last_interaction_at=now,
            )
    except IntegrityError:  # made by a concurrent request
        return Connection.objects.get(person_a_id=a_id, person_b_id=b_id)


def connection_remove(*, person, other) -> bool:
    """Remove the connection between two people, silently (the other is not told).

    A removal record lets both address books delete the card on their next sync.
    Return whether there was a connection.
    """
    a_id, b_id = ordered_pair(person.pk, other.pk)
    with transaction.atomic():
        deleted, _ = Connection.objects.filter(person_a_id=a_id, person_b_id=b_id).delete()
        if deleted:
            ConnectionRemoval.objects.create(person_a_id=a_id, person_b_id=b_id)
            from kith.feeds.actions import feed_prune_between

            feed_prune_between(reader=person, other=other)
            feed_prune_between(reader=other, other=person)
    return bool(deleted)


def connection_touch(*, person_id: int, other_id: int, at=None) -> bool:
    """Note that two people interacted now (a reply, later a message); return if connected."""
    a_id, b_id = ordered_pair(person_id, other_id)
    touched = Connection.objects.filter(person_a_id=a_id, person_b_id=b_id).update(
        last_interaction_at=at or timezone.now()
    )
    return bool(touched)
