"""Reports (docs.joinmastodon.org/methods/reports) into Kith's moderation queue.

Kith's queue is per community: a member reports a post in a community to its moderators
(`communities.actions.report_create`). So a Mastodon report must name at least one status
(`status_ids[]`) by the reported account, each in a community the reporter can see; each
becomes one Kith report (the comment, or the category, as its reason). A report of an
account alone, or of posts outside communities, is refused with a 422 saying so (Kith has no
server-wide queue; blocking and muting are the tools there). Nothing is forwarded anywhere.
"""

from __future__ import annotations

from django.db import transaction
from ninja import Router, Schema

from kith.communities import actions as community_actions
from kith.conversations.access import posts_by_ids
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import not_found, unprocessable
from kith.mastodon.parser import Params
from kith.mastodon.routes.people import ids_param, person_for

router = Router(tags=["reports"])


class ReportIn(Schema):
    account_id: str | int = ""
    status_ids: list[str | int] | str | int | None = None
    comment: str = ""
    forward: bool = False
    category: str = "other"
    rule_ids: list[str] | str | None = None


@router.post("/reports", auth=mastodon_auth("write:reports"))
def create_report(request, params: Params[ReportIn]):
    me = request.auth
    account = person_for(me, params.account_id)
    wanted = ids_param(params.status_ids)
    if not wanted:
        raise unprocessable(
            "Kith takes reports of posts in communities, to their moderators: name the "
            "posts (status_ids[]); to keep an account away, block or mute it"
        )
    posts = posts_by_ids(me, wanted)
    if len(posts) != len(wanted) or any(p.author_id != account.pk for p in posts.values()):
        raise not_found()
    outside = [str(pk) for pk in wanted if posts[pk].community_id is None]
    if outside:
        raise unprocessable(
            "Kith takes reports of posts in communities only (to their moderators); "
            f"not in a community: {', '.join(outside)}"
        )
    reason = (
        params.comment.strip() or f"Reported from a Mastodon app ({params.category or 'other'})"
    )
    with transaction.atomic():
        reports = [
            community_actions.report_create(by=me, post=posts[pk], reason=reason) for pk in wanted
        ]
    return entities.report_entity(reports[0], entities.account(account, me))
