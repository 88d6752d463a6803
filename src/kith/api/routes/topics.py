"""Topics in the native API: follow a hashtag (as from its tag page) or a named topic.

What you follow is private: only you see it. A topic's posts are listed through
`conversations.access`, like every list.
"""

from __future__ import annotations

from django.http import Http404
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from kith.api import auth
from kith.api.post_schemas import PostOut
from kith.api.post_serializers import json_response, posts_data
from kith.api.routes.people import PageQuery
from kith.api.routes.posts import _max_id, _page_response
from kith.api.schemas import ErrorOut
from kith.communities import actions, selectors
from kith.communities.models import Topic, TopicFollow
from kith.core.text import normalise_tag

router = Router(tags=["topics"], auth=auth.optional)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class TagOut(Schema):
    tag: str
    url: str
    following: bool = Field(description="You follow it")
    followers_count: int


class TopicOut(Schema):
    id: str
    slug: str
    url: str
    name: str
    description: str
    tags: list[str]
    following: bool


class TopicIn(Schema):
    model_config = ConfigDict(extra="forbid")
    slug: str = Field(max_length=64)
    name: str = Field(max_length=200)
    description: str = Field("", max_length=10_000)
    tags: list[str] = Field(max_length=50, description="Its hashtags (without #), at least one")


class FollowedOut(Schema):
    tags: list[str]
    topics: list[TopicOut]


class TopicPostsQuery(PageQuery):
    limit: int = Field(20, ge=1)


def _tag_name(tag: str) -> str:
    name = normalise_tag(tag)
    if name is None:
        raise Http404("No such tag.")
    return name


def _tag_dict(viewer, name: str) -> dict:
    return {
        "tag": name,
        "url": f"/tags/{name}",
        "following": selectors.follows_tag(viewer, name),
        "followers_count": selectors.tag_follower_count(name),
    }


def _topic(slug: str) -> Topic:
    topic = Topic.objects.filter(slug=(slug or "").lower()).first()
    if topic is None:
        raise Http404("No such topic.")
    return topic


def _topic_dict(viewer, topic: Topic) -> dict:
    signed_in = viewer is not None and viewer.is_authenticated
    return {
        "id": str(topic.pk),
        "slug": topic.slug,
        "url": topic.get_absolute_url(),
        "name": topic.name,
        "description": topic.description,
        "tags": sorted(tag.name for tag in topic.hashtags.all()),
        "following": signed_in and TopicFollow.objects.filter(person=viewer, topic=topic).exists(),
    }


@router.get(
    "/topics/followed",
    response={200: FollowedOut, **ERRORS},
    auth=auth.required,
    summary="What you follow",
)
def followed(request):
    """Return the hashtags and named topics you follow."""
    topics = Topic.objects.filter(follows__person=request.auth).prefetch_related("hashtags")
    return json_response(
        {
            "tags": selectors.followed_tags(request.auth),
            "topics": [_topic_dict(request.auth, t) for t in topics],
        }
    )


@router.get("/topics/tags/{tag}", response={200: TagOut, **ERRORS}, summary="A hashtag")
def get_tag(request, tag: str):
    """Return a hashtag, whether you follow it, and how many people do."""
    return json_response(_tag_dict(request.auth, _tag_name(tag)))


@router.post(
    "/topics/tags/{tag}/follow",
    response={200: TagOut, **ERRORS},
    auth=auth.required,
    summary="Follow a hashtag",
)
def follow_tag(request, tag: str):
    """Follow a hashtag: posts with it that you may see can reach your feed."""
    follow = actions.tag_follow(person=request.auth, tag=tag)
    return json_response(_tag_dict(request.auth, follow.hashtag.name))


@router.delete(
    "/topics/tags/{tag}/follow",
    response={200: TagOut, **ERRORS},
    auth=auth.required,
    summary="Unfollow a hashtag",
)
def unfollow_tag(request, tag: str):
    name = _tag_name(tag)
    actions.tag_unfollow(person=request.auth, tag=name)
    return json_response(_tag_dict(request.auth, name))


@router.get("/topics", response={200: list[TopicOut], **ERRORS}, summary="Named topics")
def list_topics(request):
    """Return the named topics, by name."""
    topics = Topic.objects.prefetch_related("hashtags").order_by("name")[:200]
    return json_response([_topic_dict(request.auth, t) for t in topics])


@router.post(
    "/topics", response={201: TopicOut, **ERRORS}, auth=auth.required, summary="Name a topic"
)
def create_topic(request, data: TopicIn):
    """Create a named topic gathering hashtags (e.g. "Bread" for #sourdough and #levain)."""
    topic = actions.topic_create(by=request.auth, **data.model_dump())
    return json_response(_topic_dict(request.auth, topic), status=201)


@router.get("/topics/{slug}", response={200: TopicOut, **ERRORS}, summary="A named topic")
def get_topic(request, slug: str):
    return json_response(_topic_dict(request.auth, _topic(slug)))


@router.get(
    "/topics/{slug}/posts", response={200: list[PostOut], **ERRORS}, summary="A topic's posts"
)
def topic_posts(request, slug: str, page: Query[TopicPostsQuery]):
    """Return the posts with any of the topic's hashtags that you may see, newest first."""
    found = selectors.topic_posts(
        request.auth, _topic(slug), max_id=_max_id(page), limit=page.limit
    )
    return _page_response(request, posts_data(request.auth, found.posts), found.next_max_id)


@router.post(
    "/topics/{slug}/follow",
    response={200: TopicOut, **ERRORS},
    auth=auth.required,
    summary="Follow a topic",
)
def follow_topic(request, slug: str):
    topic = _topic(slug)
    actions.topic_follow(person=request.auth, topic=topic)
    return json_response(_topic_dict(request.auth, topic))


@router.delete(
    "/topics/{slug}/follow",
    response={200: TopicOut, **ERRORS},
    auth=auth.required,
    summary="Unfollow a topic",
)
def unfollow_topic(request, slug: str):
    topic = _topic(slug)
    actions.topic_unfollow(person=request.auth, topic=topic)
    return json_response(_topic_dict(request.auth, topic))
