"""How two people stand to each other: the base every access rule is built on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection as db_connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from kith.core.ids import parse_id
from kith.core.prepared import Prepared, instance
from kith.relationships.models import (
    OPEN_INVITATION_STATUSES,
    Block,
    Connection,
    Follow,
    FollowStatus,
    IntroCall,
    Invitation,
    Mute,
    PersonNote,
)


@dataclass(frozen=True)
class Relationship:
    """What `viewer` is to `person`, from the viewer's side."""

    is_self: bool = False
    connection: Connection | None = None

    @property
    def connected(self) -> bool:
        return self.connection is not None


ANONYMOUS = Relationship()
SELF = Relationship(is_self=True)


def ordered_pair(a_id: int, b_id: int) -> tuple[int, int]:
    """Return two person ids in the order a Connection stores them."""
    return (a_id, b_id) if a_id < b_id else (b_id, a_id)


def relationship_between(viewer, person) -> Relationship:
    """Return how `viewer` (a Person, AnonymousUser or None) stands to `person`."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return ANONYMOUS
    if viewer.pk == person.pk:
        return SELF
    return Relationship(connection=connection_of_pair(viewer.pk, person.pk))


_CONNECTION_COLUMNS = [field.column for field in Connection._meta.concrete_fields]
# Names come from the model's metadata, never from input: not an injection vector.
_CONNECTION_BY_PAIR = (
    f"SELECT {', '.join(_CONNECTION_COLUMNS)} FROM {Connection._meta.db_table} "  # noqa: S608
    "WHERE person_a_id = %s AND person_b_id = %s"
)


def connection_of_pair(a_id: int, b_id: int) -> Connection | None:
    """Return the connection between two person ids, or None.

    On every profile view and policy check: one prepared statement on the unique index,
    without building an ORM queryset (which costs more than the query; bench/).
    """
    with db_connection.cursor() as cursor:
        cursor.execute(_CONNECTION_BY_PAIR, ordered_pair(a_id, b_id))
        row = cursor.fetchone()
    return Connection.from_db(db_connection.alias, _CONNECTION_COLUMNS, row) if row else None


def connections_of(person) -> QuerySet[Connection]:
    """Return the connections `person` is part of."""
    return Connection.objects.filter(Q(person_a=person) | Q(person_b=person))


def connected_ids(person) -> set[int]:
    """Return the ids of everyone `person` is connected to."""
    rows = connections_of(person).values_list("person_a_id", "person_b_id")
    return {a if b == person.pk else b for a, b in rows}


def access_invitation(viewer, invitation_id) -> Invitation:
    """Return the invitation if `viewer` sent or received it, else raise Http404."""
    invitation_id = parse_id(invitation_id)
    invitation = None
    if invitation_id and getattr(viewer, "is_authenticated", False):
        invitation = (
            Invitation.objects.select_related("sender", "recipient", "introduced_by")
            .filter(Q(sender=viewer) | Q(recipient=viewer), pk=invitation_id)
            .first()
        )
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def invitations_of(viewer, *, box: str) -> QuerySet[Invitation]:
    """Return `viewer`'s open invitations, received (box="received") or sent (box="sent")."""
    mine = Q(recipient=viewer) if box == "received" else Q(sender=viewer)
    return (
        Invitation.objects.filter(mine, status__in=OPEN_INVITATION_STATUSES)
        .select_related("sender", "recipient", "introduced_by")
        .order_by("-id")
    )


def access_intro_call(viewer, call_id) -> IntroCall:
    """Return the intro call if `viewer` is its host or guest, else raise Http404."""
    call_id = parse_id(call_id)
    call = None
    if call_id and getattr(viewer, "is_authenticated", False):
        call = (
            IntroCall.objects.select_related("host", "guest", "invitation")
            .prefetch_related("slots")
            .filter(Q(host=viewer) | Q(guest=viewer), pk=call_id)
            .first()
        )
    if call is None:
        raise Http404("No such intro call.")
    return call


CONNECTION_SORTS = {
    "since": ("-since", "-id"),
    "last_interaction": ("-last_interaction_at", "-id"),
}


