"""A post's journey, for its author only: its cascade of shares, the clicks on its links, the
audiences it reached and the conversation it started (`insights.journey`)."""

from __future__ import annotations

import base64

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kith.insights.charts import clicks_chart
from kith.insights.journey import journey_for
from kith.people.validators import normalise_handle


@login_required
@require_GET
def post_journey(request, handle: str, post_id: str):
    if normalise_handle(handle) != request.user.handle:
        raise Http404("No such post.")
    journey = journey_for(request.user, post_id)
    chart = ""
    if journey["clicks"]["by_day"]:
        svg = clicks_chart(journey["clicks"]["by_day"])
        chart = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    return render(request, "web/post_journey.html", {"journey": journey, "clicks_chart": chart})
