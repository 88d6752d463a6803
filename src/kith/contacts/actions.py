"""Every change in contacts: app passwords, and the address-book change log sync reads.

The change log is derived, not hand-maintained: `address_book_refresh` compares each card's
content fingerprint (what the reader can see, by the one visibility rule) with the last one
recorded, and numbers every difference. So any change that alters a card — a field edited,
removed or switched to "only me", a new or removed connection, a deactivated or blocking
account — becomes exactly one change, and nothing else does.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from kith.contacts.access import (
    CardEntry,
    address_book_entries,
    latest_visible_removals,
    person_for_login,
)
from kith.contacts.models import AddressBook, AppPassword, CardState
from kith.contacts.vcard import content_hash
from kith.people.models import Person

# 31 letters and digits that cannot be mistaken for one another when typed on a phone.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
PASSWORD_GROUPS = 6  # 6 × 4 characters: about 119 bits, so a plain SHA-256 digest suffices
TOMBSTONE_TTL = timedelta(days=90)


# --- App passwords ----------------------------------------------------------------------------


def _canonical_password(plaintext: str) -> str:
    """Return the password as stored: without the dashes and spaces, in lower case."""
    return "".join(plaintext.split()).replace("-", "").lower()


def app_password_digest(plaintext: str) -> str:
    return hashlib.sha256(_canonical_password(plaintext).encode()).hexdigest()


def app_password_create(*, person: Person, name: str) -> tuple[AppPassword, str]:
    """Create an app password; return it and its plaintext, which is shown only once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["Name the device, to recognise the password later."]})
    if len(name) > 60:
        raise ValidationError({"name": [f"At most 60 characters (this is {len(name)})."]})
    live = AppPassword.objects.filter(person=person, revoked_at__isnull=True).count()
    if live >= AppPassword.MAX_LIVE_PER_PERSON:
        raise ValidationError(
            f"You have {live} app passwords; revoke one you no longer use first.",
            code="too_many_app_passwords",
        )
    groups = [
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(PASSWORD_GROUPS)
    ]
    plaintext = "-".join(groups)
    app_password = AppPassword.objects.create(
        person=person, name=name, digest=app_password_digest(plaintext), prefix=groups[0]
    )
    return app_password, plaintext


def app_password_revoke(*, app_password: AppPassword) -> None:
    """Revoke an app password: the device using it is refused from the next request on."""
    if app_password.revoked_at is None:
        app_password.revoked_at = timezone.now()
        app_password.save(update_fields=["revoked_at"])


def app_password_authenticate(*, username: str, password: str) -> Person | None:
    """Return the person `username` (handle or email) names if `password` is one of their live
    app passwords. The login password never works here."""
    if not username or not password or len(username) > 254 or len(password) > 200:
        return None
    person = person_for_login(username)
    if person is None:
        return None
    app_password = AppPassword.objects.filter(
        person=person, digest=app_password_digest(password), revoked_at__isnull=True
    ).first()
    if app_password is None:
        return None
    now = timezone.now()
    if app_password.last_used_at is None or now - app_password.last_used_at > timedelta(minutes=1):
        AppPassword.objects.filter(pk=app_password.pk).update(last_used_at=now)
    return person


# --- The address-book change log ----------------------------------------------------------------


@dataclass(frozen=True)
class AddressBookView:
    """An address book as it is now: its change number and each live card with its state."""

    book: AddressBook
    entries: dict[int, CardEntry]
    states: dict[int, CardState]

    @property
    def sync_seq(self) -> int:
        return self.book.sync_seq

    def cards(self):
        """Yield (entry, state) for every card, in a stable order."""
        for subject_id in sorted(self.entries):
            yield self.entries[subject_id], self.states[subject_id]


def _address_book_of(owner: Person) -> AddressBook:
    book = AddressBook.objects.filter(owner=owner).first()
    if book is not None:
        return book
    try:
        with transaction.atomic():
            return AddressBook.objects.create(owner=owner)
    except IntegrityError:  # created by a concurrent request
        return AddressBook.objects.get(owner=owner)


