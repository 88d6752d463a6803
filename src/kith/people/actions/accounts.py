"""Accounts: sign-up, email confirmation and trusted creation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from kith.core.tasks import enqueue_email_on_commit
from kith.people.access import person_for_confirmation
from kith.people.models import (
    Person,
)
from kith.people.validators import (
    check_handle,
    check_length,
    normalise_handle,
)

CONFIRM_SALT = "kith.people.confirm-email"


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
    check_length(errors, "display_name", display_name, 80)
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
