"""Lists (docs.joinmastodon.org/methods/lists) on Kith's PersonList: named lists of people,
each with its own feed (`/api/v1/timelines/list/:id`, built by the timelines routes).

Kith's list feeds show the members' posts but never their replies, and never take them out
of the home feed: `replies_policy` and `exclusive` are accepted and the List always reads
`"none"` and `false` (docs/mastodon.md "Lists"). Someone else's list is a 404.
"""

from __future__ import annotations

from typing import Literal

from django.db import transaction
from django.http import HttpResponse
from ninja import Query, Router, Schema

from kith.feeds import actions as feed_actions
from kith.feeds.models import PersonListMember
from kith.feeds.selectors import access_list, lists_of
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import not_found, unprocessable
from kith.mastodon.pagination import PageParams, paginate
from kith.mastodon.parser import Params
from kith.mastodon.routes.people import ids_param, people_for
from kith.people.access import people_visible_to

router = Router(tags=["lists"])

RepliesPolicy = Literal["followed", "list", "none"]


class ListIn(Schema):
    title: str | None = None
    replies_policy: RepliesPolicy | None = None
    exclusive: bool | None = None


class AccountIdsIn(Schema):
    account_ids: list[str | int] | str | int | None = None


@router.get("/lists", auth=mastodon_auth("read:lists"))
def all_lists(request):
    """Your lists, by name."""
    return [entities.list_entity(found) for found in lists_of(request.auth)]


@router.post("/lists", auth=mastodon_auth("write:lists"))
def create_list(request, params: Params[ListIn]):
    found = feed_actions.person_list_create(owner=request.auth, name=params.title or "")
    return entities.list_entity(found)


@router.get("/lists/{list_id}", auth=mastodon_auth("read:lists"))
def get_list(request, list_id: str):
    return entities.list_entity(access_list(request.auth, list_id))


@router.put("/lists/{list_id}", auth=mastodon_auth("write:lists"))
def update_list(request, list_id: str, params: Params[ListIn]):
    """Rename a list (`title`); without a title it stays as it is."""
    found = access_list(request.auth, list_id)
    if params.title is not None:
        found = feed_actions.person_list_rename(person_list=found, name=params.title)
    return entities.list_entity(found)


@router.delete("/lists/{list_id}", auth=mastodon_auth("write:lists"))
def delete_list(request, list_id: str):
    feed_actions.person_list_delete(person_list=access_list(request.auth, list_id))
    return {}


@router.get("/lists/{list_id}/accounts", auth=mastodon_auth("read:lists"))
def list_accounts(request, response: HttpResponse, list_id: str, page: Query[PageParams]):
    """The people on the list you may see, most recently added first (`limit=0`: all)."""
    found = access_list(request.auth, list_id)
    members = PersonListMember.objects.filter(
        person_list=found, person__in=people_visible_to(request.auth)
    ).select_related("person")
    if page.limit == 0:
        rows = list(members.order_by("-id"))
        return entities.accounts([m.person for m in rows], request.auth)
    paged = paginate(request, members, page, default_limit=40, max_limit=80)
    paged.add_link(response)
    return entities.accounts([m.person for m in paged.items], request.auth)


def _people(request, params: AccountIdsIn) -> list:
    wanted = ids_param(params.account_ids)
    if not wanted:
        raise unprocessable("account_ids must name at least one account")
    people = people_for(request.auth, wanted)
    if len(people) != len(wanted):
        raise not_found()
    return people


@router.post("/lists/{list_id}/accounts", auth=mastodon_auth("write:lists"))
def add_accounts(request, list_id: str, params: Params[AccountIdsIn]):
    """Add the accounts `account_ids[]` (all of them, or none when one cannot be added)."""
    found = access_list(request.auth, list_id)
    people = _people(request, params)
    with transaction.atomic():
        for person in people:
            feed_actions.person_list_add(person_list=found, person=person)
    return {}


@router.delete("/lists/{list_id}/accounts", auth=mastodon_auth("write:lists"))
def remove_accounts(request, list_id: str, params: Params[AccountIdsIn]):
    found = access_list(request.auth, list_id)
    wanted = ids_param(params.account_ids)
    if not wanted:
        raise unprocessable("account_ids must name at least one account")
    with transaction.atomic():
        for member in PersonListMember.objects.filter(person_list=found, person_id__in=wanted):
            feed_actions.person_list_remove(person_list=found, person=member.person)
    return {}
