"""How two people stand to each other: the base every access rule is built on."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from kith.relationships.models import Connection


@dataclass(frozen=True)
class Relationship:
    """What `viewer` is to `person`, from the viewer's side."""

    is_self: bool = False
    connection: Connection | None = None

    @property
    def connected(self) -> bool:
        return self.connection is not None


ANONYMOUS = Relationship()
SELF = Relationship(is_self=True)


def ordered_pair(a_id: int, b_id: int) -> tuple[int, int]:
    """Return two person ids in the order a Connection stores them."""
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def relationship_between(viewer, person) -> Relationship:
    """Return how `viewer` (a Person, AnonymousUser or None) stands to `person`."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return ANONYMOUS
    if viewer.pk == person.pk:
        return SELF
    a_id, b_id = ordered_pair(viewer.pk, person.pk)
    return Relationship(
        connection=Connection.objects.filter(person_a_id=a_id, person_b_id=b_id).first()
    )


def connections_of(person) -> QuerySet[Connection]:
    """Return the connections `person` is part of."""
    return Connection.objects.filter(Q(person_a=person) | Q(person_b=person))


def connected_ids(person) -> set[int]:
    """Return the ids of everyone `person` is connected to."""
    rows = connections_of(person).values_list("person_a_id", "person_b_id")
    return {a if b == person.pk else b for a, b in rows}
