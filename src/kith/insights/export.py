"""Exports of the insights: JSON (everything) and CSV (one table at a time).

The JSON is `insights_for(..., with_interactions=True)`: every metric, the per-post and
per-person tables, the weekly trend and the underlying interactions (per kind, direction,
person and week). Its schema is `SCHEMA` (documented in docs/insights.md).
"""

from __future__ import annotations

import csv
import io

CSV_TABLES = ("metrics", "trend", "posts", "relationships", "interactions")


def _flatten(prefix: str, value, rows: list[list]) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, rows)
    elif not isinstance(value, list):
        rows.append([prefix, "" if value is None else value])


def csv_table(insights: dict, table: str) -> str:
    """Return one table of `insights` as CSV text (`table` is one of CSV_TABLES)."""
    out = io.StringIO()
    writer = csv.writer(out)
    if table == "metrics":
        writer.writerow(["metric", "value"])
        rows: list[list] = []
        for section in (
            "window",
            "two_way",
            "reciprocity",
            "response_time",
            "strangers",
            "attention",
            "value",
            "fading",
            "echo",
        ):
            _flatten(section, insights[section], rows)
        rows.append(["headline", insights["headline"]])
        writer.writerows(rows)
    elif table == "trend":
        columns = list(insights["trend"][0])
        writer.writerow(columns)
        writer.writerows([week[c] for c in columns] for week in insights["trend"])
    elif table == "posts":
        columns = [
            "id",
            "url",
            "created_at",
            "snippet",
            "reposts",
            "quotes",
            "clicks",
            "replies",
            "answers",
            "stories",
            "echo",
            "conversation",
            "became_conversation",
            "verdict",
        ]
        writer.writerow(columns)
        writer.writerows([p[c] for c in columns] for p in insights["echo"]["posts"])
    elif table == "relationships":
        writer.writerow(["handle", "name", "relation", "out", "in", "status"])
        writer.writerows(
            [p["handle"], p["name"], p["relation"], p["out"], p["in"], p["status"]]
            for p in insights["reciprocity"]["people"]
        )
    elif table == "interactions":
        columns = ["week", "week_starts", "kind", "direction", "person", "count"]
        writer.writerow(columns)
        writer.writerows([row[c] for c in columns] for row in insights["interactions"])
    else:
        raise ValueError(f"No such table: {table}")
    return out.getvalue()
