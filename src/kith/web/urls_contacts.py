"""Web routes for contacts (included from kith.web.urls)."""

urlpatterns: list = []
