"""Who sees which person and which contact-card fields: the one rule, used by every surface.

Missing and forbidden answer the same 404. Staff see what their relationship allows, like
anyone else; moderation goes through the Django admin, not through the product's surfaces.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Q, QuerySet
from django.http import Http404

from kith.core.ids import parse_id
from kith.core.prepared import Prepared, instance
from kith.people.models import ContactField, Person, Visibility
from kith.people.validators import normalise_handle
from kith.relationships.access import ANONYMOUS, Relationship, relationship_between

_LEVELS_SELF = frozenset(Visibility.values)
_LEVELS_CONNECTED = frozenset({Visibility.PUBLIC, Visibility.CONNECTIONS})
_LEVELS_ANYONE = frozenset({Visibility.PUBLIC})
CONNECTION_LEVELS = _LEVELS_CONNECTED  # what every connection of a person sees


def visibility_levels(relationship: Relationship) -> frozenset[str]:
    """Return the field visibilities a viewer with `relationship` may see."""
    if relationship.is_self:
        return _LEVELS_SELF
    if relationship.connected:
        return _LEVELS_CONNECTED
    return _LEVELS_ANYONE


def people_visible_to(viewer) -> QuerySet[Person]:
    """Return the people whose profile `viewer` may open.

    That is everyone active with a confirmed email, except people who blocked the viewer:
    to a blocked person, the blocker is missing.
    """
    people = Person.objects.filter(is_active=True, email_confirmed_at__isnull=False)
    if viewer is not None and viewer.is_authenticated:
        people = people.exclude(blocks__blocked=viewer)
    return people


def people_findable_by_email(viewer, emails) -> QuerySet[Person]:
    """Return the people `viewer` may find by one of `emails` (an address book they imported).

    Only people who allow it (`findable_by_email`, off by default), whom `viewer` may see
    (`people_visible_to`) and has not blocked; never `viewer`. Addresses match whole and
    case-insensitively (accounts' addresses are stored lower-cased).
    """
    from kith.relationships.models import Block

    wanted = sorted({e.strip().lower() for e in emails if e and "@" in e})
    if viewer is None or not viewer.is_authenticated or not wanted:
        return Person.objects.none()
    blocked = Block.objects.filter(blocker=viewer).values("blocked")
    return (
        people_visible_to(viewer)
        .filter(findable_by_email=True, email__in=wanted)
        .exclude(pk=viewer.pk)
        .exclude(pk__in=blocked)
    )


def access_person(viewer, handle: str) -> Person:
    """Return the person with `handle` if `viewer` may see them, else raise Http404."""
    handle = normalise_handle(handle)
    if viewer is not None and viewer.is_authenticated and viewer.handle == handle:
        return viewer
    try:
        return people_visible_to(viewer).get(handle=handle)
    except Person.DoesNotExist:
        raise Http404("No such person.") from None


def visible_fields(
    viewer, person: Person, relationship: Relationship | None = None
) -> list[ContactField]:
    """Return the contact-card fields of `person` that `viewer` may see, in card order.

    Pass `relationship` when the caller already has it, to save a query.
    """
    if relationship is None:
        relationship = relationship_between(viewer, person)
    levels = visibility_levels(relationship)
    return list(ContactField.objects.filter(person=person, visibility__in=levels))


def visible_fields_of_many(
    viewer, relationships: Mapping[int, Relationship]
) -> dict[int, list[ContactField]]:
    """Return, per person id, the fields `viewer` may see of that person, in card order.

    `relationships` maps each person's id to how `viewer` stands to them. The rule is the one
    `visible_fields` applies; this makes one query per distinct set of levels (usually one),
    for address books and other lists of many people.
    """
    ids_by_levels: dict[frozenset[str], list[int]] = {}
    for person_id, relationship in relationships.items():
        ids_by_levels.setdefault(visibility_levels(relationship), []).append(person_id)
    fields: dict[int, list[ContactField]] = {person_id: [] for person_id in relationships}
    for levels, ids in ids_by_levels.items():
        for field in ContactField.objects.filter(person_id__in=ids, visibility__in=levels):
            fields[field.person_id].append(field)
    return fields


def person_for_confirmation(person_id: int, email: str) -> Person | None:
    """Return the active person a signed confirmation link names, if the email still matches."""
    return Person.objects.filter(pk=person_id, email=email, is_active=True).first()


def mail_recipients(person_ids) -> QuerySet[Person]:
    """Return those of `person_ids` Kith may email: active, with a confirmed address.

    For system mail (notification emails, digests), not for showing anyone to anyone.
    """
    return Person.objects.filter(
        pk__in=list(person_ids), is_active=True, email_confirmed_at__isnull=False
    )


def active_people(person_ids) -> QuerySet[Person]:
    """Return the active accounts among `person_ids`, each to read their own things as
    themselves (e.g. their unread counts); not for showing anyone to anyone."""
    return Person.objects.filter(pk__in=list(person_ids), is_active=True)


def access_own_field(person: Person, field_id: int | str) -> ContactField:
    """Return `person`'s own contact field `field_id`, or raise Http404."""
    field_id = parse_id(field_id)
    field = ContactField.objects.filter(pk=field_id, person=person).first() if field_id else None
    if field is None:
        raise Http404("No such contact field.")
    return field


def recent_changes_visible_to(viewer, person_ids) -> dict:
    """Return, per person id, the latest contact-card change `viewer` may see of them.

    Only `viewer`'s connections among `person_ids` count (a change shows at most the levels
    a connection sees); for "a reason to reach out" on insights. Two queries.
    """
    from kith.people.models import ContactChange
    from kith.relationships.models import Connection

    ids = set(person_ids)
    if not ids or not getattr(viewer, "is_authenticated", False):
        return {}
    rows = Connection.objects.filter(
        Q(person_a=viewer, person_b_id__in=ids) | Q(person_b=viewer, person_a_id__in=ids)
    ).values_list("person_a_id", "person_b_id")
    connected = {a if b == viewer.pk else b for a, b in rows}
    latest: dict = {}
    changes = ContactChange.objects.filter(
        person_id__in=connected, visibility__in=CONNECTION_LEVELS
    ).order_by("person_id", "-changed_at", "-id")
    for change in changes:
        latest.setdefault(change.person_id, change)
    return latest


# Hot pages (a timeline's accounts) read people and their public fields by id with queries
# compiled once (`core.prepared`); lists longer than this go through the ORM.
PREPARED_IDS = 80
_PERSON_FIELDS = tuple(f.attname for f in Person._meta.concrete_fields)
_PERSON_PK = _PERSON_FIELDS.index(Person._meta.pk.attname)
_PEOPLE = Prepared(
    lambda p: Person.objects.filter(pk__in=p.ids("ids", PREPARED_IDS)).values_list(*_PERSON_FIELDS)
)
_FIELD_FIELDS = tuple(f.attname for f in ContactField._meta.concrete_fields)
_PUBLIC_FIELDS = Prepared(
    lambda p: ContactField.objects.filter(
        person_id__in=p.ids("ids", PREPARED_IDS), visibility__in=sorted(_LEVELS_ANYONE)
    ).values_list(*_FIELD_FIELDS)
)


def people_by_ids(person_ids) -> dict[int, Person]:
    """Return, by id, the people `person_ids` that the caller already may show (authors of
    posts it loaded through the access rule, people in a relationship list): one query."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    if len(ids) <= PREPARED_IDS:
        rows = _PEOPLE.rows(ids=ids)
        return {row[_PERSON_PK]: instance(Person, _PERSON_FIELDS, row) for row in rows}
    return {person.pk: person for person in Person.objects.filter(pk__in=ids)}


def public_fields_of_many(person_ids) -> dict[int, list[ContactField]]:
    """Return, per person id, the fields anyone may see (`visible_fields_of_many` for a
    viewer with no relationship to them), in card order: one query."""
    ids = list(set(person_ids))
    if len(ids) > PREPARED_IDS:
        return visible_fields_of_many(None, {pk: ANONYMOUS for pk in ids})
    fields: dict[int, list[ContactField]] = {pk: [] for pk in ids}
    if ids:
        for row in _PUBLIC_FIELDS.rows(ids=ids):
            field = instance(ContactField, _FIELD_FIELDS, row)
            fields[field.person_id].append(field)
    return fields


def profile_counts(person_ids) -> dict[int, dict]:
    """Return, by id, what a profile counts of the people `person_ids` (one query, whatever
    their number):

    - `posts_count`: their live public posts and reposts; `last_post_at`: the newest one's;
    - `followers_count`: the active people who follow them or are connected to them (a
      connection is a follow both ways), each once; `following_count`: the other way round.

    Only public posts are counted: a count of someone's followers-only or connections-only
    posts would tell strangers how much they are not shown.
    """
    from django.db.models import F, Func, IntegerField, OuterRef, Subquery

    from kith.conversations.models import Post, PostVisibility
    from kith.relationships.models import Connection, Follow, FollowStatus

    def count(queryset) -> Subquery:
        counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        return Subquery(counted[:1], output_field=IntegerField())

    person = OuterRef(OuterRef("pk"))
    connected = Q(pk__in=Connection.objects.filter(person_a_id=person).values("person_b_id")) | Q(
        pk__in=Connection.objects.filter(person_b_id=person).values("person_a_id")
    )
    follows = Follow.objects.filter(status=FollowStatus.ACTIVE)
    followers = Q(pk__in=follows.filter(target_person_id=person).values("follower_id"))
    following = Q(pk__in=follows.filter(follower_id=person).values("target_person_id"))
    active = Person.objects.filter(is_active=True)
    public = Post.objects.filter(
        author_id=OuterRef("pk"), deleted_at__isnull=True, visibility=PostVisibility.PUBLIC
    )
    rows = (
        Person.objects.filter(pk__in=list(set(person_ids)))
        .annotate(
            posts_count=count(public),
            last_post_at=Subquery(public.order_by("-id").values("created_at")[:1]),
            followers_count=count(active.filter(followers | connected)),
            following_count=count(active.filter(following | connected)),
        )
        .values("pk", "posts_count", "last_post_at", "followers_count", "following_count")
    )
    return {row.pop("pk"): row for row in rows}
