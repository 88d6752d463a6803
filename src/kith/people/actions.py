"""Every change to people, profiles, contact cards and access tokens happens here."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kith.core.images import normalised_avatar
from kith.core.tasks import enqueue_email_on_commit
from kith.people.access import person_for_confirmation
from kith.people.models import (
    AccessToken,
    ContactChange,
    ContactField,
    FieldKind,
    Interest,
    InvitationPolicy,
    Person,
    Visibility,
)
from kith.people.validators import (
    check_field_value,
    check_handle,
    check_interests,
    normalise_handle,
)

CONFIRM_SALT = "kith.people.confirm-email"
TOKEN_PREFIX = "kith_"


def _check_length(errors: dict[str, list[str]], name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(f"At most {limit} characters (this is {len(value)}).")


# --- Accounts ---------------------------------------------------------------------------------


def person_sign_up(*, handle: str, display_name: str, email: str, password: str) -> Person:
    """Create an account and send the email-confirmation link once it is committed."""
    handle = normalise_handle(handle)
    email = email.strip().lower()
    display_name = display_name.strip()
    errors: dict[str, list[str]] = {}
    try:
        check_handle(handle)
    except ValidationError as error:
        errors["handle"] = error.messages
    if not display_name:
        errors["display_name"] = ["Say what people should call you."]
    _check_length(errors, "display_name", display_name, 80)
    try:
        Person._meta.get_field("email").run_validators(email)
        if not email:
            raise ValidationError("Enter an email address.")
    except ValidationError as error:
        errors["email"] = error.messages
    try:
        validate_password(password, Person(handle=handle, email=email, display_name=display_name))
    except ValidationError as error:
        errors["password"] = error.messages
    if "handle" not in errors and Person.objects.filter(handle__iexact=handle).exists():
        errors["handle"] = ["That handle is taken."]
    if "email" not in errors and Person.objects.filter(email__iexact=email).exists():
        errors["email"] = ["An account with that email already exists."]
    if errors:
        raise ValidationError(errors)
    try:
        person = person_create(
            handle=handle, display_name=display_name, email=email, password=password
        )
    except IntegrityError:  # a concurrent sign-up took the handle or email
        raise ValidationError({"handle": ["That handle or email was just taken."]}) from None
    send_confirmation_email(person=person)
    return person


def person_create(
    *,
    handle: str,
    display_name: str,
    email: str,
    password: str | None = None,
    password_hash: str | None = None,
    confirmed: bool = False,
    is_staff: bool = False,
) -> Person:
    """Create an account from trusted, already-checked values (sign-up, demo, admin tools)."""
    with transaction.atomic():
        person = Person(
            handle=handle,
            display_name=display_name,
            email=email.lower(),
            email_confirmed_at=timezone.now() if confirmed else None,
            is_staff=is_staff,
            is_superuser=is_staff,
        )
        if password_hash:
            person.password = password_hash
        else:
            person.set_password(password)
        person.save(force_insert=True)
    return person


def confirmation_token(person: Person) -> str:
    """Return a signed token confirming `person`'s current email address."""
    return signing.dumps({"p": person.pk, "e": person.email}, salt=CONFIRM_SALT)


def send_confirmation_email(*, person: Person) -> None:
    """Email `person` a link that confirms their address (sent on commit)."""
    url = settings.BASE_URL + reverse("confirm_email", kwargs={"token": confirmation_token(person)})
    enqueue_email_on_commit(
        to=[person.email],
        subject="Confirm your email for Kith",
        body=(
            f"Hello {person.display_name},\n\n"
            f"Confirm your email address to start using Kith as @{person.handle}:\n\n{url}\n\n"
            "If you did not sign up, ignore this message.\n"
        ),
    )


