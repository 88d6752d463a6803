"""Every interaction between a person and others, counted in grouped queries.

An interaction has a kind (reply, mention, quote, repost, message, …), a direction ("out":
the person did it to someone; "in": someone did it to the person) and the other person.
Each source below is one query grouped by (other person, week), so the whole history of a
person comes back as a few hundred aggregated rows, whatever its size.

Privacy: a post by someone else counts only if the person may see it now
(`conversations.access.visible_q`: blocks either way, deleted posts, visibility changes,
deactivated authors); a person counts only while neither has blocked the other and their
account is active. Blocking someone removes them from every row.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from django.db.models import Case, Count, F, Max, Min, Q, QuerySet, Value, When

from kith.conversations.access import visible_q
from kith.conversations.models import Mention, Post, Reaction, ReactionKind
from kith.insights.sql import epoch, run, stand_in, week_index
from kith.messaging.models import Message
from kith.relationships.models import Block, InvitationMessage

# Kinds that are words exchanged between two people (the rest are echoes and marks of value).
WORD_KINDS = frozenset({"reply", "mention", "quote", "message", "invitation_message"})
KINDS = (
    "reply",
    "mention",
    "quote",
    "message",
    "invitation_message",
    "repost",
    "helpful",
    "used",
    "accepted_answer",
)


class Row(NamedTuple):
    """How often `kind` happened in `direction` between the person and `other` in `week`.

    `interaction_rows` returns plain tuples in this order (making tens of thousands of
    named tuples costs more than the rest of the sums).
    """

    kind: str
    direction: str
    other: int
    week: int
    n: int
    first: float  # epoch seconds of the first and last in that week
    last: float


def person_ok(me, field: str) -> Q:
    """Match rows whose person in `field` `me` may see (`people.access.people_visible_to`),
    and whom `me` has not blocked."""
    blocked_by = Block.objects.filter(blocked=me).values("blocker")
    blocking = Block.objects.filter(blocker=me).values("blocked")
    return (
        ~Q(**{f"{field}__in": blocked_by})
        & ~Q(**{f"{field}__in": blocking})
        & Q(**{f"{field}__is_active": True, f"{field}__email_confirmed_at__isnull": False})
    )


def _grouped(
    qs: QuerySet,
    other,
    time_field: str,
    since: datetime,
    until: datetime,
    *,
    words: bool,
    split: str | None = None,
):
    # Only words need the first and last moment (strangers, fading ties), over all time: the
    # others are read in the window only, and save two date conversions a row. Before the
    # window, words need no weeks: they come back as one row per person, week -1.
    if words:
        span = {"first": Min(epoch(time_field)), "last": Max(epoch(time_field))}
        week = Case(
            When(**{f"{time_field}__lt": since}, then=Value(-1)),
            default=week_index(time_field, since),
        )
        qs = qs.filter(**{f"{time_field}__lte": until})
    else:
        span = {"first": Value(0.0), "last": Value(0.0)}
        week = week_index(time_field, since)
        qs = qs.filter(**{f"{time_field}__gte": since, f"{time_field}__lte": until})
    # `split`: a column holding the kind (reactions: helpful or used), so both kinds come
    # from one pass over the rows.
    kind = {"_kind": F(split)} if split else {"_kind": Value("")}
    return (
        qs.annotate(_other=other, _week=week, **kind)
        .values("_kind", "_other", "_week")
        .annotate(n=Count("pk"), **span)
        .order_by()
    )


def _sources(me) -> list[tuple[str, str, Callable[[datetime], QuerySet]]]:
    mine = Q(author=me, deleted_at__isnull=True)
    reply_out = (
        Post.objects.filter(mine, in_reply_to__isnull=False)
        .exclude(in_reply_to__author=me)
        .filter(visible_q(me, "in_reply_to__"))
    )
    # A reply mentions the author it answers: that mention is the reply, not counted twice.
    mention_out = Mention.objects.filter(
        person_ok(me, "person"), post__author=me, post__deleted_at__isnull=True
    ).exclude(Q(person=me) | Q(post__in_reply_to__author=F("person")))
    quote_out = (
        Post.objects.filter(mine, quote_of__isnull=False)
        .exclude(quote_of__author=me)
        .filter(visible_q(me, "quote_of__"))
    )
    repost_out = (
        Post.objects.filter(author=me, repost_of__isnull=False, **{})
        .filter(visible_q(me, "repost_of__"))
        .exclude(repost_of__author=me)
    )
    reactions = [ReactionKind.HELPFUL, ReactionKind.USED]
    reaction_out = (
        Reaction.objects.filter(person=me, kind__in=reactions)
        .exclude(post__author=me)
        .filter(visible_q(me, "post__"))
    )
    reaction_in = Reaction.objects.filter(
        person_ok(me, "person"), post__author=me, post__deleted_at__isnull=True, kind__in=reactions
    ).exclude(person=me)
    message_out = (
        Message.objects.filter(sender=me)
        .annotate(_to=F("thread__participants__person"))
        .filter(person_ok(me, "thread__participants__person"))
        .exclude(_to=me.pk)
    )
    message_in = Message.objects.filter(
        person_ok(me, "sender"), thread__participants__person=me
    ).exclude(sender=me)
    inv_out = InvitationMessage.objects.filter(author=me)
    inv_out_other = Case(
        When(invitation__sender=me, then=F("invitation__recipient")),
        default=F("invitation__sender"),
    )
    inv_in = InvitationMessage.objects.filter(
        person_ok(me, "author"), Q(invitation__sender=me) | Q(invitation__recipient=me)
    ).exclude(author=me)
    # An answer of mine the asker accepted (value given), one of theirs I accepted (received).
    # From `me`'s posts to the questions that accepted them, through the partial index of
    # posts that accepted an answer (`post_accepted_answer`: "not null" lets SQLite use it).
    accepted_out = Post.objects.filter(
        visible_q(me),
        kind="question",
        accepted_answer__isnull=False,
        accepted_answer__in=Post.objects.filter(author=me).values("pk"),
    ).exclude(author=me)
    accepted_in = (
        Post.objects.filter(mine, kind="question", accepted_answer__isnull=False)
        .filter(visible_q(me, "accepted_answer__"))
        .exclude(accepted_answer__author=me)
    )

    def g(qs, other, time_field="created_at", words=True, split=None):
        return lambda since, until: _grouped(
            qs, other, time_field, since, until, words=words, split=split
        )

    return [
        ("reply", "out", g(reply_out, F("in_reply_to__author"))),
        ("mention", "out", g(mention_out, F("person"), "post__created_at")),
        ("quote", "out", g(quote_out, F("quote_of__author"))),
        ("repost", "out", g(repost_out, F("repost_of__author"), words=False)),
        # Both reactions at once; their kind comes from the row.
        ("", "out", g(reaction_out, F("post__author"), words=False, split="kind")),
        ("", "in", g(reaction_in, F("person"), words=False, split="kind")),
        ("message", "out", g(message_out, F("_to"))),
        ("message", "in", g(message_in, F("sender"))),
        ("invitation_message", "out", g(inv_out, inv_out_other)),
        ("invitation_message", "in", g(inv_in, F("author"))),
        ("accepted_answer", "out", g(accepted_out, F("author"), "accepted_answer__created_at")),
        (
            "accepted_answer",
            "in",
            g(accepted_in, F("accepted_answer__author"), "accepted_answer__created_at"),
        ),
    ]


@lru_cache(maxsize=1)
def _compiled_sources() -> list[tuple[str, str, Callable[[datetime], QuerySet]]]:
    # Built once, for the stand-in person: `sql.run` compiles each and reuses the SQL.
    return _sources(stand_in())


def interaction_rows(me, *, since: datetime, until: datetime) -> list[Row]:
    """Return every interaction of `me` up to `until`, grouped by kind, way, person and week.

    Weeks count from `since`; words before it come as one row per person and way, week -1
    (only their first and last moment count), other kinds only from `since`. One query per
    source (12: both reactions come from one). Not here: replies and mentions `me` received,
    read once with the items to answer (`posts.words_to_me`), and reposts and quotes of `me`'s
    posts, read once with their counts per post (`posts.echoes_of_mine`).
    """
    rows: list[Row] = []
    me_id = me.pk
    for kind, direction, query in _compiled_sources():
        found = run(
            f"source:{kind}:{direction}", lambda _, s, u, q=query: q(s, u), me, since, until
        )
        for split, other, week, n, first, last in found:
            if other is not None and other != me_id:
                rows.append((split or kind, direction, other, week, n, first, last))
    return rows
