"""The dashboard's charts as SVG (pygal, rendered on the server; no JavaScript needed).

Each chart has a table equivalent on the dashboard for screen readers; `CHARTS` names them.
"""

from __future__ import annotations

import pygal
from pygal.style import Style

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#666",
    colors=("#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280"),
    font_family="system-ui, sans-serif",
)
SIZE = {"width": 640, "height": 300}


def _chart(kind, title: str, **options):
    return kind(
        explicit_size=True,
        style=STYLE,
        title=title,
        js=[],  # no script from a CDN: the SVG is an image
        disable_xml_declaration=True,
        legend_at_bottom=True,
        **SIZE,
        **options,
    )


def _weeks(insights: dict) -> list[str]:
    return [week["starts"][5:] for week in insights["trend"]]


def trend_chart(insights: dict) -> str:
    """Posts, conversations and replies sent, week by week."""
    chart = _chart(pygal.Line, "Week by week", x_label_rotation=30, show_minor_x_labels=False)
    chart.x_labels = _weeks(insights)
    chart.x_labels_major = chart.x_labels[::2]
    for key, label in (
        ("posts", "Posts"),
        ("conversations", "Became conversations"),
        ("replies_sent", "Replies you sent"),
        ("people_talked_with", "People you talked with"),
    ):
        chart.add(label, [week[key] for week in insights["trend"]])
    return chart.render(is_unicode=True)


def reciprocity_chart(insights: dict) -> str:
    """How many relationships are balanced, one-sided or dormant."""
    rec = insights["reciprocity"]
    chart = _chart(pygal.HorizontalBar, "Your relationships")
    for key, label in (
        ("balanced", "Balanced"),
        ("one_sided_out", "You give more"),
        ("one_sided_in", "They give more"),
        ("dormant", "Dormant"),
    ):
        chart.add(label, rec[key])
    return chart.render(is_unicode=True)


def response_chart(insights: dict) -> str:
    """Median hours to answer, per kind of thing to answer."""
    chart = _chart(pygal.Bar, "Median time to answer (hours)")
    for key, label in (
        ("replies", "Replies"),
        ("mentions", "Mentions"),
        ("questions", "Questions"),
        ("messages", "Messages"),
    ):
        chart.add(label, insights["response_time"][key]["median_hours"])
    return chart.render(is_unicode=True)


def echo_chart(insights: dict) -> str:
    """Echo (reposts, quotes, clicks) against conversation (replies, stories), by week."""
    chart = _chart(pygal.StackedBar, "Echo and conversation", x_label_rotation=30)
    chart.x_labels = _weeks(insights)
    chart.add("Echo", [week["echo"] for week in insights["trend"]])
    chart.add("Conversation", [week["conversation"] for week in insights["trend"]])
    return chart.render(is_unicode=True)


def clicks_chart(by_day: list[dict]) -> str:
    """Clicks on a post's short links, day by day (a post's journey)."""
    chart = _chart(pygal.Bar, "Link clicks per day", x_label_rotation=30, show_minor_x_labels=False)
    chart.x_labels = [row["day"].isoformat()[5:] for row in by_day]
    chart.x_labels_major = chart.x_labels[:: max(1, len(by_day) // 10)]
    chart.add("Clicks", [row["clicks"] for row in by_day])
    return chart.render(is_unicode=True)


CHARTS = {
    "trend": trend_chart,
    "reciprocity": reciprocity_chart,
    "response": response_chart,
    "echo": echo_chart,
}
