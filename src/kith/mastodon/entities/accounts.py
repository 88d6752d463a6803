"""Account, CredentialAccount, MutedAccount, Field, Status::Mention and Relationship.

An Account is the same for everyone (`account_bases`: public profile, public contact-card
fields, counts) plus one per-viewer object, `kith`, that Mastodon clients ignore: whether
the viewer is connected to the person, since when and how they met. Connections appear
as follows both ways (counts and relationships).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.utils.html import escape

from kith.core.text import sanitise_html
from kith.mastodon.entities.common import (
    MISSING_AVATAR,
    MISSING_HEADER,
    absolute,
    iso,
    iso_date,
    iso_midnight,
    text_html,
)
from kith.people.access import (
    people_by_ids,
    profile_counts,
    public_fields_of_many,
    visible_fields_of_many,
)
from kith.people.models import ContactField, FieldKind, Person
from kith.relationships.access import (
    ANONYMOUS,
    connections_with,
    open_invitations_with,
    standings_between,
)
from kith.relationships.models import Connection


def _signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def profile_url(person: Person) -> str:
    """Return the absolute URL of `person`'s profile page (also their `uri`: Kith does not
    federate yet, so the page is the identifier)."""
    return absolute(person.get_absolute_url())


def mention(person: Person) -> dict:
    """Return a Status::Mention: a mentioned person (`acct` in local form: the handle)."""
    return {
        "id": str(person.pk),
        "username": person.handle,
        "url": profile_url(person),
        "acct": person.handle,
    }


def field_value_html(field: ContactField) -> str:
    """Return a contact-card value as a Mastodon field value (HTML): websites and email
    addresses as links, everything else as escaped text."""
    value = field.value
    if field.kind == FieldKind.WEBSITE and value.startswith(("http://", "https://")):
        link = (
            f'<a href="{escape(value)}" rel="me nofollow noopener noreferrer">{escape(value)}</a>'
        )
        return sanitise_html(link)
    if field.kind == FieldKind.EMAIL and "@" in value:
        return sanitise_html(f'<a href="mailto:{escape(value)}">{escape(value)}</a>')
    return escape(value)


def field_entity(field: ContactField, *, source: bool = False) -> dict:
    """Return a Field: a public contact-card line (`source`: its value as typed)."""
    return {
        "name": field.display_label,
        "value": field.value if source else field_value_html(field),
        "verified_at": None,
    }


def _base(person: Person, fields: list[ContactField], counts: dict) -> dict:
    avatar = absolute(person.avatar_url) if person.avatar else absolute(MISSING_AVATAR)
    url = profile_url(person)
    return {
        "id": str(person.pk),
        "username": person.handle,
        "acct": person.handle,
        "url": url,
        "uri": url,
        "display_name": person.display_name,
        "note": text_html(person.bio),
        "avatar": avatar,
        "avatar_static": avatar,
        "header": absolute(MISSING_HEADER),
        "header_static": absolute(MISSING_HEADER),
        "locked": person.is_locked,
        "fields": [field_entity(f) for f in fields],
        "emojis": [],
        "bot": False,
        "group": False,
        "discoverable": True,
        "noindex": False,
        "indexable": False,
        "hide_collections": True,  # nobody sees anyone else's followers or follows
        "roles": [],
        "memorial": False,
        "created_at": iso_midnight(person.date_joined),
        "last_status_at": counts["last_status_at"],
        "statuses_count": counts["statuses_count"],
        "followers_count": counts["followers_count"],
        "following_count": counts["following_count"],
    }


COUNTS_SECONDS = 60


def counts_key(person_id: int) -> str:
    return f"mastodon-account-counts:{person_id}"


def account_counts(person_ids: Iterable[int]) -> dict[int, dict]:
    """Return the counts of an Account (statuses, followers, following, last status day)
    by person id: from the shared cache, where they stay up to `COUNTS_SECONDS` (counting
    is the costly part of an Account, and Mastodon's counts are eventually consistent too);
    the missing ones in one query (`people.access.profile_counts`)."""
    ids = set(person_ids)
    cached = cache.get_many([counts_key(pk) for pk in ids])
    found = {pk: cached[counts_key(pk)] for pk in ids if counts_key(pk) in cached}
    missing = ids - set(found)
    if missing:
        built = {
            pk: {
                "statuses_count": row["posts_count"],
                "followers_count": row["followers_count"],
                "following_count": row["following_count"],
                "last_status_at": iso_date(row["last_post_at"]),
            }
            for pk, row in profile_counts(missing).items()
        }
        cache.set_many({counts_key(pk): value for pk, value in built.items()}, COUNTS_SECONDS)
        found.update(built)
    return found


def account_bases(person_ids: Iterable[int]) -> dict[int, dict]:
    """Return the viewer-independent Account of each of `person_ids` (people the caller may
    show), by id: three queries, whatever their number (the people, their public
    contact-card fields, and their counts unless cached: `account_counts`)."""
    people = people_by_ids(person_ids)
    fields = public_fields_of_many(people)
    counts = account_counts(people)
    return {pk: _base(person, fields[pk], counts[pk]) for pk, person in people.items()}


def kith_account(connection: Connection | None) -> dict:
    """Return the `kith` extension of an Account as the viewer sees it."""
    return {
        "connected": connection is not None,
        "connected_since": iso(connection.since) if connection else None,
        "how_met": connection.how_met if connection else None,
    }


class Accounts:
    """Accounts for one response: bases and the viewer's connections, loaded once for every
    person the response shows (`load`), then looked up without a query (`of`)."""

    def __init__(self, viewer) -> None:
        self.viewer = viewer
        self.bases: dict[int, dict] = {}
        self.connections: dict[int, Connection] = {}

    def load(self, person_ids: Iterable[int]) -> Accounts:
        """Load the accounts of `person_ids` not loaded yet: four queries at most, three
        while their counts are cached."""
        missing = set(person_ids) - set(self.bases)
        if missing:
            self.bases.update(account_bases(missing))
            self.connections.update(connections_with(self.viewer, missing))
        return self

    def of(self, person_id: int) -> dict:
        """Return the Account of a loaded person, with the viewer's `kith` extension."""
        connection = self.connections.get(person_id)
        return {**self.bases[person_id], "kith": kith_account(connection)}


def accounts(people: Iterable[Person], viewer) -> list[dict]:
    """Return the Accounts of `people` (which `viewer` may see), in order: four queries
    (three while their counts are cached)."""
    people = list(people)
    loaded = Accounts(viewer).load(p.pk for p in people)
    return [loaded.of(p.pk) for p in people if p.pk in loaded.bases]


def account(person: Person, viewer) -> dict:
    """Return one Account (four queries)."""
    return accounts([person], viewer)[0]


def muted_accounts(mutes, viewer) -> list[dict]:
    """Return MutedAccounts (Account + `mute_expires_at`) of the viewer's `mutes`
    (`relationships.access.mutes_of`, with the muted person loaded)."""
    mutes = list(mutes)
    loaded = Accounts(viewer).load(m.muted_id for m in mutes)
    return [{**loaded.of(m.muted_id), "mute_expires_at": iso(m.expires_at)} for m in mutes]


ROLE = {"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": False}


def credential_account(person: Person, *, follow_requests_count: int) -> dict:
    """Return the CredentialAccount of the signed-in `person` (verify_credentials): their
    Account with `source` (bio and public fields as typed) and `role`. Kith has no default
    visibility or language per person: `source[privacy]` is public (five queries)."""
    data = account(person, person)
    fields = visible_fields_of_many(None, {person.pk: ANONYMOUS})[person.pk]
    data["source"] = {
        "note": person.bio,
        "fields": [field_entity(f, source=True) for f in fields],
        "privacy": "public",
        "sensitive": False,
        "language": "",
        "follow_requests_count": follow_requests_count,
        "hide_collections": True,  # nobody sees anyone else's followers or follows
        "discoverable": True,
        "indexable": False,
    }
    data["role"] = dict(ROLE)
    return data


# --- Relationship -------------------------------------------------------------------------------


def relationships(viewer, people: Iterable[Person]) -> list[dict]:
    """Return the Relationship of `viewer` (signed in) to each of `people`, in order: three
    queries. A connection reads as following both ways. `blocked_by` is always false: Kith
    never tells anyone that someone blocked them (the blocker is simply missing to them)."""
    people = list(people)
    ids = [p.pk for p in people]
    standings = standings_between(viewer, ids)
    connections = connections_with(viewer, ids)
    invitations = open_invitations_with(viewer, ids)
    return [
        relationship_entity(
            person.pk, standings[person.pk], connections.get(person.pk), invitations.get(person.pk)
        )
        for person in people
    ]


def relationship(viewer, person: Person) -> dict:
    """Return one Relationship (three queries)."""
    return relationships(viewer, [person])[0]


def relationship_entity(person_id: int, standing, connection, invitation: str | None) -> dict:
    """Return a Relationship from Kith's standing, connection and open invitation."""
    connected = connection is not None
    following = standing.following or connected
    return {
        "id": str(person_id),
        "following": following,
        "showing_reblogs": following and not standing.hide_reposts,
        "notifying": False,
        "languages": None,
        "followed_by": standing.followed_by or connected,
        "blocking": standing.blocking,
        "blocked_by": False,
        "muting": standing.muting,
        "muting_notifications": standing.muting,
        "requested": standing.requested and not connected,
        "requested_by": standing.requested_by and not connected,
        "domain_blocking": False,
        "endorsed": False,
        "note": standing.note,
        "kith": {
            **kith_account(connection),
            "follows": standing.following,
            "followed_by": standing.followed_by,
            "invitation": invitation,
            "mute_expires_at": iso(standing.muted_until) if standing.muting else None,
        },
    }


__all__ = [
    "Accounts",
    "account",
    "account_bases",
    "accounts",
    "credential_account",
    "field_entity",
    "mention",
    "muted_accounts",
    "profile_url",
    "relationship",
    "relationships",
]
