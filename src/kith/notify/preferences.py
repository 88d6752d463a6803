"""Per-person, per-kind delivery of notifications and the digest subscription.

No row means the default: every kind in app, no email, digests off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kith.feeds.models import NotificationKind
from kith.notify.models import (
    Delivery,
    DigestFrequency,
    DigestSubscription,
    NotificationSetting,
)

DEFAULT_DELIVERY = Delivery.IN_APP


def kinds() -> list[tuple[str, str]]:
    """Return every notification kind as (value, label), in the order the settings list them.

    Read from `NotificationKind`, so a kind another app adds there (community events, direct
    messages) appears in the settings without a change here.
    """
    return list(NotificationKind.choices)


def deliveries_for(person_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Return, for each of `person_ids`, how they want notifications of `kind` (one query)."""
    ids = list(person_ids)
    chosen = dict(
        NotificationSetting.objects.filter(person_id__in=ids, kind=kind).values_list(
            "person_id", "delivery"
        )
    )
    return {pk: chosen.get(pk, DEFAULT_DELIVERY) for pk in ids}


def notification_settings(person) -> dict[str, str]:
    """Return `person`'s delivery for every kind (defaults filled in)."""
    chosen = dict(NotificationSetting.objects.filter(person=person).values_list("kind", "delivery"))
    return {value: chosen.get(value, DEFAULT_DELIVERY) for value, _ in kinds()}


def notification_settings_update(*, person, changes: Mapping[str, str]) -> dict[str, str]:
    """Set `person`'s delivery for the kinds in `changes`; all or nothing.

    An unknown kind or delivery raises ValidationError and changes nothing.
    """
    known = {value for value, _ in kinds()}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValidationError(
            f"Unknown notification kind: {', '.join(unknown)}.", code="unknown_kind"
        )
    bad = sorted({d for d in changes.values() if d not in Delivery.values})
    if bad:
        raise ValidationError(
            f"Delivery must be one of {', '.join(Delivery.values)}, "
            f"not {', '.join(map(str, bad))}.",
            code="bad_delivery",
        )
    with transaction.atomic():
        for kind, delivery in changes.items():
            if delivery == DEFAULT_DELIVERY:
                NotificationSetting.objects.filter(person=person, kind=kind).delete()
            else:
                NotificationSetting.objects.update_or_create(
                    person=person, kind=kind, defaults={"delivery": delivery}
                )
    return notification_settings(person)


def digest_frequency(person) -> str:
    value = (
        DigestSubscription.objects.filter(person=person).values_list("frequency", flat=True).first()
    )
    return value or DigestFrequency.OFF


def digest_frequency_set(*, person, frequency: str) -> str:
    if frequency not in DigestFrequency.values:
        raise ValidationError(
            f"Digest must be one of {', '.join(DigestFrequency.values)}, not {frequency!r}.",
            code="bad_frequency",
        )
    DigestSubscription.objects.update_or_create(
        person=person, defaults={"frequency": frequency, "updated_at": timezone.now()}
    )
    return frequency
