"""Fan-out: who gets a feed entry for a post, and why. Called only through `feeds.actions`.

Readers come from the author's relationships (connections, followers), the post itself
(mentioned people, the person replied to), its topics and community (`kith.communities`,
through `topic_reader_ids` / `community_reader_ids`) and question routing. The candidates
go through `conversations.access.audience` (the access rule, as one query for all of them)
before an entry is written; readers away for `KITH_FEED_INACTIVE_DAYS` are skipped
(backfilled on return), in the same query. Rows are written with one INSERT … SELECT per
10,000 readers, `ON CONFLICT DO NOTHING`: one entry per post per feed, and running the
fan-out twice writes nothing more. docs/performance.md has the figures.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from kith.communities.selectors import community_member_ids, topic_follower_ids
from kith.conversations.access import audience
from kith.conversations.models import Post, PostHashtag, PostKind
from kith.core.ids import new_ids
from kith.core.sql import id_list
from kith.feeds.models import AnswerOffer, FeedEntry, FeedReason
from kith.people.models import Interest, Person
from kith.relationships.models import Connection, Follow, FollowStatus

RECENT_EXCHANGE = timedelta(days=14)

# The relationship part of the score, by reason (docs/ranking.md).
WEIGHT = {
    FeedReason.OWN: 0.0,
    FeedReason.MENTION: 4.0,
    FeedReason.REPLY_TO_YOU: 4.0,
    FeedReason.CONNECTION: 3.0,
    FeedReason.QUESTION: 2.5,
    FeedReason.FOLLOW: 1.5,
    FeedReason.COMMUNITY: 1.2,
    FeedReason.TOPIC: 1.0,
    FeedReason.REPOST: 1.0,
}
EXCHANGE_BONUS = 1.5
REPOST_FACTOR = 0.6
INTEREST_PER_TAG = 1.0
INTEREST_MAX = 2.0


def topic_reader_ids(post: Post) -> set[int]:
    """Return the people following one of `post`'s topics (who may see it): kith.communities."""
    return set(topic_follower_ids(post))


def community_reader_ids(post: Post) -> set[int]:
    """Return the members of `post`'s community (who may see it): kith.communities."""
    return set(community_member_ids(post))


@dataclass
class Circle:
    """A person's followers (with their follow settings) and connections."""

    followers: dict[int, tuple[bool, bool]] = field(default_factory=dict)  # (hide_reposts, replies)
    connections: dict[int, object] = field(default_factory=dict)  # id → last interaction

    @property
    def ids(self) -> set[int]:
        return set(self.followers) | set(self.connections)


def circle_of(person_id: int) -> Circle:
    circle = Circle()
    follows = Follow.objects.filter(target_person_id=person_id, status=FollowStatus.ACTIVE)
    # Most follows keep the defaults: read their ids alone (no per-row conversion of the
    # two flags), then the few that changed a setting.
    circle.followers = dict.fromkeys(follows.values_list("follower_id", flat=True), (False, False))
    for follower_id, hide_reposts, show_replies in follows.filter(
        Q(hide_reposts=True) | Q(show_replies=True)
    ).values_list("follower_id", "hide_reposts", "show_replies"):
        circle.followers[follower_id] = (hide_reposts, show_replies)
    pairs = Connection.objects.filter(Q(person_a_id=person_id) | Q(person_b_id=person_id))
    for a, b, last in pairs.values_list("person_a_id", "person_b_id", "last_interaction_at"):
        circle.connections[b if a == person_id else a] = last
    return circle


class Candidates:
    """Readers with the strongest reason found so far for each."""

    def __init__(self) -> None:
        self.by_id: dict[int, tuple[str, str, float]] = {}

    def offer(self, ids, reason: str, score: float | None = None, detail: str = "") -> None:
        score = WEIGHT[reason] if score is None else score
        for person_id in ids:
            current = self.by_id.get(person_id)
            if current is None or current[2] < score:
                self.by_id[person_id] = (reason, detail, score)

    def force(self, person_id: int, reason: str, score: float, detail: str = "") -> None:
        current = self.by_id.get(person_id)
        self.by_id[person_id] = (reason, detail, max(score, current[2] if current else 0.0))


