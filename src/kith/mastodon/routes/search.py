"""Search: `GET /api/v2/search` through Kith's search (`conversations.search`) and its access
rules: posts the viewer may see, people visible to them, tags on posts they may see.

`resolve` is ignored (Kith does not federate). `following=true` keeps the people the viewer
follows or is connected with (a connection is a mutual follow). `account_id` keeps the
statuses of that author. Statuses page with `max_id`/`min_id` or `offset`; accounts and
hashtags with `offset`.
"""

from __future__ import annotations

from ninja import Query, Router, Schema

from kith.conversations import search as kith_search
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import unprocessable
from kith.mastodon.pagination import cursor, page_limit

router = Router(tags=["search"])
TYPES = ("accounts", "statuses", "hashtags")
MAX_OFFSET = 400


class SearchQuery(Schema):
    q: str = ""
    type: str | None = None
    resolve: bool = False
    following: bool = False
    account_id: str | None = None
    exclude_unreviewed: bool = False
    max_id: str | None = None
    min_id: str | None = None
    limit: int | None = None
    offset: int = 0


def _following(person, people: list) -> list:
    from kith.relationships.access import connected_ids
    from kith.relationships.models import Follow

    ids = {p.pk for p in people}
    followed = set(
        Follow.objects.filter(follower=person, target_person_id__in=ids).values_list(
            "target_person_id", flat=True
        )
    ) | (connected_ids(person) & ids)
    return [p for p in people if p.pk in followed]


@router.get("/search", auth=mastodon_auth("read:search"), response=dict)
def search(request, params: Query[SearchQuery]):
    viewer = request.auth
    query = params.q.strip()
    if not query:
        raise unprocessable("q can't be blank")
    if params.type is not None and params.type not in TYPES:
        raise unprocessable(f"type must be one of {', '.join(TYPES)}")
    if not 0 <= params.offset <= MAX_OFFSET:
        raise unprocessable(f"offset must be between 0 and {MAX_OFFSET}")
    limit = page_limit(params.limit, default=20, maximum=40)
    offset = params.offset
    wanted = (params.type,) if params.type else TYPES
    author = cursor(params.account_id, "account_id")
    max_id = cursor(params.max_id, "max_id")
    min_id = cursor(params.min_id, "min_id")
    accounts: list[dict] = []
    statuses: list[dict] = []
    hashtags: list[dict] = []
    if "accounts" in wanted:
        people = kith_search.search_people(viewer, query, limit=offset + limit)[offset:]
        if params.following:
            people = _following(viewer, people)
        accounts = entities.accounts(people, viewer) if people else []
    if "statuses" in wanted:
        page = kith_search.search_posts(viewer, query, max_id=max_id, limit=offset + limit)
        posts = [
            p
            for p in page.posts[offset:]
            if (author is None or p.author_id == author) and (min_id is None or p.pk > min_id)
        ]
        statuses = entities.statuses(posts, viewer) if posts else []
    if "hashtags" in wanted:
        tags = kith_search.search_tags(viewer, query.lstrip("#"), limit=offset + limit)[offset:]
        hashtags = [entities.tag(tag) for tag in tags]
    return entities.search_results(accounts=accounts, statuses=statuses, hashtags=hashtags)
