"""How two people stand to each other: the base every access rule is built on."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kith.relationships.models import Connection


@dataclass(frozen=True)
class Relationship:
    """What `viewer` is to `person`, from the viewer's side."""

    is_self: bool = False
    connected: bool = False


ANONYMOUS = Relationship()


def ordered_pair(a_id: int, b_id: int) -> tuple[int, int]:
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def relationship_between(viewer, person) -> Relationship:
    """Return how `viewer` (a Person, AnonymousUser or None) stands to `person`."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return ANONYMOUS
    if viewer.pk == person.pk:
        return Relationship(is_self=True, connected=False)
    a_id, b_id = ordered_pair(viewer.pk, person.pk)
    connected = Connection.objects.filter(person_a_id=a_id, person_b_id=b_id).exists()
    return Relationship(connected=connected)


def connections_of(person) -> QuerySet[Connection]:
    """Return the connections `person` is part of."""
    return Connection.objects.filter(Q(person_a=person) | Q(person_b=person))


def connected_ids(person) -> set[int]:
    """Return the ids of everyone `person` is connected to."""
    rows = connections_of(person).values_list("person_a_id", "person_b_id")
    return {a if b == person.pk else b for a, b in rows}


def connection_between(a, b) -> Connection | None:
    """Return the connection between two people, or None."""
    if not getattr(b, "is_authenticated", False) or a.pk == b.pk:
        return None
    a_id, b_id = ordered_pair(a.pk, b.pk)
    return Connection.objects.filter(person_a_id=a_id, person_b_id=b_id).first()
