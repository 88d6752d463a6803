"""Shared look-ups for the account-side routes: a person by id through the one access rule,
and ids read from paths and `id[]` lists.

Missing, deactivated, unconfirmed and people who blocked the viewer all answer the same
404 "Record not found" (`people.access.people_visible_to`): nobody learns that a hidden
account exists.
"""

from __future__ import annotations

from kith.core.ids import parse_id
from kith.mastodon.errors import not_found
from kith.people.access import people_visible_to
from kith.people.models import Person

MAX_IDS = 80


def signed_in(viewer) -> bool:
    return viewer is not None and getattr(viewer, "is_authenticated", False)


def person_for(viewer, account_id) -> Person:
    """Return the person `account_id` names if `viewer` may see them, else raise a 404."""
    pk = parse_id(account_id)
    if pk is None:
        raise not_found()
    if signed_in(viewer) and viewer.pk == pk:
        return viewer
    person = people_visible_to(viewer).filter(pk=pk).first()
    if person is None:
        raise not_found()
    return person


def ids_param(value) -> list[int]:
    """Read `id[]` (or a single `id`) into distinct ids, in order; non-ids are dropped (as
    Mastodon, which answers only for the accounts it finds)."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    seen: list[int] = []
    for raw in values[:MAX_IDS]:
        pk = parse_id(str(raw)) if not isinstance(raw, int) else parse_id(raw)
        if pk is not None and pk not in seen:
            seen.append(pk)
    return seen


def people_for(viewer, ids: list[int]) -> list[Person]:
    """Return the people among `ids` that `viewer` may see, in the order asked (one query)."""
    if not ids:
        return []
    found = {p.pk: p for p in people_visible_to(viewer).filter(pk__in=ids)}
    if signed_in(viewer) and viewer.pk in ids:
        found[viewer.pk] = viewer
    return [found[pk] for pk in ids if pk in found]
