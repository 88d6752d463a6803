"""The caller's own insights: every metric, the drill-downs and the exports (CSV, JSON).

There is no endpoint for anyone else's insights: each is about the token's owner.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema

from kith.api import auth
from kith.api.insights_schemas import DrillOut, InsightsOut, ReportOut
from kith.api.schemas import ErrorOut
from kith.insights.drill import KEYS, drill_down
from kith.insights.export import CSV_TABLES, csv_table
from kith.insights.metrics import insights_for
from kith.insights.params import window_kwargs

router = Router(tags=["insights"], auth=auth.required)
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class WindowQuery(Schema):
    since: str | None = None  # YYYY-MM-DD; default: `days` before now
    days: int | None = None  # 1–3660; default 90


def _insights(request, query: WindowQuery, **options) -> tuple[dict, dict]:
    window = window_kwargs(since=query.since, days=query.days)
    return insights_for(request.auth, **window, **options), window


@router.get(
    "/insights", response={200: InsightsOut, **ERRORS}, summary="Get my insights", by_alias=True
)
def get_insights(request, query: Query[WindowQuery]):
    """Every metric of docs/insights.md over the window (default: the last 90 days)."""
    return _insights(request, query)[0]


@router.get(
    "/insights/export.json",
    response={200: ReportOut, **ERRORS},
    summary="Export my insights and the underlying interactions (JSON)",
    by_alias=True,
)
def export_json(request, query: Query[WindowQuery]):
    """The same JSON as `kith report @handle --json` (its JSON Schema: docs/insights.md)."""
    return _insights(request, query, with_interactions=True)[0]


class CsvQuery(WindowQuery):
    table: str = "metrics"  # metrics, trend, posts, relationships, interactions


@router.get(
    "/insights/export.csv",
    response={200: None, **ERRORS},
    summary="Export one table of my insights (CSV)",
    openapi_extra={"responses": {200: {"description": "CSV", "content": {"text/csv": {}}}}},
)
def export_csv(request, query: Query[CsvQuery]):
    """One table: `metrics` (every number), `trend`, `posts`, `relationships`, `interactions`."""
    if query.table not in CSV_TABLES:
        raise ValidationError({"table": [f"Choose one of {', '.join(CSV_TABLES)}."]})
    insights, _ = _insights(request, query, with_interactions=True)
    response = HttpResponse(csv_table(insights, query.table), content_type="text/csv")
    name = f"kith-insights-{request.auth.handle}-{query.table}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/insights/{key}",
    response={200: DrillOut, **ERRORS},
    summary="List the posts and people behind one number of my insights",
    description=f"`key` is one of: {', '.join(KEYS)}.",
)
def drill(request, key: str, query: Query[WindowQuery]):
    if key not in KEYS:
        raise Http404("No such number.")
    insights, window = _insights(request, query)
    return drill_down(request.auth, insights, key, window)
