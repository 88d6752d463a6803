"""Direct messages in the web UI: inbox, requests, a thread, compose, answering requests."""

from __future__ import annotations

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kith.core.ids import parse_id
from kith.messaging import actions, selectors
from kith.messaging.access import access_thread
from kith.messaging.models import ParticipantStatus
from kith.web.media_form import media_ids_from_request

PAGE = 40


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages in error.message_dict.values() for m in messages]
    return list(error.messages)


@login_required
@require_GET
def inbox(request, box: str = "inbox"):
    before = parse_id(request.GET.get("before", "")) or None
    rows = selectors.box_of(request.user, box, before=before, limit=PAGE)
    requests_count = (
        selectors.box_of(request.user, "requests", limit=PAGE + 1) if box == "inbox" else rows
    )
    return render(
        request,
        "web/messages_inbox.html",
        {
            "box": box,
            "rows": rows,
            "requests_count": len(requests_count),
            "next_before": rows[-1].thread.last_message_id if len(rows) == PAGE else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def compose(request):
    to = request.GET.get("to", "")
    errors: list[str] = []
    values = {"to": to, "body": "", "subject": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("to", "body", "subject")}
        handles = values["to"].replace(",", " ").split()
        try:
            media_ids = media_ids_from_request(request)
            message = actions.thread_start(
                sender=request.user,
                to=handles,
                body=values["body"],
                subject=values["subject"],
                media_ids=media_ids,
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            return redirect("messages_thread", thread_id=message.thread_id)
    status = 400 if errors else 200
    return render(
        request, "web/message_compose.html", {"values": values, "errors": errors}, status=status
    )


def _thread_context(request, participant, *, errors=None, body=""):
    people = selectors.people_of(participant.thread_id)
    return {
        "participant": participant,
        "thread": participant.thread,
        "people": people,
        "others": [p.person for p in people if p.person_id != request.user.pk],
        "items": selectors.messages_of(participant),
        "is_request": participant.status == ParticipantStatus.REQUEST,
        "is_declined": participant.status == ParticipantStatus.DECLINED,
        "errors": errors or [],
        "body": body,
    }


@login_required
@require_http_methods(["GET", "POST"])
def thread(request, thread_id: str):
    participant = access_thread(request.user, thread_id)
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            media_ids = media_ids_from_request(request)
            actions.message_send(participant=participant, body=body, media_ids=media_ids)
        except ValidationError as error:
            context = _thread_context(request, participant, errors=_errors(error), body=body)
            template = "web/_message_reply.html" if request.htmx else "web/message_thread.html"
            # htmx swaps only 2xx answers: it gets the form with its errors as 200.
            return render(request, template, context, status=200 if request.htmx else 400)
        if request.htmx:
            context = _thread_context(request, participant)
            response = render(request, "web/_message_list.html", context)
            response["HX-Retarget"] = "#message-list"
            response["HX-Trigger"] = "kith:sent"
            return _with_fresh_form(request, response, context)
        return redirect("messages_thread", thread_id=participant.thread_id)
    if participant.status == ParticipantStatus.ACCEPTED:
        actions.thread_mark_read(participant=participant)
    if not request.htmx:
        return render(request, "web/message_thread.html", _thread_context(request, participant))
    # A live refresh of an open thread: the list, and the navigation's count now it is read.
    response = render(request, "web/_message_list.html", _thread_context(request, participant))
    unread = selectors.unread_thread_count(request.user.pk)
    response.content += (
        '<span id="nav-messages-count" class="count" data-live-count="messages" '
        f'hx-swap-oob="true">{unread or ""}</span>'
    ).encode()
    return response


def _with_fresh_form(request, response, context):
    """Append an empty reply form, swapped out of band, after a message was sent."""
    from django.template.loader import render_to_string

    form = render_to_string("web/_message_reply.html", context, request=request)
    response.content += form.replace(
        '<div id="message-reply">', '<div id="message-reply" hx-swap-oob="true">', 1
    ).encode()
    return response


REQUEST_ACTIONS = {
    "accept": (actions.request_accept, "Moved to your inbox: you can reply now."),
    "decline": (actions.request_decline, "Declined. The conversation is gone from your boxes."),
    "block": (actions.request_block, "Declined, and you blocked the sender."),
    "intro": (
        actions.request_offer_intro_call,
        "You offered an intro call; they pick a time from your availability.",
    ),
}


@login_required
@require_POST
def answer_request(request, thread_id: str, answer: str):
    participant = access_thread(request.user, thread_id)
    action, done = REQUEST_ACTIONS[answer]
    try:
        result = action(participant=participant)
    except ValidationError as error:
        flash.error(request, " ".join(_errors(error)))
        return redirect("messages_thread", thread_id=participant.thread_id)
    flash.success(request, done)
    if answer == "intro":
        return redirect(reverse("intro_call", kwargs={"call_id": result.pk}))
    if answer in ("decline", "block"):
        return redirect("messages_requests")
    return redirect("messages_thread", thread_id=participant.thread_id)