def _relationship_offers(
    candidates: Candidates, circle: Circle, ids, now, *, factor=1.0, reason=None
) -> None:
    for person_id in ids:
        if person_id in circle.connections:
            score = WEIGHT[FeedReason.CONNECTION]
            last = circle.connections[person_id]
            if last is not None and now - last <= RECENT_EXCHANGE:
                score += EXCHANGE_BONUS
            candidates.offer([person_id], reason or FeedReason.CONNECTION, score * factor)
        else:
            candidates.offer(
                [person_id], reason or FeedReason.FOLLOW, WEIGHT[FeedReason.FOLLOW] * factor
            )


def author_score(author_id: int, now) -> float:
    """Return the broadcasting penalty of an author: negative if they never reply to anyone."""
    since = now - timedelta(days=90)
    counts = Post.objects.filter(
        author_id=author_id, created_at__gte=since, deleted_at__isnull=True
    ).aggregate(
        posts=Count("id", filter=Q(in_reply_to__isnull=True, repost_of__isnull=True)),
        replies=Count(
            "id", filter=Q(in_reply_to__isnull=False) & ~Q(in_reply_to__author_id=author_id)
        ),
    )
    posts, replies = counts["posts"] or 0, counts["replies"] or 0
    if posts < 5:
        return 0.0
    if replies == 0:
        return -1.5
    return -0.5 if replies * 10 < posts else 0.0


def reading_recently(now) -> Q:
    """Match the people (a `Q` on Person) who read their feed in the last
    `KITH_FEED_INACTIVE_DAYS` days (or, never having opened it, signed in or joined then)."""
    cutoff = now - timedelta(days=settings.KITH_FEED_INACTIVE_DAYS)
    return Q(feed_state__last_seen_at__gte=cutoff) | Q(feed_state__isnull=True) & (
        Q(last_login__gte=cutoff) | Q(date_joined__gte=cutoff)
    )


def may_see(post: Post, ids: set[int], *, now=None) -> set[int]:
    """Return those of `ids` who may see `post` (a repost: it and its original), by the
    access rule (`conversations.access.audience`); with `now`, only those of them who read
    their feed recently (`reading_recently`). One query, whatever the number of people."""
    if not ids or post.is_deleted or not post.author.is_active:
        return set()
    rule = audience(post)
    if post.repost_of_id is not None:
        original = post.repost_of
        if original.is_deleted or not original.author.is_active:
            return set()
        rule &= audience(original)
    if now is not None:
        rule &= reading_recently(now)
    people = Person.objects.filter(rule, pk__in=id_list(ids))
    return set(people.values_list("pk", flat=True))


def _question_offers(post: Post, candidates: Candidates, author_circle: Circle, now) -> None:
    """Route a question to people who offered to answer questions on one of its tags."""
    tags = list(PostHashtag.objects.filter(post=post).values_list("hashtag__name", flat=True))
    if not tags:
        return
    offers: dict[int, str] = {}
    for person_id, tag in AnswerOffer.objects.filter(tag__in=tags).values_list("person_id", "tag"):
        if person_id != post.author_id:
            offers.setdefault(person_id, tag)
    if not offers:
        return
    near = set(offers) & set(author_circle.connections)
    further = set(offers) - near
    if further and author_circle.connections:
        first = list(author_circle.connections)
        for a, b in Connection.objects.filter(
            Q(person_a_id__in=further, person_b_id__in=first)
            | Q(person_b_id__in=further, person_a_id__in=first)
        ).values_list("person_a_id", "person_b_id"):
            near.add(a if a in further else b)
    if not near:
        return
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    routed_today = dict(
        FeedEntry.objects.filter(
            owner_id__in=near, reason=FeedReason.QUESTION, created_at__gte=day_start
        )
        .values_list("owner_id")
        .annotate(n=Count("id"))
        .values_list("owner_id", "n")
    )
    for person_id in near:
        if routed_today.get(person_id, 0) >= settings.KITH_QUESTIONS_ROUTED_PER_DAY:
            continue
        current = candidates.by_id.get(person_id)
        if current and current[0] in (FeedReason.MENTION, FeedReason.REPLY_TO_YOU):
            continue
        candidates.force(
            person_id, FeedReason.QUESTION, WEIGHT[FeedReason.QUESTION], f"#{offers[person_id]}"
        )


