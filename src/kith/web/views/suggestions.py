"""Suggestions: posts from outside your network on your interests, people you may want to meet."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kith.conversations.access import annotate_for_viewer
from kith.people.access import access_person
from kith.relevance.actions import suggestion_dismiss
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


@require_POST
@login_required
def dismiss_person(request, handle: str):
    """ "Not interested": stop suggesting this person (only you know). With htmx the card
    goes away; without, back to the page with a note."""
    person = access_person(request.user, handle)
    try:
        suggestion_dismiss(person=request.user, dismissed=person)
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400)
    if request.htmx:
        return HttpResponse("")
    messages.info(request, f"{person.display_name} will not be suggested again.")
    return redirect("suggestions")
