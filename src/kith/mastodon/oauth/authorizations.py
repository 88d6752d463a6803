"""The apps a person let use their account (through /oauth/authorize), and taking that back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Min
from oauth2_provider.models import AccessToken, Grant, RefreshToken

from kith.mastodon import scopes as scope_rules


@dataclass(frozen=True)
class AuthorizedApp:
    application_id: int
    name: str
    website: str
    scopes: list[str]
    authorized_at: datetime
    last_authorized_at: datetime


def authorized_apps(person) -> list[AuthorizedApp]:
    """Return the apps holding a token of `person`, most recently authorised first."""
    rows = (
        AccessToken.objects.filter(user=person, application__isnull=False)
        .values("application_id", "application__name", "application__mastodon__website")
        .annotate(first=Min("created"), last=Max("created"))
        .order_by("-last")
    )
    scopes: dict[int, list[str]] = {}
    for application_id, scope in AccessToken.objects.filter(
        user=person, application__isnull=False
    ).values_list("application_id", "scope"):
        held = scopes.setdefault(application_id, [])
        held.extend(name for name in scope_rules.parse(scope) if name not in held)
    return [
        AuthorizedApp(
            application_id=row["application_id"],
            name=row["application__name"],
            website=row["application__mastodon__website"] or "",
            scopes=scopes.get(row["application_id"], []),
            authorized_at=row["first"],
            last_authorized_at=row["last"],
        )
        for row in rows
    ]


def app_access_revoke(*, person, application_id: int) -> bool:
    """Take back every token and pending code `person` gave the app; return whether it had any."""
    with transaction.atomic():
        RefreshToken.objects.filter(user=person, application_id=application_id).delete()
        deleted, _ = AccessToken.objects.filter(user=person, application_id=application_id).delete()
        Grant.objects.filter(user=person, application_id=application_id).delete()
    return deleted > 0
