"""Relationships between people. A connection means the two have met or talked."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from kith.core.ids import new_id


class HowMet(models.TextChoices):
    IN_PERSON = "in_person", "Met in person"
    CALL = "call", "Talked on a call"
    WORKED_TOGETHER = "worked_together", "Worked together"
    STUDIED_TOGETHER = "studied_together", "Studied together"
    INTRODUCED = "introduced", "Introduced by someone"
    OTHER = "other", "Other"


class Connection(models.Model):
    """A mutual connection, stored once per pair with the smaller id as `person_a`."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    person_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    how_met = models.CharField(max_length=20, choices=HowMet.choices)
    how_met_detail = models.CharField(max_length=200, blank=True)
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("person_a", "person_b", name="connection_unique_pair"),
            models.CheckConstraint(
                condition=models.Q(person_a__lt=models.F("person_b")),
                name="connection_ordered_pair",
            ),
        ]
        indexes = [models.Index(fields=["person_b", "person_a"])]

    def __str__(self) -> str:
        return f"{self.person_a_id} ↔ {self.person_b_id} ({self.how_met})"

    def other(self, person_id: int) -> int:
        """Return the id of the person on the other side from `person_id`."""
        return self.person_b_id if self.person_a_id == person_id else self.person_a_id
