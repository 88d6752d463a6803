"""The insights of one person over a window: does their use of Kith make conversations?

`insights_for(person)` computes every metric of docs/insights.md (two-way ratio,
reciprocity, response time, strangers, attention, value, fading ties, echo versus
conversation, and a weekly trend of each) in about thirty queries, whatever the size of the
person's history: grouped queries in `sources`, per-post ones in `posts`, people's names
through `people.access`. The result is plain data (`as_dict`), the same for the dashboard,
the API, the exports and `kith report`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from statistics import median

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from kith.conversations.access import visible_q
from kith.feeds.models import FeedEntry
from kith.insights import posts as post_queries
from kith.insights.sources import WORD_KINDS, Row, interaction_rows
from kith.insights.sql import WEEK_SECONDS, epoch, run, week_index
from kith.people.access import people_visible_to
from kith.relationships.attention import attention_summary
from kith.relationships.models import Connection, Follow, FollowStatus, Invitation

DEFAULT_DAYS = 90
FADING_MONTHS = 3
MONTH_DAYS = 30
# Reciprocity: balanced when the quieter side does at least half as much as the other.
BALANCED_MIN_RATIO = 0.5
RESPONSE_CATEGORIES = ("replies", "mentions", "questions", "messages")
POST_COUNTS = ("reposts", "quotes", "clicks", "replies", "answers", "stories")
OUTCOMES = ("connected", "call_held", "intro_offered", "declined", "withdrawn", "pending")


def ratio(part: int, whole: int) -> float | None:
    """Return part / whole, or None when there is nothing to divide (shown as "—")."""
    return part / whole if whole else None


def reciprocity_status(out: int, into: int) -> str:
    """Return "balanced", "one_sided_out", "one_sided_in" or "dormant" for one relationship."""
    if out == 0 and into == 0:
        return "dormant"
    if min(out, into) >= BALANCED_MIN_RATIO * max(out, into):
        return "balanced"
    return "one_sided_out" if out > into else "one_sided_in"


def _invitation_outcome(status: str, call_status: str | None) -> str:
    if status == "accepted":
        return "connected"
    if status in ("declined", "unknown"):
        return "declined"
    if call_status in ("talked", "completed"):
        return "call_held"
    if status == "intro_offered" or call_status:
        return "intro_offered"
    return "withdrawn" if status == "withdrawn" else "pending"


@dataclass
class Window:
    since: datetime
    until: datetime

    @property
    def days(self) -> int:
        return max(1, round((self.until - self.since).total_seconds() / 86400))

    @property
    def weeks(self) -> int:
        return max(1, math.ceil((self.until - self.since).total_seconds() / WEEK_SECONDS))

    def week_start(self, week: int) -> datetime:
        return self.since + timedelta(weeks=week)


def make_window(
    *, since: datetime | None = None, until: datetime | None = None, days: int = DEFAULT_DAYS
) -> Window:
    """Return the window ending `until` (now) and starting `since` (`days` before it)."""
    until = until or timezone.now()
    since = since or until - timedelta(days=days)
    if since >= until:
        raise ValueError("The window must start before it ends.")
    return Window(since, until)


@lru_cache(maxsize=1)
def _profile_prefix() -> str:
    """Return what comes before a handle in a profile URL ("/@"), from the URL conf once."""
    return reverse("profile", kwargs={"handle": "x"})[:-1]


def _person_dict(person, **extra) -> dict:
    return {
        "id": str(person.pk),
        "handle": person.handle,
        "name": person.display_name or f"@{person.handle}",
        "url": _profile_prefix() + person.handle,
        **extra,
    }


def _iso(moment) -> str:
    """Return a datetime column read raw (SQLite: text in UTC) as an ISO 8601 string."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment).replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _snippet(body: str, length: int = 80) -> str:
    text = " ".join(body.split())
    return text if len(text) <= length else text[: length - 1] + "…"


