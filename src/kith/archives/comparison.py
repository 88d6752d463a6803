"""The archive next to Kith: the same questions asked of both, side by side.

Kith's side comes from `kith.insights.metrics.insights_for` over the whole time the person
has been on Kith (an archive covers all of its network's history too).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kith.archives.models import Archive, Network


def kith_figures(person) -> dict:
    """Return the person's Kith figures comparable with an archive's, since they joined."""
    from kith.insights.metrics import insights_for

    now = timezone.now()
    since = min(person.date_joined, now - timedelta(days=1))
    insights = insights_for(person, since=since, until=now)
    strangers, two_way = insights["strangers"], insights["two_way"]
    connections = strangers["connections"]
    talked = connections - strangers["connections_never_talked"]
    return {
        "connections": connections,
        "connections_talked_with": talked,
        "posts": two_way["posts"],
        "replies": two_way["replies_to_others"],
        "conversations": two_way["conversations"],
        "headline": f"On Kith: {connections:,} connection{'s' * (connections != 1)}, "
        f"talked with {talked:,}.",
    }


def compare(archive: Archive, person) -> dict:
    """Return the two headlines and rows of (question, archive's answer, Kith's answer)."""
    mine = archive.figures
    kith = kith_figures(person)
    connections_label = (
        "Mutual follows / connections" if archive.network == Network.X else ("Connections")
    )
    rows = [
        {"label": connections_label, "archive": mine["connections"], "kith": kith["connections"]},
        {
            "label": "Connections you talked with (there: you wrote to them; "
            "on Kith: a word either way)",
            "archive": mine["connections_messaged"],
            "kith": kith["connections_talked_with"],
        },
        {"label": "Posts of your own", "archive": mine["posts"], "kith": kith["posts"]},
        {"label": "Replies to others", "archive": mine["replies"], "kith": kith["replies"]},
    ]
    return {"archive": mine["headline"], "kith": kith["headline"], "rows": rows}
