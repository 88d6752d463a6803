"""People: the account, its public profile and its living contact card."""

from __future__ import annotations

import re

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from kith.core.ids import new_id

# A handle that `reverse("profile")` puts into the URL unchanged (no quoting needed).
_PLAIN_HANDLE = re.compile(r"[A-Za-z0-9_.]{1,30}")
_PROFILE_PREFIX: dict[tuple, str] = {}


def profile_url_prefix() -> str:
    """Return what `reverse("profile", …)` puts before the handle, for this request's script
    prefix and URLconf (reversed once for each)."""
    key = (get_script_prefix(), get_urlconf())
    prefix = _PROFILE_PREFIX.get(key)
    if prefix is None:
        sample = reverse("profile", kwargs={"handle": "x"})
        prefix = _PROFILE_PREFIX[key] = sample.removesuffix("x")
    return prefix


def profile_url(handle: str, prefix: str | None = None) -> str:
    """Return the profile page of `handle`, as `reverse("profile", …)` does, without
    resolving the URL patterns for every person (feed pages show dozens). `prefix`:
    `profile_url_prefix()`, when the caller makes many URLs for one request."""
    if not _PLAIN_HANDLE.fullmatch(handle):
        return reverse("profile", kwargs={"handle": handle})
    return (prefix or profile_url_prefix()) + handle


class InvitationPolicy(models.TextChoices):
    ANYONE = "anyone", "Anyone"
    MET = "met", "People I have met"
    INTRO_CALL = "intro_call", "Intro call first"
    FRIENDS_OF_FRIENDS = "connections_of_connections", "Connections of connections"


class PersonManager(BaseUserManager["Person"]):
    def create_user(self, handle: str, email: str, password: str | None = None, **extra):
        person = self.model(handle=handle, email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, handle: str, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("email_confirmed_at", timezone.now())
        extra.setdefault("display_name", handle)
        return self.create_user(handle, email, password, **extra)

    def get_by_natural_key(self, username: str):
        return self.get(handle=username.lower())


class Person(AbstractBaseUser, PermissionsMixin):
    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    handle = models.CharField(max_length=30, unique=True)
    display_name = models.CharField(max_length=80)
    email = models.EmailField(max_length=254)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    bio = models.TextField(max_length=2000, blank=True)
    avatar = models.CharField(max_length=200, blank=True, help_text="File name under MEDIA_ROOT")
    reading_capacity = models.PositiveIntegerField(
        default=100, help_text="Posts a day this person means to read"
    )
    invitation_policy = models.CharField(
        max_length=32, choices=InvitationPolicy.choices, default=InvitationPolicy.ANYONE
    )
    is_locked = models.BooleanField(default=False, help_text="Follows must be approved")
    close_replies_after_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Replies to new posts close after this many days (empty: never)",
    )
    findable_by_email = models.BooleanField(
        default=False,
        help_text="People who have my email address (in an address book they imported) may "
        "find me and invite me",
    )
    require_alt_text = models.BooleanField(
        default=False, help_text="Images on my posts must have a description (alt text)"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, help_text="Last profile change")

    objects = PersonManager()

    USERNAME_FIELD = "handle"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = "person"
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(Lower("handle"), name="person_handle_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="person_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(reading_capacity__gte=1, reading_capacity__lte=10000),
                name="person_reading_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle}"

    def get_absolute_url(self) -> str:
        return profile_url(self.handle)

    @property
    def avatar_url(self) -> str:
        return f"/media/{self.avatar}" if self.avatar else ""

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None


class Interest(models.Model):
    """A free tag a person is interested in."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="interests")
    tag = models.CharField(max_length=40)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint("person", "tag", name="interest_unique_per_person")]
        indexes = [models.Index(fields=["tag"])]

    def __str__(self) -> str:
        return self.tag


class FieldKind(models.TextChoices):
    JOB_TITLE = "job_title", "Job title"
    ORGANISATION = "organisation", "Organisation"
    LOCATION = "location", "Location"
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    WEBSITE = "website", "Website"
    CUSTOM = "custom", "Custom"


class Visibility(models.TextChoices):
    PUBLIC = "public", "Public"
    CONNECTIONS = "connections", "Connections"
    ONLY_ME = "only_me", "Only me"


class ContactField(models.Model):
    """One line of a person's contact card, shown to whoever its visibility allows."""

    MAX_PER_PERSON = 30

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_fields")
    kind = models.CharField(max_length=20, choices=FieldKind.choices)
    label = models.CharField(max_length=40, blank=True, help_text="Name of a custom field")
    value = models.CharField(max_length=200)
    visibility = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.CONNECTIONS
    )
    position = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["person", "visibility", "position"])]

    def __str__(self) -> str:
        return f"{self.display_label}: {self.value}"

    @property
    def display_label(self) -> str:
        return self.label if self.kind == FieldKind.CUSTOM else self.get_kind_display()


class ContactChange(models.Model):
    """One change to a contact card: the history connections can be told about."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_changes")
    field = models.ForeignKey(
        ContactField, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes"
    )
    kind = models.CharField(max_length=20, choices=FieldKind.choices)
    label = models.CharField(max_length=40, blank=True)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    visibility = models.CharField(max_length=12, choices=Visibility.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    announced = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.kind}: {self.old_value!r} → {self.new_value!r}"


class AccessToken(models.Model):
    """A personal access token for the API; only its SHA-256 digest is stored."""

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class PostingDay(models.Model):
    """How many posts a person published on one day: the roll-up the attention budget sums.

    Publishing a post (Conversations) adds to today's row; the demo network fills a history.
    """

    id = models.BigIntegerField(primary_key=True, default=new_id, editable=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="posting_days")
    day = models.DateField()
    posts = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint("person", "day", name="posting_day_unique")]
