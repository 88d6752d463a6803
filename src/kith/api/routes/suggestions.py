"""Suggested posts (from outside your network, on your interests) and people to meet."""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from kith.api import auth
from kith.api.post_schemas import PostOut
from kith.api.post_serializers import json_response, posts_data
from kith.api.schemas import ErrorOut, PersonSummaryOut
from kith.api.serializers import person_summary_dict
from kith.people.access import access_person
from kith.relevance.actions import suggestion_dismiss
from kith.relevance.selectors import SUGGESTIONS_MAX, people_to_meet, suggested_posts

router = Router(tags=["suggestions"], auth=auth.required)


class SuggestedPostOut(Schema):
    label: Literal["suggested"] = Field(description="Always 'suggested': not from your network")
    reason: str
    relevance: float = Field(description="Cosine of the post with your interests, 0 to 1")
    post: PostOut


class SuggestedPostsOut(Schema):
    label: str
    suggestions: list[SuggestedPostOut]


class MeetOut(Schema):
    way: Literal["invite", "intro_call"] = Field(
        description="What sending an invitation starts: an invitation, or an intro call first"
    )
    invitation_endpoint: str = Field(description="POST here (InvitationIn) to send it")
    web_url: str


class SuggestedPersonOut(Schema):
    person: PersonSummaryOut
    shared_interests: list[str]
    mutual_connections: int
    mutuals: list[PersonSummaryOut]
    reason: str
    meet: MeetOut


class SuggestedPeopleOut(Schema):
    label: str
    suggestions: list[SuggestedPersonOut]


LIMIT = Query(20, ge=1, le=SUGGESTIONS_MAX)
ERRORS = {401: ErrorOut, 422: ErrorOut}


@router.get("/posts", response={200: SuggestedPostsOut, **ERRORS}, summary="Suggested posts")
def suggested_post_list(request, limit: int = LIMIT):
    """Recent public posts from people outside your network, on your interests, best first.

    Empty until you have interests or have marked posts helpful. Only posts you may see.
    """
    suggestions = suggested_posts(request.auth, limit=limit)
    posts = posts_data(request.auth, [s.post for s in suggestions])
    return json_response(
        {
            "label": "Suggested: from outside your network, on your interests",
            "suggestions": [
                {
                    "label": "suggested",
                    "reason": "On your interests, from someone outside your network",
                    "relevance": round(s.score, 4),
                    "post": post,
                }
                for s, post in zip(suggestions, posts, strict=True)
            ],
        }
    )


def _reason(s) -> str:
    parts = []
    if s.mutual_count:
        parts.append(f"{s.mutual_count} mutual connection{'s' if s.mutual_count != 1 else ''}")
    if s.shared_interests:
        parts.append("you both like " + ", ".join(f"#{t}" for t in s.shared_interests))
    return "; ".join(parts)


@router.get(
    "/people", response={200: SuggestedPeopleOut, **ERRORS}, summary="People you may want to meet"
)
def suggested_people(request, limit: int = Query(10, ge=1, le=SUGGESTIONS_MAX)):
    """People with your interests and your connections' connections; never followed for you.

    Each comes with how to meet them: an invitation
    (`POST /api/kith/v1/people/{handle}/invitations`), which becomes an intro call first
    where their policy asks for one.
    """
    suggestions = people_to_meet(request.auth, limit=limit)
    return json_response(
        {
            "label": "People you may want to meet",
            "suggestions": [
                {
                    "person": person_summary_dict(s.person),
                    "shared_interests": s.shared_interests,
                    "mutual_connections": s.mutual_count,
                    "mutuals": [person_summary_dict(m) for m in s.mutuals],
                    "reason": _reason(s),
                    "meet": {
                        "way": s.way_to_meet,
                        "invitation_endpoint": f"/api/kith/v1/people/{s.person.handle}/invitations",
                        "web_url": settings.BASE_URL
                        + reverse("invite", kwargs={"handle": s.person.handle}),
                    },
                }
                for s in suggestions
            ],
        }
    )


@router.delete(
    "/people/{handle}",
    response={204: None, 404: ErrorOut, **ERRORS},
    summary="Not interested: stop suggesting a person",
)
def dismiss_suggested_person(request, handle: str):
    """Stop suggesting `handle` among the people you may want to meet. Only you know; it
    changes nothing between you (you can still find them, follow or invite them).
    Idempotent; someone you may not see is a 404, yourself a 422."""
    person = access_person(request.auth, handle)
    suggestion_dismiss(person=request.auth, dismissed=person)
    return Status(204, None)
