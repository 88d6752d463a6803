"""Response schemas of the insights endpoints (the same data as docs/insights.md describes)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Schema


class WindowOut(Schema):
    since: str
    until: str
    days: int


class TwoWayOut(Schema):
    posts: int
    conversations: int
    ratio: float | None
    replies_to_others: int
    broadcasts: int
    reply_share: float | None


class PersonRef(Schema):
    id: str
    handle: str
    name: str
    url: str


class RelationshipOut(PersonRef):
    relation: str
    out: int
    in_: int = Field(..., alias="in")
    status: Literal["balanced", "one_sided_out", "one_sided_in", "dormant"]


class ReciprocityOut(Schema):
    balanced: int
    one_sided_out: int
    one_sided_in: int
    dormant: int
    balanced_min_ratio: float
    people: list[RelationshipOut]


class ResponseOut(Schema):
    received: int
    answered: int
    median_hours: float | None


class ResponseTimesOut(Schema):
    replies: ResponseOut
    mentions: ResponseOut
    questions: ResponseOut
    messages: ResponseOut


class OutcomesOut(Schema):
    connected: int
    call_held: int
    intro_offered: int
    declined: int
    withdrawn: int
    pending: int


class InvitingPersonOut(PersonRef):
    outcome: str


class InvitationsOut(Schema):
    received: int
    from_strangers: int
    outcomes: OutcomesOut
    people: list[InvitingPersonOut]


class StrangerOut(PersonRef):
    relation: str


class StrangersOut(Schema):
    connections: int
    connections_never_talked: int
    follows: int
    follows_never_talked: int
    people: list[StrangerOut]
    invitations: InvitationsOut


class AttentionOut(Schema):
    load: float
    capacity: int
    load_share: float | None
    feed_entries: int
    from_people_you_talk_to: int
    talk_share: float | None
    people_you_talk_to: int
    people: list[PersonRef]


class ValueOut(Schema):
    helpful_given: int
    helpful_received: int
    stories_given: int
    stories_received: int
    accepted_answers_given: int
    accepted_answers_received: int


class FadingPersonOut(PersonRef):
    last_exchange: str | None
    connected_since: str
    reason: str


class FadingOut(Schema):
    months: int
    count: int
    people: list[FadingPersonOut]


class PostEchoOut(Schema):
    id: str
    url: str
    snippet: str
    created_at: str
    week: int
    reposts: int
    quotes: int
    clicks: int
    replies: int
    answers: int
    stories: int
    echo: int
    conversation: int
    became_conversation: bool
    verdict: Literal["echo", "conversation", "quiet"]


class EchoOut(Schema):
    echo: int
    conversation: int
    echoed: int
    discussed: int
    quiet: int
    posts: list[PostEchoOut]


class WeekOut(Schema):
    week: int
    starts: str
    posts: int
    conversations: int
    replies_sent: int
    helpful_given: int
    helpful_received: int
    stories_given: int
    stories_received: int
    interactions_out: int
    interactions_in: int
    people_talked_with: int
    response_median_hours: float | None
    invitations_from_strangers: int
    feed_entries: int
    feed_from_people_you_talk_to: int
    echo: int
    conversation: int


class InsightsOut(Schema):
    person: str
    window: WindowOut
    headline: str
    two_way: TwoWayOut
    reciprocity: ReciprocityOut
    response_time: ResponseTimesOut
    strangers: StrangersOut
    attention: AttentionOut
    value: ValueOut
    fading: FadingOut
    echo: EchoOut
    trend: list[WeekOut]


class InteractionOut(Schema):
    kind: str
    direction: Literal["out", "in"]
    person: str
    week: int
    week_starts: str
    count: int


class ReportOut(InsightsOut):
    interactions: list[InteractionOut]


class DrillOut(Schema):
    title: str
    posts: list[dict]
    people: list[dict]
