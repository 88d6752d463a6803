"""Short links of a post and their clicks, for the post's author."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from kith.api import auth
from kith.api.schemas import ErrorOut
from kith.conversations.access import access_post
from kith.conversations.links import links_for_author

router = Router(tags=["links"], auth=auth.required)
ERRORS = {401: ErrorOut, 404: ErrorOut}


class ReferrerOut(Schema):
    host: str  # "" when the click carried no referrer
    clicks: int


class LinkOut(Schema):
    code: str
    short_url: str
    url: str
    clicks: int
    created_at: datetime
    referrers: list[ReferrerOut]


def _link_dict(link) -> dict:
    return {
        "code": link.code,
        "short_url": link.short_url,
        "url": link.url,
        "clicks": link.clicks_count,
        "created_at": link.created_at,
        "referrers": [{"host": host, "clicks": n} for host, n in link.referrers],
    }


@router.get(
    "/posts/{post_id}", response={200: list[LinkOut], **ERRORS}, summary="Clicks on my post's links"
)
def post_links(request, post_id: str):
    """List the short links of one of my posts with their clicks (404 for anyone else)."""
    post = access_post(request.auth, post_id)
    return [_link_dict(link) for link in links_for_author(request.auth, post)]