def _interest_scores(post: Post, reader_ids: set[int]) -> dict[int, float]:
    tags = list(PostHashtag.objects.filter(post=post).values_list("hashtag__name", flat=True))
    if not tags:
        return {}
    scores: dict[int, float] = {}
    for person_id in Interest.objects.filter(tag__in=tags).values_list("person_id", flat=True):
        if person_id in reader_ids:
            scores[person_id] = min(INTEREST_MAX, scores.get(person_id, 0.0) + INTEREST_PER_TAG)
    return scores


def plan(
    post: Post, *, now=None, only: set[int] | None = None
) -> tuple[Post, dict[int, tuple[str, str, float]], dict]:
    """Return (the post shown, {reader: (reason, detail, score)}, extra columns) for `post`.

    Nothing is written. The readers are already filtered by the access rule and activity.
    With `only`, the plan is for those readers alone (a backfill, a re-plan after a
    removal): the same rules, the same reasons.
    """
    now = now or timezone.now()
    shown = post.repost_of if post.repost_of_id is not None else post
    candidates = Candidates()
    circle = circle_of(post.author_id)
    extra: dict = {"via_post_id": None, "sharer_id": None, "via_person_id": None}
    extra["known_ids"] = circle.ids
    if post.repost_of_id is not None:
        extra.update(via_post_id=post.pk, sharer_id=post.author_id)
        readers = {pid for pid, (hide, _) in circle.followers.items() if not hide}
        readers |= set(circle.connections) - {
            pid for pid, (hide, _) in circle.followers.items() if hide
        }
        readers.discard(shown.author_id)
        _relationship_offers(
            candidates, circle, readers, now, factor=REPOST_FACTOR, reason=FeedReason.REPOST
        )
        extra["via_person_id"] = (
            FeedEntry.objects.filter(owner_id=post.author_id, post_id=shown.pk)
            .exclude(sharer_id=None)
            .values_list("sharer_id", flat=True)
            .first()
        )
    else:
        readers = circle.ids
        parent_author = post.in_reply_to.author_id if post.in_reply_to_id is not None else None
        if parent_author is not None:
            # A reply reaches the author's readers who know the person replied to, or who
            # asked for all of this author's replies.
            knows_parent = circle_of(parent_author).ids | {parent_author}
            readers = {
                pid
                for pid in readers
                if pid in knows_parent or circle.followers.get(pid, (False, False))[1]
            }
        _relationship_offers(candidates, circle, readers, now)
        if post.in_reply_to_id is None:
            topic_ids = topic_reader_ids(post)
            if topic_ids:
                tags = " ".join(f"#{n}" for n in post.hashtags.values_list("name", flat=True))
                candidates.offer(topic_ids, FeedReason.TOPIC, detail=tags[:80])
            member_ids = community_reader_ids(post)
            if member_ids:
                name = post.community.name if post.community_id else ""
                candidates.offer(member_ids, FeedReason.COMMUNITY, detail=name[:80])
        # Being mentioned or replied to is the reason to show, whatever else holds.
        for person_id in post.mentions.values_list("person_id", flat=True):
            candidates.force(person_id, FeedReason.MENTION, WEIGHT[FeedReason.MENTION])
        if parent_author is not None and parent_author != post.author_id:
            candidates.force(
                parent_author, FeedReason.REPLY_TO_YOU, WEIGHT[FeedReason.REPLY_TO_YOU]
            )
        if post.kind == PostKind.QUESTION and post.in_reply_to_id is None:
            _question_offers(post, candidates, circle, now)
    candidates.by_id.pop(post.author_id, None)
    if only is not None:
        candidates.by_id = {pid: c for pid, c in candidates.by_id.items() if pid in only}
    allowed = may_see(post, set(candidates.by_id), now=now)
    chosen = {pid: candidates.by_id[pid] for pid in allowed}
    # The author sees their own post (not their own repost twice).
    if post.repost_of_id is None and (only is None or post.author_id in only):
        chosen[post.author_id] = (FeedReason.OWN, "", 0.0)
    return shown, chosen, extra


