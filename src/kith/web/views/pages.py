"""The home page and the health check."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kith.people.access import people_visible_to, visible_fields
from kith.web.views.conversation_lists import compose_context
from kith.web.views.feeds import feed_context


@require_GET
def home(request):
    context = {}
    if request.user.is_authenticated:
        person = request.user
        context["own_fields"] = visible_fields(person, person)
        context.update(compose_context(request=request))
        context.update(feed_context(request))
    else:
        context["newest"] = list(people_visible_to(None).order_by("-id")[:8])
    return render(request, "web/home.html", context)


@require_GET
def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
