"""The whole address book as one .vcf file, for the web download and the API."""

from __future__ import annotations

from kith.contacts.actions import address_book_refresh
from kith.contacts.vcard import cards_text
from kith.people.models import Person


def address_book_vcf(*, owner: Person, photos: bool = False) -> str:
    """Return every card in `owner`'s address book, as `owner` may see it, as vCard 3.0."""
    view = address_book_refresh(owner=owner)
    return cards_text(((entry, state.rev) for entry, state in view.cards()), photos=photos)


def vcf_filename(owner: Person) -> str:
    return f"kith-connections-{owner.handle}.vcf"