class _Ledger:
    """The interaction rows of a person, summed the ways the metrics need (in one pass)."""

    def __init__(self, rows: list[Row], weeks: int):
        self.in_window: list[Row] = []  # plain tuples, in Row's order
        self._per_person: dict[int, dict[str, int]] = defaultdict(lambda: {"out": 0, "in": 0})
        self._totals: dict[tuple[str, str], int] = defaultdict(int)
        self._weeks: dict[tuple[str | None, str], dict[int, int]] = defaultdict(
            lambda: defaultdict(int)
        )
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        ways: dict[int, int] = defaultdict(int)
        week_ways: dict[tuple[int, int], int] = defaultdict(int)
        for row in rows:
            kind, direction, other, week, n, first, last = row
            words = kind in WORD_KINDS
            if words:
                if other not in self._first or first < self._first[other]:
                    self._first[other] = first
                if other not in self._last or last > self._last[other]:
                    self._last[other] = last
            if not 0 <= week < weeks:
                continue
            self.in_window.append(row)
            self._per_person[other][direction] += n
            self._totals[(kind, direction)] += n
            self._weeks[(kind, direction)][week] += n
            self._weeks[(None, direction)][week] += n
            if words:
                bit = 1 if direction == "out" else 2
                ways[other] |= bit
                week_ways[(week, other)] |= bit
        self._two_way = {other for other, bits in ways.items() if bits == 3}
        self._two_way_weeks: dict[int, int] = defaultdict(int)
        for (week, _), bits in week_ways.items():
            if bits == 3:
                self._two_way_weeks[week] += 1

    def per_person(self) -> dict[int, dict[str, int]]:
        """Return {other: {"out": n, "in": n}} of the window."""
        return self._per_person

    def total(self, kind: str, direction: str) -> int:
        return self._totals.get((kind, direction), 0)

    def by_week(self, kind: str | None, direction: str) -> dict[int, int]:
        return self._weeks.get((kind, direction), {})

    def first_word(self) -> dict[int, float]:
        return self._first

    def last_word(self) -> dict[int, float]:
        return self._last

    def two_way_people(self) -> set[int]:
        """Return the people with whom words went both ways in the window."""
        return self._two_way

    def two_way_by_week(self) -> dict[int, int]:
        """Return, per week, how many people words went both ways with that week."""
        return self._two_way_weeks


def _relations(me) -> tuple[dict[int, float], set[int]]:
    """Return {connection id: connected since (epoch)} and the ids `me` follows."""
    connections: dict[int, float] = {}
    rows = (
        Connection.objects.filter(Q(person_a=me) | Q(person_b=me))
        .annotate(at=epoch("since"))
        .values_list("person_a_id", "person_b_id", "at")
    )
    for a, b, at in rows:
        connections[b if a == me.pk else a] = at
    follows = set(
        Follow.objects.filter(follower=me, status=FollowStatus.ACTIVE).values_list(
            "target_person_id", flat=True
        )
    )
    return connections, follows


def _invitations(me, window: Window, first_word: dict[int, float]) -> tuple[dict, dict]:
    rows = (
        Invitation.objects.filter(
            recipient=me, created_at__gte=window.since, created_at__lte=window.until
        )
        .annotate(at=epoch("created_at"), week=week_index("created_at", window.since))
        .values_list("sender_id", "status", "intro_call__status", "at", "week")
    )
    outcomes = dict.fromkeys(OUTCOMES, 0)
    received = 0
    strangers_by_week: dict[int, int] = defaultdict(int)
    senders = []
    for sender, status, call_status, at, week in rows:
        received += 1
        if first_word.get(sender, math.inf) < at:
            continue  # they had talked with `me` before inviting
        outcome = _invitation_outcome(status, call_status)
        senders.append((sender, outcome))
        outcomes[outcome] += 1
        strangers_by_week[week] += 1
    return {
        "received": received,
        "from_strangers": sum(outcomes.values()),
        "outcomes": outcomes,
        "_senders": senders,
    }, strangers_by_week


def _feed(me, window: Window) -> dict[tuple[int, int], int]:
    """Return {(author id, week): entries} of what reached `me`'s feed in the window."""

    def build(me, since, until):
        return (
            FeedEntry.objects.filter(
                visible_q(me, "post__"),
                owner=me,
                created_at__gte=since,
                created_at__lte=until,
            )
            .exclude(author=me)
            .annotate(week=week_index("created_at", since))
            .values_list("author_id", "week")
            .annotate(n=Count("pk"))
            .order_by()
        )

    rows = run("feed", build, me, window.since, window.until)
    return {(author, week): n for author, week, n in rows}


