from django.contrib import admin
from django.urls import include, path

from kith.api.api import api

admin.site.site_header = "Kith administration"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/kith/", api.urls),
    path("", include("kith.web.urls")),
]
