"""Imported archives of LinkedIn, Mastodon and X: upload, status, figures, delete (owner only)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.conf import settings
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from kith.api import auth
from kith.api.schemas import ErrorOut
from kith.archives import actions
from kith.archives.access import access_archive, archives_of
from kith.archives.comparison import compare
from kith.archives.matching import email_suggestions
from kith.archives.models import Archive
from kith.archives.models import Status as ArchiveStatus
from kith.archives.sources import ArchiveError

router = Router(tags=["archives"], auth=auth.required)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 413: ErrorOut, 422: ErrorOut}


class ArchiveOut(Schema):
    id: str
    network: Literal["linkedin", "mastodon", "x"]
    file_name: str
    account: str
    status: Literal["pending", "running", "done", "failed"]
    progress: int
    error: str
    headline: str | None
    uploaded_at: datetime
    finished_at: datetime | None
    url: str


class TalkedWithOut(Schema):
    who: str
    messages: int
    replies: int


class FiguresOut(Schema):
    network: str
    account: str
    headline: str
    posts: int
    replies: int
    reposts: int
    connections: int
    followers: int
    following: int
    messages_sent: int
    messages_received: int
    people_messaged: int
    people_in_messages: int
    connections_messaged: int
    invitations_sent: int
    invitations_received: int
    likes: int
    bookmarks: int
    reply_targets: int
    talked_with: list[TalkedWithOut]


class ComparisonRowOut(Schema):
    label: str
    archive: int
    kith: int


class ComparisonOut(Schema):
    archive: str = Field(description="The archive's headline")
    kith: str = Field(description="The same on Kith, since you joined")
    rows: list[ComparisonRowOut]


def archive_dict(archive: Archive) -> dict:
    return {
        "id": str(archive.pk),
        "network": archive.network,
        "file_name": archive.file_name,
        "account": archive.account,
        "status": archive.status,
        "progress": archive.progress,
        "error": archive.error,
        "headline": archive.figures.get("headline"),
        "uploaded_at": archive.uploaded_at,
        "finished_at": archive.finished_at,
        "url": settings.BASE_URL + archive.get_absolute_url(),
    }


@router.post(
    "/archives",
    response={200: ArchiveOut, 202: ArchiveOut, **ERRORS},
    summary="Upload an archive to import",
)
def upload(
    request,
    network: Form[Literal["linkedin", "mastodon", "x"]],
    file: File[UploadedFile],
):
    """Upload a LinkedIn, Mastodon or X archive (zip; LinkedIn also one of its CSV files).

    It is imported in the background: poll `GET /archives/{id}` for its status and progress.
    The same file uploaded again answers 200 with the archive already there.
    """
    if file.size > settings.KITH_ARCHIVE_MAX_UPLOAD_BYTES:
        raise HttpError(
            413, f"The archive is larger than {settings.KITH_ARCHIVE_MAX_UPLOAD_BYTES:,} bytes."
        )
    try:
        archive, created = actions.archive_upload(
            owner=request.auth, network=network, upload=file, file_name=file.name or ""
        )
    except ArchiveError as exc:
        raise HttpError(422, str(exc)) from None
    archive.refresh_from_db()
    return Status(202 if created else 200, archive_dict(archive))


@router.get("/archives", response={200: list[ArchiveOut], **ERRORS}, summary="List my archives")
def list_archives(request):
    return [archive_dict(a) for a in archives_of(request.auth)[: settings.KITH_API_PAGE_MAX]]


@router.get(
    "/archives/{archive_id}",
    response={200: ArchiveOut, **ERRORS},
    summary="An archive's import status and progress",
)
def get_archive(request, archive_id: str):
    return archive_dict(access_archive(request.auth, archive_id))


@router.get(
    "/archives/{archive_id}/figures",
    response={200: FiguresOut, **ERRORS},
    summary="An imported archive's figures",
)
def figures(request, archive_id: str):
    """Posts vs replies vs reposts, who you talked with, connections you ever messaged."""
    archive = access_archive(request.auth, archive_id)
    if archive.status != ArchiveStatus.DONE:
        raise HttpError(409, f"The archive is not imported ({archive.get_status_display()}).")
    return archive.figures


@router.get(
    "/archives/{archive_id}/comparison",
    response={200: ComparisonOut, **ERRORS},
    summary="An imported archive side by side with Kith",
)
def comparison(request, archive_id: str):
    """The archive's figures next to yours on Kith: connections, talked with, posts, replies."""
    archive = access_archive(request.auth, archive_id)
    if archive.status != ArchiveStatus.DONE:
        raise HttpError(409, f"The archive is not imported ({archive.get_status_display()}).")
    return compare(archive, request.auth)


class SuggestionOut(Schema):
    handle: str
    display_name: str
    url: str
    name_in_archive: str = Field(description="Their name in the archive")
    work: str = Field(description="Position and company, as the archive gives them")
    invitation_open: bool = Field(description="An invitation between you is waiting")
    invite_url: str = Field(description="POST an invitation there, with how you know them")
    how_known_detail: str = Field(description="A suggested answer to “how do you know each other?”")


@router.get(
    "/archives/{archive_id}/suggestions",
    response={200: list[SuggestionOut], **ERRORS},
    summary="People from an archive to invite, found by email",
)
def suggestions(request, archive_id: str):
    """The archive's contacts whose email address belongs to someone on Kith who allows being
    found by email (not already connected to you): people to invite, saying how you know them."""
    archive = access_archive(request.auth, archive_id)
    if archive.status != ArchiveStatus.DONE:
        raise HttpError(409, f"The archive is not imported ({archive.get_status_display()}).")
    return [
        {
            "handle": s["person"].handle,
            "display_name": s["person"].display_name,
            "url": s["person"].get_absolute_url(),
            "name_in_archive": s["name_in_archive"],
            "work": s["work"],
            "invitation_open": s["invitation_open"],
            "invite_url": f"/api/kith/v1/people/{s['person'].handle}/invitations",
            "how_known_detail": s["how_known_detail"],
        }
        for s in email_suggestions(request.auth, archive)
    ]


@router.delete(
    "/archives/{archive_id}",
    response={204: None, **ERRORS},
    summary="Delete an archive and all it imported",
)
def delete(request, archive_id: str):
    actions.archive_delete(archive=access_archive(request.auth, archive_id))
    return Status(204, None)
