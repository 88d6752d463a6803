"""App passwords for address-book sync, and the change log that sync tokens point into."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kith.core.ids import new_id


class AppPassword(models.Model):
    """A password for one device's contacts app; only its SHA-256 digest is stored.

    The account's login password never works for CardDAV: a lost phone is revoked on its
    own, without changing the password everything else uses.
    """

    MAX_LIVE_PER_PERSON = 20

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="app_passwords"
    )
    name = models.CharField(max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["person", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class AddressBook(models.Model):
    """A person's address book of their connections' cards, as a numbered change log.

    `sync_seq` is the number of the latest change; a sync token names one. Changes below
    `min_seq` were forgotten (old removals pruned), so tokens before it are no longer valid.
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="address_book"
    )
    sync_seq = models.BigIntegerField(default=0)
    min_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"address book of {self.owner_id} at {self.sync_seq}"


class CardState(models.Model):
    """The last known state of one card in one address book (a removed card stays as a
    tombstone, so the next sync can delete it on the device).

    `subject_id` is a plain id, not a foreign key: a card must outlive a deleted account long
    enough to be removed from phones.
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    book = models.ForeignKey(AddressBook, on_delete=models.CASCADE, related_name="cards")
    subject_id = models.BigIntegerField()
    content_hash = models.CharField(max_length=32)
    rev = models.DateTimeField(help_text="Latest change to the card as its reader sees it")
    seq = models.BigIntegerField(help_text="Change number of the latest change to this card")
    deleted = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint("book", "subject_id", name="card_state_unique_subject")
        ]
        indexes = [models.Index(fields=["book", "seq"])]

    def __str__(self) -> str:
        return f"card {self.subject_id} in {self.book_id} @{self.seq}"

    @property
    def etag(self) -> str:
        """Return the HTTP entity tag (quoted) of the card in this state."""
        return f'"{self.content_hash}-{int(self.rev.timestamp())}"'
