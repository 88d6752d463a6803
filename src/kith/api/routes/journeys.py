"""A post's journey, for its author: GET /api/kith/v1/posts/{id}/journey (anyone else: 404)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Router, Schema
from pydantic import Field

from kith.api import auth
from kith.api.schemas import ErrorOut
from kith.insights.journey import journey_for

router = Router(tags=["insights"], auth=auth.required)
ERRORS = {401: ErrorOut, 404: ErrorOut}


class JourneyPersonOut(Schema):
    handle: str = Field(description="@handle")
    name: str
    url: str


class JourneyPostOut(Schema):
    id: str
    url: str
    snippet: str
    kind: str
    visibility: str
    created_at: datetime


class JourneySummaryOut(Schema):
    verdict: Literal["echo", "conversation", "quiet"] = Field(
        description="The dashboard's echo-versus-conversation verdict (docs/insights.md)"
    )
    echo: int = Field(description="Reposts + quotes + link clicks")
    conversation: int = Field(description="Replies from others + “how I used it” stories")
    text: str = Field(description="The same in plain words")


class ShareOut(Schema):
    id: str
    kind: Literal["repost", "quote"]
    person: JourneyPersonOut
    created_at: datetime
    url: str | None = Field(description="A quote's page (a repost has none of its own)")
    snippet: str = Field(description="A quote's text")
    quote_removed: bool = Field(description="You removed your post from this quote")
    via: list[str] = Field(description="Who passed it on to them, nearest first (@handles)")
    reached: int = Field(description="Home feeds this repost brought your post to")
    children: list[ShareOut]


class CascadeOut(Schema):
    reposts: int
    quotes: int
    people: int = Field(description="Different people who reposted or quoted it")
    shares_of_quotes: int = Field(description="Reposts and quotes of those quotes")
    tree: list[ShareOut] = Field(description="Each share under the share it came through")
    left_out: int = Field(description="Later shares not drawn in the tree")


class DayClicksOut(Schema):
    day: date
    clicks: int


class HostClicksOut(Schema):
    host: str = Field(description='The referring site\'s host; "" when the click had none')
    clicks: int


class ClicksOut(Schema):
    links: int = Field(description="Short links in the post")
    total: int
    by_day: list[DayClicksOut] = Field(description="UTC days from the first to the last click")
    by_host: list[HostClicksOut]


class AudienceOut(Schema):
    reason: str = Field(description="The feed reason (connection, follow, repost, topic, …)")
    label: str
    people: int


class AudiencesOut(Schema):
    total: int = Field(description="Home feeds of others it reached")
    by_reason: list[AudienceOut]


class AcceptedOut(Schema):
    id: str
    url: str
    author: str
    snippet: str


class StoryOut(Schema):
    person: JourneyPersonOut
    story: str


class JourneyConversationOut(Schema):
    replies: int = Field(description="Replies from others in its thread")
    participants: int = Field(description="Different people who replied")
    your_replies: int
    answers: int
    accepted_answer: AcceptedOut | None
    became_conversation: bool = Field(description="Someone replied and you replied back")
    helpful: int
    stories: int
    story_list: list[StoryOut]


class JourneyOut(Schema):
    post: JourneyPostOut
    summary: JourneySummaryOut
    cascade: CascadeOut
    clicks: ClicksOut
    audiences: AudiencesOut
    conversation: JourneyConversationOut


@router.get(
    "/posts/{post_id}/journey",
    response={200: JourneyOut, **ERRORS},
    summary="The journey of my post",
)
def post_journey(request, post_id: str):
    """Who shared my post via whom, its link clicks per day and site, the audiences it
    reached and the conversation it started. Only its author may ask (anyone else: 404)."""
    return journey_for(request.auth, post_id)
