"""Web routes for invitations (included from kith.web.urls)."""

urlpatterns: list = []
