"""Suggestions: posts from outside your network on your interests, people you may want to meet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from kith.conversations.access import annotate_for_viewer
from kith.relevance.selectors import people_to_meet, suggested_posts


@require_GET
@login_required
def suggestions(request):
    """Show Suggested posts and "People you may want to meet", each clearly labelled."""
    posts = suggested_posts(request.user, limit=20)
    annotate_for_viewer(request.user, [s.post for s in posts])
    people = people_to_meet(request.user, limit=10)
    has_interests = request.user.interests.exists()
    context = {"suggested": posts, "people": people, "has_interests": has_interests}
    return render(request, "web/suggestions.html", context)