def person_confirm_email(*, token: str) -> Person:
    """Mark the email in `token` as confirmed and return its person; ValidationError if bad."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.KITH_EMAIL_CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError("This confirmation link has expired.", code="expired") from None
    except signing.BadSignature:
        raise ValidationError("This confirmation link is not valid.", code="invalid") from None
    person = person_for_confirmation(data.get("p"), data.get("e"))
    if person is None:
        raise ValidationError("This confirmation link is not valid.", code="invalid")
    if person.email_confirmed_at is None:
        person.email_confirmed_at = timezone.now()
        person.save(update_fields=["email_confirmed_at"])
    return person


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
) -> Person:
    """Change the given profile attributes of `person` (all checked before anything is saved).

    Unlocking the account approves the follow requests waiting for an answer, as on Mastodon.
    """
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    if display_name is not None:
        display_name = display_name.strip()
        if not display_name:
            errors["display_name"] = ["Say what people should call you."]
        _check_length(errors, "display_name", display_name, 80)
        person.display_name = display_name
        changed.append("display_name")
    if bio is not None:
        bio = bio.strip()
        _check_length(errors, "bio", bio, 2000)
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


# --- Contact card -----------------------------------------------------------------------------


def _check_field(kind: str, label: str, value: str, visibility: str) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if kind not in FieldKind.values:
        errors["kind"] = [
            f"Unknown field kind {kind!r}; use one of: {', '.join(FieldKind.values)}."
        ]
    if visibility not in Visibility.values:
        errors["visibility"] = [f"Visibility is one of: {', '.join(Visibility.values)}."]
    label = label.strip()
    if kind == FieldKind.CUSTOM and not label:
        errors["label"] = ["A custom field needs a label."]
    _check_length(errors, "label", label, 40)
    _check_length(errors, "value", value.strip(), 200)
    if "kind" not in errors and "value" not in errors:
        try:
            value = check_field_value(kind, value)
        except ValidationError as error:
            errors["value"] = error.messages
    if errors:
        raise ValidationError(errors)
    return (label if kind == FieldKind.CUSTOM else ""), value


NEWSWORTHY_KINDS = frozenset({FieldKind.JOB_TITLE, FieldKind.ORGANISATION, FieldKind.LOCATION})


def _record_change(
    field: ContactField, *, old: str, new: str, announce: bool | None
) -> ContactChange:
    """Record a change in the card's history; announce it to connections when asked.

    `announce=None` means the default: job, organisation and location changes are news,
    small edits are not. Removals are never announced.
    """
    if announce is None:
        announce = field.kind in NEWSWORTHY_KINDS
    announce = announce and bool(new) and field.visibility != Visibility.ONLY_ME
    change = ContactChange.objects.create(
        person_id=field.person_id,
        field=field if field.pk and new else None,
        kind=field.kind,
        label=field.label,
        old_value=old,
        new_value=new,
        visibility=field.visibility,
        announced=announce,
    )
    if announce:
        from kith.people.tasks import announce_contact_change

        transaction.on_commit(lambda: announce_contact_change.enqueue(change_id=change.pk))
    return change


def contact_field_add(
    *,
    person: Person,
    kind: str,
    value: str,
    visibility: str,
    label: str = "",
    announce: bool | None = None,
) -> ContactField:
    """Add a field to the end of `person`'s contact card and record the change."""
    label, value = _check_field(kind, label, value, visibility)
    with transaction.atomic():
        count = ContactField.objects.filter(person=person).count()
        if count >= ContactField.MAX_PER_PERSON:
            raise ValidationError(
                f"A card holds at most {ContactField.MAX_PER_PERSON} fields.",
                code="too_many_fields",
            )
        last = ContactField.objects.filter(person=person).order_by("-position").first()
        field = ContactField.objects.create(
            person=person,
            kind=kind,
            label=label,
            value=value,
            visibility=visibility,
            position=(last.position + 1) if last else 0,
        )
        _record_change(field, old="", new=value, announce=announce)
    return field


def contact_field_update(
    *,
    field: ContactField,
    value: str | None = None,
    visibility: str | None = None,
    label: str | None = None,
    announce: bool | None = None,
) -> ContactField:
    """Change a contact field's value, label or visibility, recording value changes."""
    new_value = field.value if value is None else value
    new_visibility = field.visibility if visibility is None else visibility
    new_label = field.label if label is None else label
    new_label, new_value = _check_field(field.kind, new_label, new_value, new_visibility)
    old_value = field.value
    with transaction.atomic():
        field.value, field.visibility, field.label = new_value, new_visibility, new_label
        field.updated_at = timezone.now()
        field.save(update_fields=["value", "visibility", "label", "updated_at"])
        if new_value != old_value:
            _record_change(field, old=old_value, new=new_value, announce=announce)
    return field


