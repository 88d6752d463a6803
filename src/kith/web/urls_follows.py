"""Web routes for follows (included from kith.web.urls)."""

urlpatterns: list = []
