"""Profile pages, the contact-card partial, the people directory and avatars."""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.utils._os import safe_join
from django.views.decorators.http import require_GET

from kith.people.access import access_person, people_visible_to, visible_fields
from kith.relationships.access import relationship_between
from kith.web.views.conversation_lists import profile_posts_context
from kith.web.views.follows import profile_actions_context


def _card_context(request, handle: str) -> dict:
    person = access_person(request.user, handle)
    relationship = relationship_between(request.user, person)
    return {
        "person": person,
        "fields": visible_fields(request.user, person, relationship),
        "relationship": relationship,
        "connection": relationship.connection,
    }


@require_GET
def profile(request, handle: str):
    context = _card_context(request, handle)
    context["interests"] = list(context["person"].interests.values_list("tag", flat=True))
    context.update(profile_actions_context(request.user, context["person"]))
    context.update(profile_posts_context(request, context["person"]))
    return render(request, "web/profile.html", context)


@require_GET
def card_partial(request, handle: str):
    return render(request, "web/_card.html", _card_context(request, handle))


@require_GET
def people_directory(request):
    people = (
        people_visible_to(request.user)
        .order_by("-id")
        .only("id", "handle", "display_name", "avatar", "bio")
    )
    page = Paginator(people, 30).get_page(request.GET.get("page"))
    return render(request, "web/people.html", {"page": page})


@require_GET
def media(request, path: str):
    """Serve an uploaded file (avatars are public by design)."""
    try:
        full_path = safe_join(settings.MEDIA_ROOT, path)
    except Exception:
        raise Http404("No such file.") from None
    try:
        handle = open(full_path, "rb")  # noqa: SIM115 — FileResponse closes it
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404("No such file.") from None
    content_type = mimetypes.guess_type(full_path)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    # Stored names are random and never reused: safe to cache for a long time.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
