"""Follow suggestions (docs.joinmastodon.org/methods/suggestions) from Kith's "people you may
want to meet" (`relevance.selectors.people_to_meet`): connections of connections and people
with your interests. A suggestion never follows anyone by itself; meeting them is an
invitation in Kith's own app. `DELETE /api/v1/suggestions/:account_id` is Kith's "Not
interested" (`relevance.actions.suggestion_dismiss`): that person is not suggested again."""

from __future__ import annotations

from ninja import Query, Router, Schema

from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.routes.people import person_for
from kith.relevance.actions import suggestion_dismiss
from kith.relevance.selectors import SUGGESTIONS_MAX, people_to_meet

router_v1 = Router(tags=["suggestions"])
router_v2 = Router(tags=["suggestions"])


class LimitQuery(Schema):
    limit: int = 40


def _suggested(request, limit: int):
    limit = max(1, min(limit, SUGGESTIONS_MAX, 80))
    return people_to_meet(request.auth, limit=limit)


def _sources(suggested) -> list[str]:
    sources = []
    if suggested.mutual_count:
        sources.append("friends_of_friends")
    if suggested.shared_interests:
        sources.append("similar_to_recently_followed")
    return sources or ["friends_of_friends"]


@router_v2.get("/suggestions", auth=mastodon_auth("read"))
def suggestions_v2(request, query: Query[LimitQuery]):
    found = _suggested(request, query.limit)
    loaded = entities.Accounts(request.auth).load(s.person.pk for s in found)
    return [entities.suggestion(loaded.of(s.person.pk), _sources(s)) for s in found]


@router_v1.get("/suggestions", auth=mastodon_auth("read"))
def suggestions_v1(request, query: Query[LimitQuery]):
    """The deprecated v1 form: just the accounts."""
    found = _suggested(request, query.limit)
    return entities.accounts([s.person for s in found], request.auth)


@router_v1.delete("/suggestions/{account_id}", auth=mastodon_auth("read"))
def dismiss(request, account_id: str):
    """Stop suggesting the account (Mastodon asks for the `read` scope here too). Someone
    the viewer may not see, or unknown, is a 404; yourself a 422. Answers `{}`."""
    person = person_for(request.auth, account_id)
    suggestion_dismiss(person=request.auth, dismissed=person)
    return {}
