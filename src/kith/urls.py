from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path

from kith.api.api import api
from kith.mastodon.api import mastodon_api

admin.site.site_header = "Kith administration"


def mastodon_not_found(request, rest=""):
    """Any other /api/v1 or /api/v2 path: Mastodon's JSON 404, not an HTML page."""
    return JsonResponse({"error": "Record not found"}, status=404)


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/kith/", api.urls),
    # The Mastodon-compatible API: /api/v1/…, /api/v2/…, /api/mastodon/openapi.json
    path("api/", mastodon_api.urls),
    re_path(r"^api/v[12]/(?P<rest>.*)$", mastodon_not_found),
    path("", include("kith.mastodon.urls")),
    path("", include("kith.web.urls")),
]
