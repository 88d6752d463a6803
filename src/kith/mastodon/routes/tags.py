"""Hashtags (docs.joinmastodon.org/methods/tags, followed_tags) on Kith's tag follows
(`communities.actions.tag_follow`): a followed hashtag's posts may reach your home feed."""

from __future__ import annotations

from django.http import HttpResponse
from ninja import Query, Router

from kith.communities import actions as community_actions
from kith.communities.models import TopicFollow
from kith.conversations.models import Hashtag
from kith.core.text import normalise_tag
from kith.mastodon import entities
from kith.mastodon.auth import mastodon_auth
from kith.mastodon.errors import not_found
from kith.mastodon.pagination import PageParams, paginate
from kith.mastodon.routes.people import signed_in

router = Router(tags=["tags"])


def _name(raw: str) -> str:
    name = normalise_tag((raw or "").lstrip("#"))
    if name is None:
        raise not_found()
    return name


def _following(viewer, hashtag: Hashtag) -> bool | None:
    if not signed_in(viewer):
        return None
    return TopicFollow.objects.filter(person=viewer, hashtag=hashtag).exists()


@router.get("/followed_tags", auth=mastodon_auth("read:follows"))
def followed_tags(request, response: HttpResponse, page: Query[PageParams]):
    """The hashtags you follow, most recently followed first (named topics stay in Kith)."""
    follows = TopicFollow.objects.filter(person=request.auth, hashtag__isnull=False).select_related(
        "hashtag"
    )
    found = paginate(request, follows, page, default_limit=100, max_limit=200)
    found.add_link(response)
    return [entities.tag(f.hashtag, following=True) for f in found.items]


@router.get("/tags/{name}", auth=mastodon_auth("read:follows", optional=True))
def get_tag(request, name: str):
    hashtag = Hashtag.objects.filter(name=_name(name)).first()
    if hashtag is None:
        raise not_found()
    return entities.tag(hashtag, following=_following(request.auth, hashtag))


@router.post("/tags/{name}/follow", auth=mastodon_auth("write:follows"))
def follow_tag(request, name: str):
    follow = community_actions.tag_follow(person=request.auth, tag=_name(name))
    return entities.tag(follow.hashtag, following=True)


@router.post("/tags/{name}/unfollow", auth=mastodon_auth("write:follows"))
def unfollow_tag(request, name: str):
    hashtag = Hashtag.objects.filter(name=_name(name)).first()
    if hashtag is None:
        raise not_found()
    community_actions.tag_unfollow(person=request.auth, tag=hashtag.name)
    return entities.tag(hashtag, following=False)