def _median_hours(seconds: list[float]) -> float | None:
    return round(median(seconds) / 3600, 2) if seconds else None


def insights_for(
    me,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    days: int = DEFAULT_DAYS,
    fading_months: int = FADING_MONTHS,
    with_interactions: bool = False,
) -> dict:
    """Return every metric of `me` over the window, as plain data (docs/insights.md).

    With `with_interactions`, also the underlying interactions of the window, per kind,
    direction, person and week (for the exports).
    """
    window = make_window(since=since, until=until, days=days)
    weeks = window.weeks
    # Replies and mentions received are read once, as interactions and as items to answer.
    words_in, items = post_queries.words_to_me(me, since=window.since, until=window.until)
    # So are the reposts and quotes of `me`'s posts, as interactions and counts per post.
    echoes_in, echoes = post_queries.echoes_of_mine(me, since=window.since, until=window.until)
    rows = interaction_rows(me, since=window.since, until=window.until)
    ledger = _Ledger(rows + words_in + echoes_in, weeks)
    connections, follows = _relations(me)
    first_word, last_word = ledger.first_word(), ledger.last_word()
    invitations, strangers_by_week = _invitations(me, window, first_word)
    related = set(connections) | follows
    senders = invitations.pop("_senders")
    talk_to = ledger.two_way_people()
    wanted = related | {s for s, _ in senders} | talk_to
    if with_interactions:
        wanted |= {other for _, _, other, *_ in ledger.in_window}
    # Only what a person's entry shows (a thousand people's other columns cost conversions).
    visible = people_visible_to(me).filter(pk__in=wanted).only("id", "handle", "display_name")
    people = {p.pk: p for p in visible}
    invitations["people"] = [
        _person_dict(people[s], outcome=outcome) for s, outcome in senders if s in people
    ]
    connections = {i: at for i, at in connections.items() if i in people}
    follows = {i for i in follows if i in people}

    # Two-way ratio and echo versus conversation (one row per post of the window).
    columns = post_queries.OWN_POST_COLUMNS
    post_rows = [
        dict(zip(columns, row, strict=True))
        for row in post_queries.own_post_rows(me, since=window.since, until=window.until)
    ]
    threads = post_queries.thread_counts(me, since=window.since, until=window.until)
    per_post = []
    my_url = me.get_absolute_url()
    for p in post_rows:
        p["n_replies"], p["n_answers"] = threads.get(p["id"], (0, 0))
        p["n_reposts"], p["n_quotes"] = echoes.get(p["id"], (0, 0))
        counts = {k: p[f"n_{k}"] for k in POST_COUNTS}
        echo = counts["reposts"] + counts["quotes"] + counts["clicks"]
        talk = counts["replies"] + counts["stories"]
        verdict = "quiet" if echo == talk == 0 else ("conversation" if talk >= echo else "echo")
        per_post.append(
            {
                "id": str(p["id"]),
                "url": f"{my_url}/{p['id']}",
                "snippet": _snippet(p["body"]),
                "created_at": _iso(p["created_at"]),
                "week": p["week"],
                **counts,
                "echo": echo,
                "conversation": talk,
                "became_conversation": bool(p["became"]),
                "verdict": verdict,
            }
        )
    n_posts = len(per_post)
    n_conversations = sum(1 for p in per_post if p["became_conversation"])
    replies_sent = ledger.total("reply", "out")
    two_way = {
        "posts": n_posts,
        "conversations": n_conversations,
        "ratio": ratio(n_conversations, n_posts),
        "replies_to_others": replies_sent,
        "broadcasts": n_posts,
        "reply_share": ratio(replies_sent, replies_sent + n_posts),
    }

    # Reciprocity with every connection and follow.
    in_window = ledger.per_person()
    reciprocity_people = []
    tally = dict.fromkeys(("balanced", "one_sided_out", "one_sided_in", "dormant"), 0)
    for other in sorted(related & set(people), key=lambda i: people[i].handle):
        out, into = in_window[other]["out"], in_window[other]["in"]
        status = reciprocity_status(out, into)
        tally[status] += 1
        relation = (
            "connection and follow"
            if other in connections and other in follows
            else ("connection" if other in connections else "follow")
        )
        reciprocity_people.append(
            _person_dict(people[other], relation=relation, out=out, **{"in": into}, status=status)
        )
    reciprocity = {**tally, "balanced_min_ratio": BALANCED_MIN_RATIO, "people": reciprocity_people}

    # Response times.
    items += post_queries.messages_to_answer(me, since=window.since, until=window.until)
    response_time = {}
    for category in RESPONSE_CATEGORIES:
        mine = [i for i in items if i["category"] == category]
        answered = [i["seconds"] for i in mine if i["seconds"] is not None]
        response_time[category] = {
            "received": len(mine),
            "answered": len(answered),
            "median_hours": _median_hours(answered),
        }

    # Strangers: never a word either way, ever.
    # Only people `me` may see (a deactivated connection has no card to show).
    visible_related = related & set(people)
    never = [
        i for i in sorted(visible_related, key=lambda i: people[i].handle) if i not in first_word
    ]
    strangers = {
        "connections": len(connections),
        "connections_never_talked": sum(1 for i in never if i in connections),
        "follows": len(follows),
        "follows_never_talked": sum(1 for i in never if i in follows),
        "people": [
            _person_dict(people[i], relation="connection" if i in connections else "follow")
            for i in never
        ],
        "invitations": invitations,
    }

    # Attention: load against capacity, and what reached the feed from people one talks to.
    summary = attention_summary(me)
    feed = _feed(me, window)
    entries = sum(feed.values())
    from_talk = sum(n for (author, _), n in feed.items() if author in talk_to)
    attention = {
        "load": round(summary.load, 2),
        "capacity": summary.capacity,
        "load_share": round(summary.load / summary.capacity, 4) if summary.capacity else None,
        "feed_entries": entries,
        "from_people_you_talk_to": from_talk,
        "talk_share": ratio(from_talk, entries),
        "people_you_talk_to": len(talk_to),
        "people": [
            _person_dict(people[i])
            for i in sorted(talk_to & set(people), key=lambda i: people[i].handle)
        ],
    }

    value = {
        "helpful_given": ledger.total("helpful", "out"),
        "helpful_received": ledger.total("helpful", "in"),
        "stories_given": ledger.total("used", "out"),
        "stories_received": ledger.total("used", "in"),
        "accepted_answers_given": ledger.total("accepted_answer", "out"),
        "accepted_answers_received": ledger.total("accepted_answer", "in"),
    }

    fading = _fading(me, window, connections, last_word, people, fading_months)

    echo = {
        "echo": sum(p["echo"] for p in per_post),
        "conversation": sum(p["conversation"] for p in per_post),
        "echoed": sum(1 for p in per_post if p["verdict"] == "echo"),
        "discussed": sum(1 for p in per_post if p["verdict"] == "conversation"),
        "quiet": sum(1 for p in per_post if p["verdict"] == "quiet"),
        "posts": per_post,
    }

    trend = _trend(window, ledger, per_post, items, strangers_by_week, feed, talk_to)
    result = {
        "person": f"@{me.handle}",
        "window": {
            "since": window.since.isoformat(),
            "until": window.until.isoformat(),
            "days": window.days,
        },
        "two_way": two_way,
        "reciprocity": reciprocity,
        "response_time": response_time,
        "strangers": strangers,
        "attention": attention,
        "value": value,
        "fading": fading,
        "echo": echo,
        "trend": trend,
    }
    result["headline"] = headline(result)
    if with_interactions:
        result["interactions"] = [
            {
                "kind": kind,
                "direction": direction,
                "person": f"@{people[other].handle}",
                "week": week,
                "week_starts": window.week_start(week).date().isoformat(),
                "count": n,
            }
            for kind, direction, other, week, n, _, _ in sorted(
                ledger.in_window, key=lambda r: (r[3], r[0], r[1], r[2])
            )
            if other in people
        ]
    return result


