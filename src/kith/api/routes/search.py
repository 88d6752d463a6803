"""Search posts (those the caller may see), people and tags."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Router, Schema

from kith.api import auth
from kith.api.post_schemas import PostOut
from kith.api.post_serializers import json_response, posts_data
from kith.api.schemas import ErrorOut, PersonSummaryOut
from kith.api.serializers import person_summary_dict
from kith.conversations import search as searching

router = Router(tags=["search"], auth=auth.optional)


class TagOut(Schema):
    name: str
    url: str


class SearchOut(Schema):
    query: str
    posts: list[PostOut] = Field(description="Only posts you may see, newest first")
    next_max_id: str | None
    people: list[PersonSummaryOut]
    tags: list[TagOut]


@router.get("", response={200: SearchOut, 401: ErrorOut, 422: ErrorOut}, summary="Search")
def search(
    request,
    q: str = Query("", max_length=500),
    type: Literal["all", "posts", "people", "tags"] = "all",
    max_id: str | None = None,
    limit: int = 20,
):
    """Search posts, people and tags; `type` is all, posts, people or tags.

    Posts are newest first; ask for older ones with `max_id` = the `next_max_id` returned.
    People and tags come with the first page only.
    """
    results = searching.search(request.auth, q, kind=type, max_id=max_id, limit=limit)
    return json_response(
        {
            "query": results.query,
            "posts": posts_data(request.auth, results.posts.posts),
            "next_max_id": str(results.posts.next_max_id) if results.posts.next_max_id else None,
            "people": [person_summary_dict(p) for p in results.people],
            "tags": [{"name": t.name, "url": t.get_absolute_url()} for t in results.tags],
        }
    )