def connection_list(viewer, *, query: str = "", sort: str = "since") -> list[tuple]:
    """Return (connection, other person) pairs of `viewer`, searched and sorted.

    `sort` is "since", "last_interaction" or "name". Blocked or deactivated people are left out.
    """
    from kith.people.models import Person

    connections = list(
        connections_of(viewer).order_by(*CONNECTION_SORTS.get(sort, CONNECTION_SORTS["since"]))
    )
    people = Person.objects.filter(
        pk__in=[c.other(viewer.pk) for c in connections], is_active=True
    ).exclude(blocks__blocked=viewer)
    if query:
        people = people.filter(Q(handle__icontains=query) | Q(display_name__icontains=query))
    by_id = {person.pk: person for person in people}
    pairs = [(c, by_id[c.other(viewer.pk)]) for c in connections if c.other(viewer.pk) in by_id]
    if sort == "name":
        pairs.sort(key=lambda pair: pair[1].display_name.lower())
    return pairs


# --- Follows, blocks, mutes and private notes ---------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Follows, block, mute and private note between the viewer and a person, viewer's side."""

    follow_status: str | None = None  # viewer → person: "active", "requested" or None
    followed_by_status: str | None = None  # person → viewer
    blocking: bool = False
    muting: bool = False
    muted_until: datetime | None = None  # None with `muting` means until unmuted
    note: str = ""
    hide_reposts: bool = False  # the viewer's follow leaves the person's reposts out

    @property
    def following(self) -> bool:
        return self.follow_status == FollowStatus.ACTIVE

    @property
    def requested(self) -> bool:
        return self.follow_status == FollowStatus.REQUESTED

    @property
    def followed_by(self) -> bool:
        return self.followed_by_status == FollowStatus.ACTIVE

    @property
    def requested_by(self) -> bool:
        return self.followed_by_status == FollowStatus.REQUESTED


def is_blocked_between(a, b) -> bool:
    """Return whether either of two people blocked the other."""
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def active_mutes(person, *, now: datetime | None = None) -> QuerySet[Mute]:
    """Return `person`'s mutes that have not expired: the people feeds leave out for them."""
    now = now or timezone.now()
    return Mute.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now), muter=person)


def muted_ids(person) -> set[int]:
    """Return the ids of the people `person` mutes right now."""
    return set(active_mutes(person).values_list("muted_id", flat=True))


def standing_between(viewer, person) -> Standing:
    """Return how `viewer` stands to `person` in follows, blocks, mutes and notes (one query).

    Only the viewer's own block, mute and note are read: nobody learns another's.
    """
    if viewer is None or not getattr(viewer, "is_authenticated", False) or viewer.pk == person.pk:
        return Standing()
    return standings_between(viewer, [person.pk]).get(person.pk, Standing())


def standings_between(viewer, person_ids) -> dict[int, Standing]:
    """Return `standing_between` for many people at once, by id (one query); people the
    viewer has nothing with, the viewer themselves and unknown ids get an empty Standing."""
    from kith.people.models import Person

    ids = set(person_ids)
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not ids:
        return {person_id: Standing() for person_id in ids}
    mute = active_mutes(viewer).filter(muted=OuterRef("pk"))
    follow = Follow.objects.filter(follower=viewer, target_person=OuterRef("pk"))
    rows = (
        Person.objects.filter(pk__in=ids - {viewer.pk})
        .annotate(
            follow_status=Subquery(follow.values("status")[:1]),
            hide_reposts=Subquery(follow.values("hide_reposts")[:1]),
            followed_by_status=Subquery(
                Follow.objects.filter(follower=OuterRef("pk"), target_person=viewer).values(
                    "status"
                )[:1]
            ),
            blocking=Exists(Block.objects.filter(blocker=viewer, blocked=OuterRef("pk"))),
            muting=Exists(mute),
            muted_until=Subquery(mute.values("expires_at")[:1]),
            note=Subquery(
                PersonNote.objects.filter(author=viewer, subject=OuterRef("pk")).values("body")[:1]
            ),
        )
        .values_list(
            "pk",
            "follow_status",
            "hide_reposts",
            "followed_by_status",
            "blocking",
            "muting",
            "muted_until",
            "note",
        )
    )
    found = {person_id: Standing() for person_id in ids}
    for pk, status, hide, by_status, blocking, muting, until, note in rows:
        found[pk] = Standing(
            follow_status=status,
            followed_by_status=by_status,
            blocking=blocking,
            muting=muting,
            muted_until=until,
            note=note or "",
            hide_reposts=bool(hide),
        )
    return found