def _states(book: AddressBook, subject_ids: Collection[int] | None) -> dict[int, CardState]:
    states = CardState.objects.filter(book=book)
    if subject_ids is not None:
        states = states.filter(subject_id__in=list(subject_ids))
    return {state.subject_id: state for state in states}


def _differences(
    states: dict[int, CardState], hashes: dict[int, str]
) -> tuple[list[int], list[int]]:
    """Return the ids of cards new or changed since their state, and of cards now gone."""
    changed = [
        subject_id
        for subject_id, digest in hashes.items()
        if subject_id not in states
        or states[subject_id].deleted
        or states[subject_id].content_hash != digest
    ]
    gone = [sid for sid, state in states.items() if not state.deleted and sid not in hashes]
    return sorted(changed), sorted(gone)


def _record(
    book: AddressBook,
    states: dict[int, CardState],
    entries: dict[int, CardEntry],
    hashes: dict[int, str],
) -> None:
    """Number each difference between `states` and the cards now, and save the new states."""
    changed, gone = _differences(states, hashes)
    if not changed and not gone:
        return
    now = timezone.now()
    removals = latest_visible_removals([entries[sid] for sid in changed if sid in states])
    seq = book.sync_seq
    new: list[CardState] = []
    updated: list[CardState] = []
    for subject_id in changed:
        seq += 1
        latest = entries[subject_id].latest_change
        if subject_id in removals:
            latest = max(latest, removals[subject_id])
        latest = min(latest, now)
        state = states.get(subject_id)
        if state is None:
            state = CardState(
                book=book, subject_id=subject_id, content_hash=hashes[subject_id], rev=latest
            )
            new.append(state)
            states[subject_id] = state
        else:
            # A change that leaves no timestamp (a line switched to "only me") is dated
            # when it was noticed, so REV never goes back.
            state.rev = latest if latest > state.rev else now
            updated.append(state)
        state.content_hash, state.seq, state.deleted = hashes[subject_id], seq, False
    for subject_id in gone:
        seq += 1
        state = states[subject_id]
        state.rev, state.seq, state.deleted = now, seq, True
        updated.append(state)
    CardState.objects.bulk_create(new, batch_size=500)
    CardState.objects.bulk_update(
        updated, ["content_hash", "rev", "seq", "deleted"], batch_size=500
    )
    book.sync_seq = seq
    book.updated_at = now
    _forget_old_removals(book, now)
    book.save(update_fields=["sync_seq", "min_seq", "updated_at"])


def _forget_old_removals(book: AddressBook, now: datetime) -> None:
    """Drop removal records older than TOMBSTONE_TTL; tokens from before them turn invalid."""
    old = CardState.objects.filter(book=book, deleted=True, rev__lt=now - TOMBSTONE_TTL)
    newest = old.aggregate(newest=Max("seq"))["newest"]
    if newest is not None:
        old.delete()
        book.min_seq = max(book.min_seq, newest)


def address_book_refresh(
    *, owner: Person, subject_ids: Collection[int] | None = None
) -> AddressBookView:
    """Bring `owner`'s change log up to date (only for `subject_ids`, if given); return it.

    Reads only, unless some card changed since the last refresh.
    """
    entries = address_book_entries(owner, subject_ids)
    hashes = {subject_id: content_hash(entry) for subject_id, entry in entries.items()}
    book = _address_book_of(owner)
    states = _states(book, subject_ids)
    if any(_differences(states, hashes)):
        with transaction.atomic():
            book = AddressBook.objects.select_for_update().get(pk=book.pk)
            states = _states(book, subject_ids)  # as the lock holder sees them
            _record(book, states, entries, hashes)
    return AddressBookView(book=book, entries=entries, states={sid: states[sid] for sid in entries})