def _fading(me, window, connections, last_word, people, months: int) -> dict:
    from kith.people.access import recent_changes_visible_to

    cutoff = (window.until - timedelta(days=months * MONTH_DAYS)).timestamp()
    fading_ids = [
        i for i, since in connections.items() if max(last_word.get(i, 0.0), since) < cutoff
    ]
    changes = recent_changes_visible_to(me, fading_ids)
    rows = []
    for i in sorted(fading_ids, key=lambda i: last_word.get(i, connections[i])):
        last = last_word.get(i)
        rows.append(
            _person_dict(
                people[i],
                last_exchange=(datetime.fromtimestamp(last, tz=UTC).isoformat() if last else None),
                connected_since=datetime.fromtimestamp(connections[i], tz=UTC).isoformat(),
                reason=reason_to_reach_out(people[i], changes.get(i), now=window.until),
            )
        )
    return {"months": months, "count": len(rows), "people": rows}


def _ago(moment: datetime, now: datetime) -> str:
    days = max(0, (now - moment).days)
    if days == 0:
        return "today"
    if days < 14:
        return "yesterday" if days == 1 else f"{days} days ago"
    if days < 60:
        return f"{days // 7} weeks ago"
    return f"{days // 30} months ago"


def reason_to_reach_out(person, change, *, now: datetime) -> str:
    """Return a sentence from `person`'s latest card change, e.g. "Ana started at Lumen …"."""
    if change is None:
        return ""
    name = (person.display_name or person.handle).split()[0]
    when = _ago(change.changed_at, now)
    value = change.new_value
    what = (change.label or change.get_kind_display()).lower()
    if not value:
        return f"{name} removed their {what} {when}."
    sentences = {
        "organisation": f"{name} started at {value} {when}.",
        "job_title": f"{name} became {value} {when}.",
        "location": f"{name} moved to {value} {when}.",
    }
    return sentences.get(change.kind, f"{name} updated their {what} {when}.")


