"""Who is in whose address book, what each card shows its reader, and app-password lookups.

An address book holds the cards of the owner's connections whose profile the owner may open
(active, confirmed, not blocking the owner). Each card shows exactly the fields the owner
may see, by the one rule in `kith.people.access`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Max, Q
from django.http import Http404
from django.urls import reverse

from kith.contacts.models import AddressBook, AppPassword, CardState
from kith.core.ids import parse_id
from kith.people.access import people_visible_to, visibility_levels, visible_fields_of_many
from kith.people.models import ContactChange, ContactField, Person
from kith.people.validators import normalise_handle
from kith.relationships.access import Relationship, connections_of
from kith.relationships.models import Connection


@dataclass(frozen=True)
class CardEntry:
    """One connection's card as the address book's owner may see it."""

    person: Person
    connection: Connection
    fields: list[ContactField]

    @property
    def relationship(self) -> Relationship:
        return Relationship(connection=self.connection)

    @property
    def latest_change(self) -> datetime:
        """Return the latest timestamp among the things this card shows."""
        stamps = [self.person.updated_at, self.connection.since]
        stamps += [field.updated_at for field in self.fields]
        return max(stamps)


def address_book_entries(
    owner: Person, subject_ids: Collection[int] | None = None
) -> dict[int, CardEntry]:
    """Return the cards in `owner`'s address book (only `subject_ids`, if given), by person id.

    Three queries, whatever the number of connections.
    """
    if subject_ids is None:
        connections = connections_of(owner)
    else:
        ids = list(subject_ids)
        connections = Connection.objects.filter(
            Q(person_a=owner, person_b_id__in=ids) | Q(person_b=owner, person_a_id__in=ids)
        )
    connections = connections.only(
        "id", "person_a_id", "person_b_id", "how_met", "how_met_detail", "since"
    )
    by_person = {c.other(owner.pk): c for c in connections}
    if not by_person:
        return {}
    people = people_visible_to(owner).filter(pk__in=list(by_person)).order_by("id")
    people = people.only("id", "handle", "display_name", "bio", "avatar", "updated_at")
    people = list(people)
    relationships = {p.pk: Relationship(connection=by_person[p.pk]) for p in people}
    fields = visible_fields_of_many(owner, relationships)
    return {
        p.pk: CardEntry(person=p, connection=by_person[p.pk], fields=fields[p.pk]) for p in people
    }


def latest_visible_removals(entries: Collection[CardEntry]) -> dict[int, datetime]:
    """Return, per person id, when a field the reader could see was last removed from the card.

    A removal leaves nothing on the card itself, only a line in the card's history.
    """
    levels_by_person = {e.person.pk: visibility_levels(e.relationship) for e in entries}
    if not levels_by_person:
        return {}
    rows = (
        ContactChange.objects.filter(person_id__in=list(levels_by_person), new_value="")
        .values("person_id", "visibility")
        .annotate(latest=Max("changed_at"))
    )
    latest: dict[int, datetime] = {}
    for row in rows:
        if row["visibility"] in levels_by_person[row["person_id"]]:
            person_id = row["person_id"]
            latest[person_id] = max(row["latest"], latest.get(person_id, row["latest"]))
    return latest


def person_for_login(username: str) -> Person | None:
    """Return the active, confirmed person `username` (a handle or an email) names, if any."""
    username = username.strip()
    people = Person.objects.filter(is_active=True, email_confirmed_at__isnull=False)
    if "@" in username.lstrip("@"):
        return people.filter(email__iexact=username).first()
    return people.filter(handle=normalise_handle(username)).first()


def access_app_password(person: Person, app_password_id: int | str) -> AppPassword:
    """Return `person`'s own app password `app_password_id`, or raise Http404."""
    pk = parse_id(app_password_id)
    found = AppPassword.objects.filter(pk=pk, person=person).first() if pk else None
    if found is None:
        raise Http404("No such app password.")
    return found


def app_passwords_of(person: Person):
    """Return `person`'s app passwords, newest first (revoked ones too)."""
    return AppPassword.objects.filter(person=person)


def address_book_changes(
    book: AddressBook, *, since: int | None, upto: int, limit: int | None = None
) -> list[CardState]:
    """Return the cards of `book` changed after change `since` up to change `upto`, in change
    order (with `since` None: every live card), at most `limit` of them."""
    states = CardState.objects.filter(book=book, seq__lte=upto)
    states = states.filter(deleted=False) if since is None else states.filter(seq__gt=since)
    states = states.order_by("seq")
    return list(states[:limit] if limit is not None else states)


def carddav_account(person: Person) -> dict[str, str]:
    """Return what a contacts app needs to add `person`'s address book (the password aside)."""
    server = settings.BASE_URL + reverse("carddav_root")
    return {
        "server_url": server,
        "host": settings.BASE_URL.split("://", 1)[-1],
        "username": person.handle,
        "address_book_url": f"{server}addressbooks/{person.handle}/connections/",
    }
