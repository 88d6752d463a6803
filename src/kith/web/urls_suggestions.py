"""Suggested posts and people you may want to meet (issue 6 item 5)."""

from django.urls import path

from kith.web.views import suggestions

urlpatterns = [
    path("suggestions/", suggestions.suggestions, name="suggestions"),
    path(
        "suggestions/people/<str:handle>/dismiss/",
        suggestions.dismiss_person,
        name="suggestion_dismiss",
    ),
]
