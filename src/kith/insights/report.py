"""`kith report`: the insights as rich tables in a terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(100 * value)}%"


def _h(value: float | None) -> str:
    return "—" if value is None else f"{value:g} h"


def print_report(console: Console, insights: dict) -> None:
    """Print every metric of `insights` as tables, after the headline."""
    console.print(f"[bold]{insights['person']}[/] — {insights['headline']}")
    tw, rec, st = insights["two_way"], insights["reciprocity"], insights["strangers"]
    summary = Table("metric", "value", title="Summary")
    for label, value in (
        ("posts", tw["posts"]),
        ("became conversations", f"{tw['conversations']} ({_pct(tw['ratio'])})"),
        (
            "replies to others",
            f"{tw['replies_to_others']} ({_pct(tw['reply_share'])} of what you wrote)",
        ),
        (
            "relationships balanced / you give more / they give more / dormant",
            " / ".join(
                str(rec[k]) for k in ("balanced", "one_sided_out", "one_sided_in", "dormant")
            ),
        ),
        ("connections never talked to", f"{st['connections_never_talked']} of {st['connections']}"),
        ("follows never talked to", f"{st['follows_never_talked']} of {st['follows']}"),
        (
            "invitations from strangers",
            f"{st['invitations']['from_strangers']} of {st['invitations']['received']}",
        ),
        (
            "reading load",
            f"{insights['attention']['load']} a day of {insights['attention']['capacity']}",
        ),
        ("feed from people you talk to", _pct(insights["attention"]["talk_share"])),
        ("fading ties", insights["fading"]["count"]),
        ("echo / conversation", f"{insights['echo']['echo']} / {insights['echo']['conversation']}"),
    ):
        summary.add_row(label, str(value))
    console.print(summary)
    times = Table("to answer", "received", "answered", "median", title="Response time")
    for key, row in insights["response_time"].items():
        times.add_row(key, str(row["received"]), str(row["answered"]), _h(row["median_hours"]))
    console.print(times)
    value = Table("value", "given", "received", title="Value")
    v = insights["value"]
    for key, label in (
        ("helpful", "helpful"),
        ("stories", "stories"),
        ("accepted_answers", "accepted answers"),
    ):
        value.add_row(label, str(v[f"{key}_given"]), str(v[f"{key}_received"]))
    console.print(value)
    people = Table("person", "relation", "from you", "to you", "status", title="Reciprocity")
    for p in rec["people"]:
        people.add_row(f"@{p['handle']}", p["relation"], str(p["out"]), str(p["in"]), p["status"])
    console.print(people)
    if insights["fading"]["people"]:
        fading = Table("person", "last word", "reason to reach out", title="Fading ties")
        for p in insights["fading"]["people"]:
            fading.add_row(f"@{p['handle']}", (p["last_exchange"] or "never")[:10], p["reason"])
        console.print(fading)
    trend = Table(
        "week of",
        "posts",
        "conversations",
        "replies sent",
        "echo",
        "conversation",
        title="Week by week",
    )
    for w in insights["trend"]:
        trend.add_row(
            w["starts"],
            *(
                str(w[k])
                for k in ("posts", "conversations", "replies_sent", "echo", "conversation")
            ),
        )
    console.print(trend)
