"""Reading other people's profiles and cards."""

from __future__ import annotations

from django.conf import settings
from ninja import Query, Router, Schema
from pydantic import Field

from kith.api import auth
from kith.api.schemas import ErrorOut, PersonOut, PersonSummaryOut
from kith.api.serializers import person_dict, person_summary_dict
from kith.core.ids import parse_id
from kith.people.access import access_person, people_visible_to

router = Router(tags=["people"], auth=auth.optional)


class PageQuery(Schema):
    limit: int = Field(40, ge=1, description="Page size; capped at KITH_API_PAGE_MAX (100).")
    max_id: str | None = Field(
        None, pattern=r"^\d{1,20}$", description="Return people older than this id."
    )


@router.get("", response={200: list[PersonSummaryOut], 422: ErrorOut}, summary="List people")
def list_people(request, page: Query[PageQuery]):
    """Return the people directory, newest first; page with `max_id`."""
    people = people_visible_to(request.auth).order_by("-id")
    if page.max_id:
        people = people.filter(id__lt=parse_id(page.max_id) or 0)
    limit = min(page.limit, settings.KITH_API_PAGE_MAX)
    return [person_summary_dict(p) for p in people[:limit]]


@router.get("/{handle}", response={200: PersonOut, 404: ErrorOut}, summary="Get a person")
def get_person(request, handle: str):
    """Return a person's profile with the contact-card fields the caller may see."""
    return person_dict(request.auth, access_person(request.auth, handle))
