"""The attention budget: how many posts a day a reader's follows and connections bring.

Each person's rate is their average posts a day over the last `WINDOW_DAYS` days, read from
`people.PostingDay`. A reader's load is the sum of the rates of everyone they read: the people
they follow (active follows) and their connections, each person counted once. Their
`reading_capacity` is the budget; a follow that would push the load past it needs confirming.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q, Sum
from django.utils import timezone

from kith.people.models import PostingDay
from kith.relationships.interactions import interaction_counts
from kith.relationships.models import Connection, Follow, FollowStatus

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Figures:
    """A reader's current load, what one more follow would cost, and their capacity."""

    load: float
    cost: float
    capacity: int

    @property
    def after(self) -> float:
        return self.load + self.cost

    @property
    def over_budget(self) -> bool:
        """Whether the follow adds posts and the total would pass the capacity."""
        return self.cost > 0 and self.after > self.capacity

    def as_dict(self) -> dict:
        return {"load": round(self.load, 2), "cost": round(self.cost, 2), "capacity": self.capacity}


def window(today: date | None = None) -> tuple[date, date]:
    """Return the first and last day (inclusive) of the averaging window ending `today`."""
    today = today or timezone.localdate()
    return today - timedelta(days=WINDOW_DAYS - 1), today


def _recent(today: date | None = None):
    first, last = window(today)
    return PostingDay.objects.filter(day__gte=first, day__lte=last)


def reading_q(reader, field: str = "person") -> Q:
    """Return a filter on `field` (a person id) matching everyone `reader` reads."""
    follows = Follow.objects.filter(follower=reader, status=FollowStatus.ACTIVE).values(
        "target_person"
    )
    as_a = Connection.objects.filter(person_a=reader).values("person_b")
    as_b = Connection.objects.filter(person_b=reader).values("person_a")
    return (
        Q(**{f"{field}__in": follows}) | Q(**{f"{field}__in": as_a}) | Q(**{f"{field}__in": as_b})
    )


def posts_a_day(person_ids, *, today: date | None = None) -> dict[int, float]:
    """Return the average posts a day of each person in `person_ids` (absent means 0)."""
    rows = (
        _recent(today)
        .filter(person_id__in=list(person_ids))
        .values("person_id")
        .annotate(total=Sum("posts"))
        .order_by()
    )
    return {row["person_id"]: row["total"] / WINDOW_DAYS for row in rows}


def attention_load(reader, *, today: date | None = None) -> float:
    """Return the posts a day everyone `reader` follows or is connected to brings."""
    total = _recent(today).filter(reading_q(reader)).aggregate(total=Sum("posts", default=0))
    return total["total"] / WINDOW_DAYS


def follow_figures(reader, target, *, today: date | None = None) -> Figures:
    """Return `reader`'s load and what following `target` would add (in one query).

    Following someone already read (followed or connected) costs nothing more.
    """
    read = reading_q(reader)
    totals = _recent(today).aggregate(
        load=Sum("posts", filter=read, default=0),
        target=Sum("posts", filter=Q(person=target), default=0),
        target_read=Sum("posts", filter=read & Q(person=target), default=0),
    )
    return Figures(
        load=totals["load"] / WINDOW_DAYS,
        cost=(totals["target"] - totals["target_read"]) / WINDOW_DAYS,
        capacity=reader.reading_capacity,
    )


@dataclass(frozen=True)
class Summary:
    """Where a reader's attention goes, for the Following page and GET /me/attention."""

    load: float
    capacity: int
    from_follows: float
    from_connections_only: float
    follows: int
    connections_only: int
    window_days: int = WINDOW_DAYS

    @property
    def remaining(self) -> float:
        return self.capacity - self.load

    @property
    def over_budget(self) -> bool:
        return self.load > self.capacity

    @property
    def percent(self) -> int:
        """Load as a share of capacity, for a meter (capped at 100)."""
        return min(100, round(100 * self.load / self.capacity)) if self.capacity else 100


def attention_summary(reader, *, today: date | None = None) -> Summary:
    """Return `reader`'s load, split into follows and connections they do not follow."""
    followed = set(
        Follow.objects.filter(
            follower=reader, status=FollowStatus.ACTIVE, target_person__is_active=True
        ).values_list("target_person_id", flat=True)
    )
    rows = Connection.objects.filter(Q(person_a=reader) | Q(person_b=reader)).values_list(
        "person_a_id", "person_b_id"
    )
    connected = {a if b == reader.pk else b for a, b in rows} - followed
    rates = posts_a_day(followed | connected, today=today)
    from_follows = sum(rates.get(i, 0.0) for i in followed)
    from_connections = sum(rates.get(i, 0.0) for i in connected)
    return Summary(
        load=from_follows + from_connections,
        capacity=reader.reading_capacity,
        from_follows=from_follows,
        from_connections_only=from_connections,
        follows=len(followed),
        connections_only=len(connected),
    )


# --- The Following page: follows ranked to make unfollowing easy ------------------------------


@dataclass
class FollowRow:
    """One person `reader` follows, with what they cost and how much the two interacted."""

    follow: Follow
    cost: float
    interactions: dict[str, int] = field(default_factory=dict)
    connected: bool = False
    follows_you: bool = False

    @property
    def person(self):
        return self.follow.target_person

    @property
    def interaction_total(self) -> int:
        return sum(self.interactions.values())

    @property
    def frees(self) -> float:
        """Posts a day unfollowing would free: none for a connection, read anyway."""
        return 0.0 if self.connected else self.cost


FOLLOWING_SORTS = {
    # Costliest first; among equals, those you interacted with least.
    "cost": lambda row: (-row.cost, row.interaction_total, -row.follow.pk),
    # Least interaction first; among equals, the costliest.
    "interaction": lambda row: (row.interaction_total, -row.cost, -row.follow.pk),
    "recent": lambda row: -row.follow.pk,
}


def follow_rows(reader, follows: list[Follow], *, today: date | None = None) -> list[FollowRow]:
    """Return a row per follow in `follows`, with costs, interactions and follow-backs.

    A fixed number of queries, whatever the number of follows.
    """
    ids = [f.target_person_id for f in follows]
    rates = posts_a_day(ids, today=today)
    counts = interaction_counts(reader, ids)
    follows_back = set(
        Follow.objects.filter(
            follower_id__in=ids, target_person=reader, status=FollowStatus.ACTIVE
        ).values_list("follower_id", flat=True)
    )
    return [
        FollowRow(
            follow=f,
            cost=rates.get(f.target_person_id, 0.0),
            interactions=counts.get(f.target_person_id, {}),
            connected=counts.get(f.target_person_id, {}).get("connected", 0) > 0,
            follows_you=f.target_person_id in follows_back,
        )
        for f in follows
    ]


def ranked_follows(reader, *, sort: str = "cost", today: date | None = None) -> list[FollowRow]:
    """Return everyone `reader` follows, ranked by `sort` ("cost", "interaction", "recent")."""
    from kith.relationships.access import follows_of

    rows = follow_rows(reader, list(follows_of(reader)), today=today)
    rows.sort(key=FOLLOWING_SORTS.get(sort, FOLLOWING_SORTS["cost"]))
    return rows
