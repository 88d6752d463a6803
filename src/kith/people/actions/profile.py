"""Profile changes: name, bio, interests, capacity, policy, avatar."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from kith.core.images import normalised_avatar
from kith.people.models import (
    Interest,
    InvitationPolicy,
    Person,
)
from kith.people.validators import (
    check_interests,
    check_length,
)

# --- Profile ----------------------------------------------------------------------------------


def person_update_profile(
    *,
    person: Person,
    display_name: str | None = None,
    bio: str | None = None,
    interests: list[str] | None = None,
    reading_capacity: int | None = None,
    invitation_policy: str | None = None,
    is_locked: bool | None = None,
    close_replies_after_days: int | None = None,
    require_alt_text: bool | None = None,
    findable_by_email: bool | None = None,
) -> Person:
    """Change the given profile attributes of `person` (all checked before anything is saved).

    Unlocking the account approves the follow requests waiting for an answer, as on Mastodon.
    `close_replies_after_days` closes replies to new posts after that many days; 0 never does.
    `require_alt_text` makes publishing refuse images without a description.
    `findable_by_email` lets people who import an address book with `person`'s email find them.
    """
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    if display_name is not None:
        display_name = display_name.strip()
        if not display_name:
            errors["display_name"] = ["Say what people should call you."]
        check_length(errors, "display_name", display_name, 80)
        person.display_name = display_name
        changed.append("display_name")
    if bio is not None:
        bio = bio.strip()
        check_length(errors, "bio", bio, 2000)
        person.bio = bio
        changed.append("bio")
    tags: list[str] | None = None
    if interests is not None:
        try:
            tags = check_interests(interests)
        except ValidationError as error:
            errors["interests"] = error.messages
    if reading_capacity is not None:
        if not 1 <= reading_capacity <= 10000:
            errors["reading_capacity"] = ["Reading capacity is between 1 and 10,000 posts a day."]
        person.reading_capacity = reading_capacity
        changed.append("reading_capacity")
    if invitation_policy is not None:
        if invitation_policy not in InvitationPolicy.values:
            errors["invitation_policy"] = [f"Choose one of: {', '.join(InvitationPolicy.values)}."]
        person.invitation_policy = invitation_policy
        changed.append("invitation_policy")
    unlocking = is_locked is False and person.is_locked
    if is_locked is not None:
        person.is_locked = bool(is_locked)
        changed.append("is_locked")
    if close_replies_after_days is not None:
        if not 0 <= close_replies_after_days <= 3650:
            errors["close_replies_after_days"] = ["Between 1 and 3,650 days, or 0 for never."]
        person.close_replies_after_days = close_replies_after_days or None
        changed.append("close_replies_after_days")
    if require_alt_text is not None:
        person.require_alt_text = bool(require_alt_text)
        changed.append("require_alt_text")
    if findable_by_email is not None:
        person.findable_by_email = bool(findable_by_email)
        changed.append("findable_by_email")
    if errors:
        person.refresh_from_db()
        raise ValidationError(errors)
    with transaction.atomic():
        person.updated_at = timezone.now()
        person.save(update_fields=[*changed, "updated_at"])
        if tags is not None:
            Interest.objects.filter(person=person).exclude(tag__in=tags).delete()
            have = set(Interest.objects.filter(person=person).values_list("tag", flat=True))
            Interest.objects.bulk_create(
                [Interest(person=person, tag=tag) for tag in tags if tag not in have]
            )
        if unlocking:
            from kith.relationships.actions.follows import follow_requests_approve_all

            follow_requests_approve_all(person=person)
    return person


def person_set_avatar(*, person: Person, data: bytes) -> Person:
    """Replace `person`'s avatar with the checked, normalised image in `data`."""
    try:
        webp = normalised_avatar(data)
    except ValidationError as error:
        raise ValidationError({"avatar": error.messages}) from None
    old = person.avatar
    name = default_storage.save(
        f"avatars/{person.pk}-{secrets.token_hex(8)}.webp", ContentFile(webp)
    )
    person.avatar = name
    person.updated_at = timezone.now()
    person.save(update_fields=["avatar", "updated_at"])
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return person


def person_remove_avatar(*, person: Person) -> Person:
    """Remove `person`'s avatar."""
    old = person.avatar
    person.avatar = ""
    person.updated_at = timezone.now()
    person.save(update_fields=["avatar", "updated_at"])
    if old:
        transaction.on_commit(lambda: default_storage.delete(old))
    return person
