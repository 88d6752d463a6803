"""Request and response shapes of the conversation endpoints (posts, threads, questions).

Responses are built by `post_serializers` and encoded by orjson; these schemas describe
them in the OpenAPI document (and tests check the dicts against them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from kith.api.schemas import PersonSummaryOut

PostKindName = Literal["post", "question"]
PostVisibilityName = Literal["public", "followers", "connections", "mentioned"]
RepostVisibilityName = Literal["public", "followers", "connections"]
ReplyPolicyName = Literal["everyone", "followers", "connections", "mentioned"]
QuotePolicyName = Literal["anyone", "connections", "nobody"]
QuoteStateName = Literal["shown", "removed_by_author", "unavailable"]

# Generous outer bounds that keep huge payloads out; the real limits (KITH_POST_MAX_CHARS,
# 200 for a content warning) are checked by the actions, which answer 422 `invalid`.
BODY_MAX = 100_000
TEXT_MAX = 2_000


class _PostOptions(Schema):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(max_length=BODY_MAX, description="Markdown; at most KITH_POST_MAX_CHARS")
    language: str = Field("", max_length=TEXT_MAX, description="e.g. en, de, pt-BR")
    content_warning: str = Field("", max_length=TEXT_MAX, description="At most 200 characters")
    reply_policy: ReplyPolicyName = "everyone"
    quote_policy: QuotePolicyName = "anyone"
    media_ids: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Your draft images (POST /media), in order; at most four",
    )


class PollIn(Schema):
    model_config = ConfigDict(extra="forbid")
    options: list[str] = Field(
        max_length=20, description="2 to 4 options, each at most 50 characters, all different"
    )
    expires_in: int = Field(
        86400, description="Seconds the poll is open: 300 (5 minutes) to 2629746 (a month)"
    )
    multiple: bool = Field(False, description="Voters may choose several options")
    hide_totals: bool = Field(
        False, description="Counts per option hidden until the poll ends (not from you)"
    )


POLL_FIELD = Field(None, description="A poll on the post (see PollIn)")


COMMUNITY_FIELD = Field(
    None, max_length=64, description="Slug of a community you may post in (replies: the thread's)"
)


class PostIn(_PostOptions):
    kind: PostKindName = "post"
    visibility: PostVisibilityName = "public"
    community: str | None = COMMUNITY_FIELD
    poll: PollIn | None = POLL_FIELD


class QuoteIn(_PostOptions):
    visibility: PostVisibilityName = "public"
    community: str | None = COMMUNITY_FIELD


class ReplyIn(_PostOptions):
    visibility: PostVisibilityName | None = Field(
        None, description="Default: the visibility of the post replied to"
    )
    poll: PollIn | None = POLL_FIELD


class EditIn(Schema):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(max_length=BODY_MAX)
    content_warning: str | None = Field(None, max_length=TEXT_MAX, description="null: unchanged")
    language: str | None = Field(None, max_length=TEXT_MAX, description="null: unchanged")
    poll: PollIn | None = Field(
        None,
        description="null: unchanged. A poll adds one or replaces the post's; new options "
        "or a change of `multiple` start it again with no votes (as on Mastodon); the "
        "duration counts from now",
    )
    remove_poll: bool = Field(False, description="Delete the post's poll and its votes")


class VoteIn(Schema):
    model_config = ConfigDict(extra="forbid")
    choices: list[int] = Field(
        max_length=20, description="The options you choose, by number (`options[].id`, from 0)"
    )


class RepostIn(Schema):
    model_config = ConfigDict(extra="forbid")
    visibility: RepostVisibilityName = "public"


class AcceptIn(Schema):
    model_config = ConfigDict(extra="forbid")
    answer_id: str = Field(max_length=40, description="A reply to this question")


class UsedIn(Schema):
    model_config = ConfigDict(extra="forbid")
    story: str = Field(max_length=TEXT_MAX * 5, description="How you used it (plain text)")
    public: bool = Field(False, description="Everyone who can see the post may read it")


class CountsOut(Schema):
    replies: int
    reposts: int
    quotes: int
    helpful: int
    used: int


class ViewerStateOut(Schema):
    helpful: bool = Field(description="You marked it helpful")
    used: bool = Field(description="You told how you used it")
    reposted: bool


class QuotedPostOut(Schema):
    id: str
    url: str
    author: PersonSummaryOut
    kind: str
    created_at: datetime
    edited_at: datetime | None
    content_warning: str
    body: str
    html: str


class QuoteOut(Schema):
    id: str | None = Field(description="The quoted post, when shown")
    state: QuoteStateName = Field(
        description="removed_by_author: its author revoked the quote; unavailable: deleted, "
        "or not visible to you"
    )
    post: QuotedPostOut | None


class MediaOut(Schema):
    id: str
    url: str = Field(description="Served only to people who may see the post")
    thumbnail_url: str
    width: int
    height: int
    alt_text: str
    post_id: str | None = Field(description="None while it is a draft")


class PollOptionOut(Schema):
    id: int = Field(description="The option's number, from 0 (what a vote names)")
    title: str
    votes_count: int | None = Field(description="null while the poll hides its counts")


class PollOut(Schema):
    id: str
    expires_at: datetime
    expired: bool
    multiple: bool = Field(description="Voters may choose several options")
    hide_totals: bool = Field(description="Counts per option are hidden until it ends")
    votes_count: int = Field(description="Options chosen, all voters together")
    voters_count: int = Field(description="People who voted")
    counts_shown: bool = Field(
        description="You see the counts per option: always, unless hide_totals and the "
        "poll is open (its author sees them all along)"
    )
    options: list[PollOptionOut]
    voted: bool | None = Field(description="You voted (null when not signed in)")
    own_votes: list[int] = Field(description="The options you chose")
    can_vote: bool = Field(description="Signed in, not yours, not voted yet, still open")


class PostOut(Schema):
    id: str
    url: str
    author: PersonSummaryOut
    kind: Literal["post", "question", "answer"]
    visibility: PostVisibilityName
    created_at: datetime
    edited_at: datetime | None
    deleted: bool = Field(description="A tombstone: the text is gone, replies stay")
    deleted_at: datetime | None
    version: int
    language: str
    content_warning: str
    body: str = Field(description="Markdown source")
    html: str = Field(description="Rendered and sanitised")
    tags: list[str]
    community: str | None = Field(description="The community it is in (its slug), if any")
    media: list[MediaOut] = Field(description="Images, in order (at most four)")
    poll: PollOut | None = Field(description="Its poll, as you see it")
    in_reply_to_id: str | None
    thread_root_id: str
    depth: int
    reply_policy: ReplyPolicyName
    replies_closed: bool
    quote_policy: QuotePolicyName
    accepted_answer_id: str | None
    answered: bool
    counts: CountsOut
    quote: QuoteOut | None
    viewer: ViewerStateOut
    repost_of: PostOut | None = Field(description="For a repost: the original")


class ThreadRowOut(Schema):
    depth: int = Field(description="Indentation below the first row")
    parent_hidden: bool = Field(description="It replies to a post you cannot see")
    continues: bool = Field(description="Deeper replies: ask again with below=<this id>")
    post: PostOut


class ThreadOut(Schema):
    focus_id: str
    rows: list[ThreadRowOut]


class EditOut(Schema):
    version: int
    body: str
    html: str
    content_warning: str
    language: str
    written_at: datetime
    replaced_at: datetime


class StoryOut(Schema):
    id: str
    person: PersonSummaryOut
    story: str
    public: bool
    created_at: datetime
    updated_at: datetime


PostOut.model_rebuild()