def _trend(window, ledger, per_post, items, strangers_by_week, feed, talk_to) -> list[dict]:
    talked = ledger.two_way_by_week()
    out_by_week = ledger.by_week(None, "out")
    in_by_week = ledger.by_week(None, "in")
    weekly = {
        name: ledger.by_week(kind, direction)
        for name, kind, direction in (
            ("replies_sent", "reply", "out"),
            ("helpful_given", "helpful", "out"),
            ("helpful_received", "helpful", "in"),
            ("stories_given", "used", "out"),
            ("stories_received", "used", "in"),
        )
    }
    posts_by_week: dict[int, list[dict]] = defaultdict(list)
    for p in per_post:
        posts_by_week[p["week"]].append(p)
    answered_by_week: dict[int, list[float]] = defaultdict(list)
    for i in items:
        if i["seconds"] is not None:
            answered_by_week[i["week"]].append(i["seconds"])
    feed_by_week: dict[int, int] = defaultdict(int)
    feed_talk_by_week: dict[int, int] = defaultdict(int)
    for (author, week), n in feed.items():
        feed_by_week[week] += n
        if author in talk_to:
            feed_talk_by_week[week] += n
    rows = []
    for week in range(window.weeks):
        posts = posts_by_week.get(week, [])
        answered = answered_by_week.get(week, [])
        entries = feed_by_week.get(week, 0)
        rows.append(
            {
                "week": week,
                "starts": window.week_start(week).date().isoformat(),
                "posts": len(posts),
                "conversations": sum(1 for p in posts if p["became_conversation"]),
                **{name: counts.get(week, 0) for name, counts in weekly.items()},
                "interactions_out": out_by_week.get(week, 0),
                "interactions_in": in_by_week.get(week, 0),
                "people_talked_with": talked.get(week, 0),
                "response_median_hours": _median_hours(answered),
                "invitations_from_strangers": strangers_by_week.get(week, 0),
                "feed_entries": entries,
                "feed_from_people_you_talk_to": feed_talk_by_week.get(week, 0),
                "echo": sum(p["echo"] for p in posts),
                "conversation": sum(p["conversation"] for p in posts),
            }
        )
    return rows


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def headline(insights: dict) -> str:
    """Return the answer in plain words: "Last 90 days: 62% of your posts became …"."""
    days = insights["window"]["days"]
    tw, st = insights["two_way"], insights["strangers"]
    if tw["posts"]:
        first = f"{_percent(tw['ratio'])} of your posts became conversations"
    else:
        first = "you wrote no posts of your own"
    never, total = st["connections_never_talked"], st["connections"]
    if total:
        second = f"{never} of your {total} connections you have never talked to"
    else:
        second = "you have no connections yet"
    return f"Last {days} days: {first}; {second}."