# The columns of a feed entry that differ from reader to reader, then those of the post.
PER_READER = ("id", "owner_id", "reason", "reason_detail", "score_relationship", "score_interest")
PER_POST = (
    "post_id",
    "author_id",
    "via_post_id",
    "sharer_id",
    "via_person_id",
    "sort_key",
    "score_author",
    "known_replies",
    "created_at",
)
ROWS_PER_STATEMENT = 10_000


def _insert_sql() -> str:
    """One INSERT … SELECT of many entries, ON CONFLICT DO NOTHING: the readers' columns come
    as one parameter (SQLite: a JSON array of rows, `json_each`) or one array per column
    (PostgreSQL: `unnest`), the post's columns as parameters once."""
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in PER_READER + PER_POST)
    table = quote(FeedEntry._meta.db_table)
    if connection.vendor == "postgresql":
        rows = (
            "unnest(%s::bigint[], %s::bigint[], %s::varchar[], %s::varchar[], "
            "%s::float8[], %s::float8[]) AS r(c0, c1, c2, c3, c4, c5)"
        )
        per_reader = "r.c0, r.c1, r.c2, r.c3, r.c4, r.c5"
        created = "%s::timestamptz"
    else:
        rows = "json_each(%s) AS r"
        per_reader = ", ".join(f"json_extract(r.value, '$[{i}]')" for i in range(6))
        created = "%s"
    ids = ", ".join(["CAST(%s AS bigint)"] * 6)
    return (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608 (names, not input)
        f"SELECT {per_reader}, {ids}, CAST(%s AS double precision), 0, {created} "
        f"FROM {rows} WHERE true ON CONFLICT (post_id, owner_id) DO NOTHING"
    )


def _rows_parameters(rows: list[tuple]) -> list:
    if connection.vendor == "postgresql":
        return [list(column) for column in zip(*rows, strict=True)]
    return [json.dumps(rows)]


def write(post: Post, shown: Post, chosen: dict, extra: dict, *, now=None) -> int:
    """Write the entries `plan` chose; return how many were new.

    One statement per 10,000 readers, in one transaction, no Python object per row; rows in
    owner order (the (owner, sort_key) index is then written page after page).
    """
    if not chosen:
        return 0
    now = now or timezone.now()
    interest = _interest_scores(shown, set(chosen))
    per_post = [
        shown.pk,
        shown.author_id,
        extra["via_post_id"],
        extra["sharer_id"],
        extra["via_person_id"],
        post.pk,  # sort_key
        author_score(shown.author_id, now),
        connection.ops.adapt_datetimefield_value(now),
    ]
    rows = [
        (entry_id, owner_id, reason, detail, score, interest.get(owner_id, 0.0))
        for entry_id, (owner_id, (reason, detail, score)) in zip(
            new_ids(len(chosen)), sorted(chosen.items()), strict=True
        )
    ]
    sql = _insert_sql()
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            cursor.execute(sql, [*per_post, *_rows_parameters(chunk)])
            written += cursor.rowcount
    return written


def count_known_reply(post: Post, reader_ids: set[int]) -> None:
    """A reply by someone the readers know: count it on their entries of the conversation."""
    targets = {post.in_reply_to_id, post.thread_root_id} - {None, post.pk}
    if not targets or not reader_ids:
        return
    FeedEntry.objects.filter(post_id__in=targets, owner_id__in=id_list(reader_ids)).update(
        known_replies=F("known_replies") + 1
    )
