"""Turning people and contact fields into API dictionaries (one place for every endpoint)."""

from __future__ import annotations

from django.conf import settings

from kith.people.access import visible_fields
from kith.people.models import AccessToken, ContactField, Person, profile_url
from kith.relationships.access import relationship_between


def field_dict(field: ContactField) -> dict:
    return {
        "id": str(field.pk),
        "kind": field.kind,
        "label": field.label,
        "value": field.value,
        "visibility": field.visibility,
        "position": field.position,
        "updated_at": field.updated_at,
    }


def person_summary_dict(
    person: Person, *, base_url: str | None = None, profiles: str | None = None
) -> dict:
    """`base_url` (settings.BASE_URL) and `profiles` (`people.models.profile_url_prefix()`)
    may be given by callers that summarise many people for one response."""
    base = settings.BASE_URL if base_url is None else base_url
    return {
        "id": str(person.id),
        "handle": person.handle,
        "display_name": person.display_name,
        "avatar_url": base + person.avatar_url if person.avatar else "",
        "url": base + profile_url(person.handle, profiles),
    }


def person_dict(viewer, person: Person) -> dict:
    """Return `person` as `viewer` may see them."""
    relationship = relationship_between(viewer, person)
    connection = relationship.connection
    return {
        **person_summary_dict(person),
        "bio": person.bio,
        "interests": list(person.interests.values_list("tag", flat=True)),
        "fields": [field_dict(f) for f in visible_fields(viewer, person, relationship)],
        "connected": connection is not None,
        "connected_since": connection.since if connection else None,
        "how_met": connection.how_met if connection else None,
        "joined_at": person.date_joined,
    }


def me_dict(person: Person) -> dict:
    return {
        **person_dict(person, person),
        "email": person.email,
        "email_confirmed": person.email_confirmed,
        "reading_capacity": person.reading_capacity,
        "invitation_policy": person.invitation_policy,
        "is_locked": person.is_locked,
        "close_replies_after_days": person.close_replies_after_days or 0,
        "require_alt_text": person.require_alt_text,
        "findable_by_email": person.findable_by_email,
    }


def token_dict(token: AccessToken) -> dict:
    return {
        "id": str(token.pk),
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "revoked_at": token.revoked_at,
    }
