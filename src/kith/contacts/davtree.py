"""The DAV tree of one person's address book: resources, hrefs and sync tokens."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.urls import reverse

from kith.contacts import actions
from kith.contacts.davxml import DavError, d
from kith.contacts.vcard import card_text
from kith.core.ids import parse_id

BOOK_NAME = "connections"
SYNC_TOKEN_PREFIX = "/dav/sync/"


@dataclass(frozen=True)
class Resource:
    kind: str  # root, principals, principal, homes, home, book, card
    href: str
    subject_id: int | None = None

    @property
    def is_collection(self) -> bool:
        return self.kind != "card"


class Dav:
    """One request's view of the DAV tree of `owner`."""

    def __init__(self, request, owner) -> None:
        self.request = request
        self.owner = owner
        self.root = reverse("carddav_root")  # "/dav/", or under the deployment's prefix
        self.principal_href = f"{self.root}principals/{owner.handle}/"
        self.home_href = f"{self.root}addressbooks/{owner.handle}/"
        self.book_href = f"{self.home_href}{BOOK_NAME}/"
        self._texts: dict[int, str] = {}

    @cached_property
    def view(self) -> actions.AddressBookView:
        return actions.address_book_refresh(owner=self.owner)

    def card_href(self, subject_id: int) -> str:
        return f"{self.book_href}{subject_id}.vcf"

    def resolve(self, path: str) -> Resource:
        """Return the resource at `path` (below /dav), or raise DavError 404."""
        parts = [unquote(part) for part in path.split("/") if part]
        handle = self.owner.handle
        if not parts:
            return Resource("root", self.root)
        if parts == ["principals"]:
            return Resource("principals", f"{self.root}principals/")
        if parts == ["principals", handle]:
            return Resource("principal", self.principal_href)
        if parts == ["addressbooks"]:
            return Resource("homes", f"{self.root}addressbooks/")
        if parts == ["addressbooks", handle]:
            return Resource("home", self.home_href)
        if parts == ["addressbooks", handle, BOOK_NAME]:
            return Resource("book", self.book_href)
        if len(parts) == 4 and parts[:3] == ["addressbooks", handle, BOOK_NAME]:
            subject_id = self.subject_from_name(parts[3])
            if subject_id is not None:
                return Resource("card", self.card_href(subject_id), subject_id)
        raise DavError(404, "Nothing here.")

    @staticmethod
    def subject_from_name(name: str) -> int | None:
        stem, dot, extension = name.partition(".")
        return parse_id(stem) if dot and extension == "vcf" else None

    def subject_from_href(self, href: str) -> int | None:
        """Return the person id a card href names, if it is a card of this address book."""
        path = unquote(urlsplit(href.strip()).path)
        if not path.startswith(self.book_href):
            return None
        rest = path[len(self.book_href) :]
        return None if "/" in rest else self.subject_from_name(rest)

    def children(self, resource: Resource) -> list[Resource]:
        if resource.kind == "root":
            return [self.resolve("principals"), self.resolve("addressbooks")]
        if resource.kind == "principals":
            return [Resource("principal", self.principal_href)]
        if resource.kind == "homes":
            return [Resource("home", self.home_href)]
        if resource.kind == "home":
            return [Resource("book", self.book_href)]
        if resource.kind == "book":
            return [Resource("card", self.card_href(sid), sid) for sid in sorted(self.view.entries)]
        return []

    def card_text(self, view: actions.AddressBookView, subject_id: int) -> str:
        if subject_id not in self._texts:
            entry, state = view.entries[subject_id], view.states[subject_id]
            self._texts[subject_id] = card_text(entry, rev=state.rev, photos=True)
        return self._texts[subject_id]

    def sync_token(self, seq: int) -> str:
        return f"{settings.BASE_URL}{SYNC_TOKEN_PREFIX}{self.view.book.pk}-{seq}"

    def parse_sync_token(self, token: str) -> int:
        """Return the change number in `token`, or raise the valid-sync-token error."""
        book = self.view.book
        _, _, tail = token.strip().rpartition(SYNC_TOKEN_PREFIX)
        book_id, _, seq = tail.partition("-")
        if (
            SYNC_TOKEN_PREFIX in token
            and book_id == str(book.pk)
            and seq.isdigit()
            and book.min_seq <= int(seq) <= book.sync_seq
        ):
            return int(seq)
        raise DavError(
            403,
            "That sync token is unknown or too old: sync again from scratch.",
            precondition=d("valid-sync-token"),
        )