def contact_field_remove(*, field: ContactField) -> None:
    """Remove a contact field, keeping a record of the removal in the history."""
    with transaction.atomic():
        _record_change(field, old=field.value, new="", announce=False)
        field.delete()


def contact_fields_reorder(*, person: Person, field_ids: list[int]) -> list[ContactField]:
    """Put `person`'s fields in the order of `field_ids` (which must name each field once)."""
    fields = {f.pk: f for f in ContactField.objects.filter(person=person)}
    if sorted(field_ids) != sorted(fields) or len(set(field_ids)) != len(field_ids):
        raise ValidationError(
            {"field_ids": ["List each of your contact fields exactly once."]}, code="bad_order"
        )
    with transaction.atomic():
        for position, field_id in enumerate(field_ids):
            fields[field_id].position = position
        ContactField.objects.bulk_update(fields.values(), ["position"])
    return [fields[i] for i in field_ids]


def contact_field_move(*, field: ContactField, offset: int) -> None:
    """Move a field `offset` places up (negative) or down (positive) on its card."""
    ids = list(ContactField.objects.filter(person_id=field.person_id).values_list("id", flat=True))
    index = ids.index(field.pk)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    contact_fields_reorder(person=field.person, field_ids=ids)


# --- Access tokens ----------------------------------------------------------------------------


def token_digest(plaintext: str) -> str:
    """Return the stored digest of a token (tokens are random, so a plain hash suffices)."""
    return hashlib.sha256(plaintext.encode()).hexdigest()


def access_token_create(*, person: Person, name: str) -> tuple[AccessToken, str]:
    """Create a personal access token; return it and its plaintext, which is shown only once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["Give the token a name, to recognise it later."]})
    if len(name) > 60:
        raise ValidationError({"name": ["At most 60 characters."]})
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        person=person, name=name, digest=token_digest(plaintext), prefix=plaintext[:12]
    )
    return token, plaintext


def access_token_revoke(*, token: AccessToken) -> None:
    """Revoke a token: it stops working at once."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def access_token_authenticate(plaintext: str) -> Person | None:
    """Return the person a live token belongs to, noting its use at most once a minute."""
    if not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 100:
        return None
    token = (
        AccessToken.objects.select_related("person")
        .filter(digest=token_digest(plaintext), revoked_at__isnull=True, person__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.person


def _change_text(change: ContactChange, person: Person, organisation: str) -> str:
    name, new = person.display_name, change.new_value
    if change.kind == FieldKind.JOB_TITLE:
        return f"{name} is now {new}" + (f" at {organisation}" if organisation else "")
    if change.kind == FieldKind.ORGANISATION:
        return f"{name} now works at {new}"
    if change.kind == FieldKind.LOCATION:
        return f"{name} moved to {new}"
    label = change.label if change.kind == FieldKind.CUSTOM else change.get_kind_display().lower()
    return f"{name} has a new {label}: {new}"


def contact_change_announce(*, change: ContactChange) -> int:
    """Tell `change.person`'s connections who can see the field; return how many were told.

    Idempotent: connections already told about this change are skipped.
    """
    from kith.feeds.models import Notification, NotificationKind
    from kith.people.access import CONNECTION_LEVELS as levels
    from kith.relationships.access import connected_ids

    person = change.person
    if not change.announced or not change.new_value:
        return 0
    # Every recipient is a connection, so they all see exactly the connection-level fields.
    if change.visibility not in levels:
        return 0
    organisation = (
        ContactField.objects.filter(
            person=person, kind=FieldKind.ORGANISATION, visibility__in=levels
        )
        .values_list("value", flat=True)
        .first()
        or ""
    )
    text = _change_text(change, person, organisation)
    told = set(
        Notification.objects.filter(contact_change=change).values_list("recipient_id", flat=True)
    )
    recipients = [pk for pk in connected_ids(person) if pk not in told]
    Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=NotificationKind.CARD_CHANGE,
                actor=person,
                text=text[:300],
                url=person.get_absolute_url(),
                contact_change=change,
            )
            for pk in recipients
        ]
    )
    return len(recipients)
