"""Direct messages in the native API: threads, messages, message requests, unread counts.

Only participants see a thread (anyone else: 404, as for a thread that does not exist).
New messages also arrive on the live stream (`GET /api/kith/v1/streaming`, event `message`).
Images: upload drafts with `POST /api/kith/v1/media`, then send their ids as `media_ids`.
"""

from __future__ import annotations

from django.conf import settings
from ninja import Query, Router, Schema, Status
from pydantic import Field

from kith.api import auth
from kith.api.post_schemas import MediaOut
from kith.api.post_serializers import media_dict
from kith.api.schemas import ErrorOut, PersonSummaryOut
from kith.api.serializers import person_summary_dict
from kith.core.ids import parse_id
from kith.messaging import actions, selectors
from kith.messaging.access import access_thread

router = Router(tags=["messages"], auth=auth.required)
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class MessageOut(Schema):
    id: str
    thread_id: str
    sender: PersonSummaryOut
    body: str = Field(description="Markdown source")
    html: str = Field(description="Sanitised HTML")
    media: list[MediaOut]
    created_at: str


class ThreadOut(Schema):
    id: str
    subject: str
    people: list[PersonSummaryOut]
    started_by: str = Field(description="Handle of who started it")
    status: str = Field(description="Yours: accepted (inbox), request or declined")
    unread: bool
    last_message_at: str
    last_message: MessageOut | None = None


class ThreadPageOut(ThreadOut):
    messages: list[MessageOut] = Field(description="Oldest first; page back with `before`")


class UnreadOut(Schema):
    threads: int = Field(description="Unread threads in the inbox plus open requests")


class ThreadsQuery(Schema):
    box: str = Field("inbox", pattern="^(inbox|requests)$")
    limit: int = Field(40, ge=1)
    before: str | None = Field(None, pattern=r"^\d{1,20}$", description="Threads quieter than")


class MessagesQuery(Schema):
    limit: int = Field(50, ge=1)
    before: str | None = Field(None, pattern=r"^\d{1,20}$", description="Messages older than")


class StartIn(Schema):
    to: list[str] = Field(description="Handles of the people to write to", max_length=19)
    body: str = Field("", max_length=20000)
    subject: str = Field("", max_length=1000)
    media_ids: list[str] = Field(default_factory=list, max_length=10)


class SendIn(Schema):
    body: str = Field("", max_length=20000)
    media_ids: list[str] = Field(default_factory=list, max_length=10)


def message_dict(message, *, with_media: bool = True) -> dict:
    return {
        "id": str(message.pk),
        "thread_id": str(message.thread_id),
        "sender": person_summary_dict(message.sender),
        "body": message.body,
        "html": message.body_html,
        "media": [media_dict(a.media) for a in message.attachments.all()] if with_media else [],
        "created_at": message.created_at.isoformat(),
    }


def thread_dict(participant, people, last_message=None) -> dict:
    thread = participant.thread
    return {
        "id": str(thread.pk),
        "subject": thread.subject,
        "people": [person_summary_dict(p) for p in people],
        "started_by": next((p.handle for p in people if p.pk == thread.started_by_id), ""),
        "status": participant.status,
        "unread": thread.last_message_id > participant.last_read_id,
        "last_message_at": thread.last_message_at.isoformat(),
        "last_message": message_dict(last_message, with_media=False) if last_message else None,
    }


def _limit(value: int) -> int:
    return min(value, settings.KITH_API_PAGE_MAX)


@router.get("/unread", response={200: UnreadOut, 401: ErrorOut}, summary="Unread messages")
def unread(request):
    return {"threads": selectors.unread_thread_count(request.auth.pk)}


@router.get("/threads", response={200: list[ThreadOut], **ERRORS}, summary="List threads")
def list_threads(request, query: Query[ThreadsQuery]):
    """Your inbox (accepted threads) or message requests, latest activity first."""
    before = parse_id(query.before) if query.before else None
    rows = selectors.box_of(request.auth, query.box, before=before, limit=_limit(query.limit))
    return [thread_dict(row, row.people, row.last_message) for row in rows]


@router.post("/threads", response={201: ThreadPageOut, **ERRORS}, summary="Write to people")
def start_thread(request, payload: StartIn):
    """Start a thread (between two people, the existing one is reused) with a first message.

    People you are not connected with get it as a message request.
    """
    message = actions.thread_start(
        sender=request.auth,
        to=payload.to,
        body=payload.body,
        subject=payload.subject,
        media_ids=payload.media_ids,
    )
    return Status(201, _thread_page(request, message.thread_id, MessagesQuery()))


def _thread_page(request, thread_id, query: MessagesQuery) -> dict:
    participant = access_thread(request.auth, thread_id)
    people = [p.person for p in selectors.people_of(participant.thread_id)]
    before = parse_id(query.before) if query.before else None
    items = selectors.messages_of(participant, before=before, limit=_limit(query.limit))
    return {
        **thread_dict(participant, people),
        "messages": [message_dict(m) for m in items],
    }


@router.get("/threads/{thread_id}", response={200: ThreadPageOut, **ERRORS}, summary="A thread")
def get_thread(request, thread_id: str, query: Query[MessagesQuery]):
    """The thread and its latest messages (reading does not mark it read: POST …/read)."""
    return _thread_page(request, thread_id, query)


@router.post("/threads/{thread_id}/messages", response={201: MessageOut, **ERRORS}, summary="Send")
def send(request, thread_id: str, payload: SendIn):
    participant = access_thread(request.auth, thread_id)
    message = actions.message_send(
        participant=participant, body=payload.body, media_ids=payload.media_ids
    )
    return Status(201, message_dict(message))


@router.post("/threads/{thread_id}/read", response={200: ThreadOut, **ERRORS}, summary="Read")
def mark_read(request, thread_id: str):
    participant = access_thread(request.auth, thread_id)
    actions.thread_mark_read(participant=participant)
    people = [p.person for p in selectors.people_of(participant.thread_id)]
    return thread_dict(participant, people)


class IntroCallOut(Schema):
    intro_call_id: str
    url: str


def _answer(request, thread_id: str, action):
    participant = access_thread(request.auth, thread_id)
    action(participant=participant)
    people = [p.person for p in selectors.people_of(participant.thread_id)]
    return thread_dict(participant, people)


@router.post("/threads/{thread_id}/accept", response={200: ThreadOut, **ERRORS})
def accept(request, thread_id: str):
    """Accept a message request: it moves to your inbox and you can reply."""
    return _answer(request, thread_id, actions.request_accept)


@router.post("/threads/{thread_id}/decline", response={200: ThreadOut, **ERRORS})
def decline(request, thread_id: str):
    """Decline a message request: it leaves your boxes."""
    return _answer(request, thread_id, actions.request_decline)


@router.post("/threads/{thread_id}/block", response={200: ThreadOut, **ERRORS})
def block(request, thread_id: str):
    """Decline a message request and block whoever started the thread."""
    return _answer(request, thread_id, actions.request_block)


@router.post("/threads/{thread_id}/intro-call", response={201: IntroCallOut, **ERRORS})
def offer_intro_call(request, thread_id: str):
    """Answer a request from a stranger with an intro call (see the intro-call endpoints)."""
    participant = access_thread(request.auth, thread_id)
    call = actions.request_offer_intro_call(participant=participant)
    return Status(
        201, {"intro_call_id": str(call.pk), "url": f"{settings.BASE_URL}/intro-calls/{call.pk}/"}
    )
