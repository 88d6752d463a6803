"""People an imported archive's owner may know on Kith, matched by email address (optional).

Only the addresses the network gave (a LinkedIn export has those of connections who allowed
it) are matched, and only against people who allow being found by email
(`people.access.people_findable_by_email`). Each match is a suggestion to invite them, saying
how the owner knows them; people already connected are left out.
"""

from __future__ import annotations

from django.db.models import Q

from kith.archives.models import Archive, ArchiveContact
from kith.people.access import people_findable_by_email
from kith.relationships.models import OPEN_INVITATION_STATUSES, Connection, Invitation

MAX_ADDRESSES = 50_000  # the most addresses of one archive matched (the import's own limits)


def email_suggestions(owner, archive: Archive) -> list[dict]:
    """Return whom `owner` may invite from `archive`'s contacts, by name: four queries."""
    contacts: dict[str, ArchiveContact] = {}
    rows = (
        ArchiveContact.objects.filter(archive=archive)
        .exclude(email="")
        .order_by("id")
        .only("name", "email", "company", "position", "kind")[:MAX_ADDRESSES]
    )
    for contact in rows:
        contacts.setdefault(contact.email.strip().lower(), contact)
    people = list(people_findable_by_email(owner, contacts).order_by("display_name", "id"))
    if not people:
        return []
    ids = [p.pk for p in people]
    connected = set(
        Connection.objects.filter(person_a=owner, person_b_id__in=ids).values_list(
            "person_b_id", flat=True
        )
    ) | set(
        Connection.objects.filter(person_b=owner, person_a_id__in=ids).values_list(
            "person_a_id", flat=True
        )
    )
    invited = set()
    for sender, recipient in Invitation.objects.filter(
        Q(sender=owner, recipient_id__in=ids) | Q(recipient=owner, sender_id__in=ids),
        status__in=OPEN_INVITATION_STATUSES,
    ).values_list("sender_id", "recipient_id"):
        invited.add(recipient if sender == owner.pk else sender)
    network = archive.get_network_display()
    suggestions = []
    for person in people:
        if person.pk in connected:
            continue
        contact = contacts[person.email.lower()]
        work = ", ".join(part for part in (contact.position, contact.company) if part)
        suggestions.append(
            {
                "person": person,
                "name_in_archive": contact.name,
                "work": work,
                "invitation_open": person.pk in invited,
                "how_known_detail": f"We are connected on {network}"
                + (f" ({work})" if work else "")
                + ".",
            }
        )
    return suggestions