# A page's people (up to this many) are checked with a query compiled once (`core.prepared`).
PREPARED_IDS = 80
_CONNECTION_FIELDS = tuple(f.attname for f in Connection._meta.concrete_fields)
_CONNECTIONS = Prepared(
    lambda p: Connection.objects.filter(
        Q(person_a_id=p.id("viewer"), person_b_id__in=p.ids("b", PREPARED_IDS))
        | Q(person_b_id=p.id("viewer"), person_a_id__in=p.ids("a", PREPARED_IDS))
    ).values_list(*_CONNECTION_FIELDS)
)


def connections_with(viewer, person_ids) -> dict[int, Connection]:
    """Return `viewer`'s connections to those of `person_ids` they are connected to, by the
    other person's id (one query)."""
    ids = set(person_ids)
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not ids:
        return {}
    if len(ids) <= PREPARED_IDS:
        ordered = list(ids)
        found = (
            instance(Connection, _CONNECTION_FIELDS, row)
            for row in _CONNECTIONS.rows(viewer=viewer.pk, a=ordered, b=ordered)
        )
        return {connection.other(viewer.pk): connection for connection in found}
    rows = Connection.objects.filter(
        Q(person_a_id=viewer.pk, person_b_id__in=ids)
        | Q(person_b_id=viewer.pk, person_a_id__in=ids)
    )
    return {connection.other(viewer.pk): connection for connection in rows}


def follows_of(person) -> QuerySet[Follow]:
    """Return the people `person` follows (active follows), newest first, with the person."""
    return (
        Follow.objects.filter(
            follower=person, status=FollowStatus.ACTIVE, target_person__is_active=True
        )
        .select_related("target_person")
        .order_by("-id")
    )


def followers_of(person) -> QuerySet[Follow]:
    """Return the people who follow `person` (active follows), newest first, with the person."""
    return (
        Follow.objects.filter(
            target_person=person, status=FollowStatus.ACTIVE, follower__is_active=True
        )
        .select_related("follower")
        .order_by("-id")
    )


def follow_requests_to(person) -> QuerySet[Follow]:
    """Return the follow requests waiting for `person`'s answer, newest first."""
    return (
        Follow.objects.filter(
            target_person=person, status=FollowStatus.REQUESTED, follower__is_active=True
        )
        .select_related("follower")
        .order_by("-id")
    )


def access_follow_request(person, handle: str) -> Follow:
    """Return the follow request from `handle` waiting for `person`, else raise Http404."""
    from kith.people.validators import normalise_handle

    follow = follow_requests_to(person).filter(follower__handle=normalise_handle(handle)).first()
    if follow is None:
        raise Http404("No such follow request.")
    return follow


def blocks_of(person) -> QuerySet[Block]:
    """Return the people `person` blocked, newest first."""
    return Block.objects.filter(blocker=person).select_related("blocked").order_by("-id")


def mutes_of(person) -> QuerySet[Mute]:
    """Return `person`'s active mutes, newest first, with the muted person."""
    return active_mutes(person).select_related("muted").order_by("-id")


def note_of(author, subject) -> str:
    """Return the private note `author` keeps on `subject` (only ever for the author)."""
    return (
        PersonNote.objects.filter(author=author, subject=subject)
        .values_list("body", flat=True)
        .first()
        or ""
    )


def open_invitations_with(viewer, person_ids) -> dict[int, str]:
    """Return, by the other person's id, "sent" or "received" for each open invitation
    between `viewer` and those of `person_ids` (one query; only the viewer's own)."""
    ids = set(person_ids)
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not ids:
        return {}
    rows = Invitation.objects.filter(
        Q(sender_id=viewer.pk, recipient_id__in=ids) | Q(recipient_id=viewer.pk, sender_id__in=ids),
        status__in=OPEN_INVITATION_STATUSES,
    ).values_list("sender_id", "recipient_id")
    return {
        (recipient if sender == viewer.pk else sender): (
            "sent" if sender == viewer.pk else "received"
        )
        for sender, recipient in rows
    }
