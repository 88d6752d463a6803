"""The insights dashboard of the signed-in person, its charts, drill-downs and downloads.

Only the owner ever sees their insights: every page is about `request.user`, and there is
no URL naming anyone else. Numbers come from `insights.metrics`, which counts only what the
owner may see.
"""

from __future__ import annotations

import base64

import orjson
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kith.insights.charts import CHARTS
from kith.insights.drill import drill_down
from kith.insights.export import CSV_TABLES, csv_table
from kith.insights.metrics import insights_for
from kith.insights.params import window_kwargs

CHART_CSP = "default-src 'none'; style-src 'unsafe-inline'"


def _window(request):
    """Return (insights_for arguments, query string to carry, error message or "")."""
    since, days = request.GET.get("since", ""), request.GET.get("days", "")
    try:
        kwargs = window_kwargs(since=since, days=days)
    except ValidationError as error:
        return window_kwargs(), "", " ".join(m for ms in error.message_dict.values() for m in ms)
    query = f"since={since}" if since else (f"days={days}" if days else "")
    return kwargs, query, ""


def _data_uri(svg: str) -> str:
    """Return `svg` as a data: URI, so the page draws its charts from one computation."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
@require_GET
def dashboard(request):
    kwargs, query, error = _window(request)
    insights = insights_for(request.user, **kwargs)
    return render(
        request,
        "web/insights.html",
        {
            "insights": insights,
            "query": query,
            "error": error,
            "since": request.GET.get("since", ""),
            "charts": {name: _data_uri(draw(insights)) for name, draw in CHARTS.items()},
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def chart(request, name: str):
    render_chart = CHARTS.get(name)
    if render_chart is None:
        raise Http404("No such chart.")
    kwargs, _, _ = _window(request)
    svg = render_chart(insights_for(request.user, **kwargs))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = CHART_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def drill(request, key: str):
    kwargs, query, _ = _window(request)
    insights = insights_for(request.user, **kwargs)
    found = drill_down(request.user, insights, key, kwargs)
    if found is None:
        raise Http404("No such number.")
    return render(
        request, "web/insights_drill.html", {"found": found, "insights": insights, "query": query}
    )


@login_required
@require_GET
def export(request, fmt: str):
    kwargs, _, error = _window(request)
    if error:
        return HttpResponse(error, status=400, content_type="text/plain; charset=utf-8")
    insights = insights_for(request.user, **kwargs, with_interactions=True)
    stamp = insights["window"]["until"][:10]
    if fmt == "json":
        response = HttpResponse(
            orjson.dumps(insights, option=orjson.OPT_INDENT_2), content_type="application/json"
        )
        name = f"kith-insights-{request.user.handle}-{stamp}.json"
    else:
        table = request.GET.get("table", "metrics")
        if table not in CSV_TABLES:
            return HttpResponse(
                f"No such table; choose one of {', '.join(CSV_TABLES)}.",
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(csv_table(insights, table), content_type="text/csv; charset=utf-8")
        name = f"kith-insights-{request.user.handle}-{table}-{stamp}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
