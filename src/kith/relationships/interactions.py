"""How much two people ever interacted, counted from what exists, source by source.

The sources are being connected, the messages exchanged on invitations, and replies to each
other's posts. Direct messages arrive with the Feeds issue. Each source is one function in
`SOURCES` (person, other ids → {other id: count}), and every ranking that uses interactions
(the Following page, later insights) counts it too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models import Count, Q

from kith.relationships.models import Connection, InvitationMessage

Source = Callable[[object, list[int]], dict[int, int]]


def _connected(person, other_ids: list[int]) -> dict[int, int]:
    """Being connected counts as one interaction: the two have met or talked."""
    rows = Connection.objects.filter(
        Q(person_a=person, person_b_id__in=other_ids)
        | Q(person_b=person, person_a_id__in=other_ids)
    ).values_list("person_a_id", "person_b_id")
    return {a if b == person.pk else b: 1 for a, b in rows}


def _invitation_messages(person, other_ids: list[int]) -> dict[int, int]:
    """Messages either of the two wrote on an invitation between them."""
    sent = (
        InvitationMessage.objects.filter(
            invitation__sender=person, invitation__recipient_id__in=other_ids
        )
        .values("invitation__recipient_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    received = (
        InvitationMessage.objects.filter(
            invitation__recipient=person, invitation__sender_id__in=other_ids
        )
        .values("invitation__sender_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, int] = {}
    for row in sent:
        key = row["invitation__recipient_id"]
        counts[key] = counts.get(key, 0) + row["n"]
    for row in received:
        key = row["invitation__sender_id"]
        counts[key] = counts.get(key, 0) + row["n"]
    return counts


def _replies(person, other_ids: list[int]) -> dict[int, int]:
    """Replies either of the two wrote to the other's posts (one grouped query)."""
    from kith.conversations.models import Post

    rows = (
        Post.objects.filter(
            Q(author=person, in_reply_to__author_id__in=other_ids)
            | Q(in_reply_to__author=person, author_id__in=other_ids)
        )
        .values("author_id", "in_reply_to__author_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts: dict[int, int] = {}
    for row in rows:
        other = row["in_reply_to__author_id"] if row["author_id"] == person.pk else row["author_id"]
        counts[other] = counts.get(other, 0) + row["n"]
    return counts


# name → (label shown to people, counting function). Add DMs here when they exist.
SOURCES: dict[str, tuple[str, Source]] = {
    "connected": ("connected", _connected),
    "invitation_messages": ("invitation messages", _invitation_messages),
    "replies": ("replies", _replies),
}


def interaction_counts(person, other_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Return {other id: {source: count}} for the sources where the two interacted.

    One query per source, whatever the number of people.
    """
    other_ids = list(other_ids)
    result: dict[int, dict[str, int]] = {}
    if not other_ids:
        return result
    for name, (_label, count) in SOURCES.items():
        for other_id, n in count(person, other_ids).items():
            if n:
                result.setdefault(other_id, {})[name] = n
    return result


def describe(interactions: dict[str, int]) -> str:
    """Return interactions as words: "connected · 3 invitation messages"."""
    parts = []
    for name, n in interactions.items():
        label = SOURCES[name][0] if name in SOURCES else name
        parts.append(label if name == "connected" else f"{n} {label}")
    return " · ".join(parts)
