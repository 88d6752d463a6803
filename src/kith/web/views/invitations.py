"""Invitations, intro calls, connections, availability and notifications in the web UI."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kith.core.ids import parse_id
from kith.people.access import access_person
from kith.relationships.access import (
    access_intro_call,
    access_invitation,
    connection_list,
    invitations_of,
)
from kith.relationships.actions import intro_calls as calls
from kith.relationships.actions import invitations as inv
from kith.relationships.actions.availability import availability_add, availability_remove
from kith.relationships.actions.connections import connection_remove
from kith.relationships.ics import intro_call_ics_response
from kith.relationships.models import Availability, IntroCall
from kith.web.forms_relationships import (
    WEEKDAYS,
    AvailabilityForm,
    InvitationForm,
    ReplyForm,
    RescheduleForm,
    SlotsForm,
)
from kith.web.views.settings_pages import _apply


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, handle: str):
    recipient = access_person(request.user, handle)
    # A suggestion (an imported address book) may offer how you know each other.
    initial = {"how_known_detail": request.GET.get("how_known_detail", "")[:1000]}
    form = InvitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        introduced_by = None
        if data["introduced_by"]:
            try:
                introduced_by = access_person(request.user, data["introduced_by"])
            except Http404:
                form.add_error("introduced_by", "No such person.")
        if not form.errors:
            holder: list = []
            if _apply(
                form,
                lambda: holder.append(
                    inv.invitation_send(
                        sender=request.user,
                        recipient=recipient,
                        how_known=data["how_known"],
                        how_known_detail=data["how_known_detail"],
                        note=data["note"],
                        introduced_by=introduced_by,
                    )
                ),
            ):
                invitation = holder[0]
                if invitation.status == "intro_offered":
                    messages.info(
                        request,
                        f"{recipient.display_name} meets new people on a "
                        "short call first: an intro call is offered.",
                    )
                    return redirect("intro_call", call_id=invitation.intro_call.pk)
                messages.success(request, f"Invitation sent to {recipient.display_name}.")
                return redirect("profile", handle=recipient.handle)
    return render(
        request,
        "web/invite.html",
        {"person": recipient, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def invitations(request):
    return render(
        request,
        "web/invitations.html",
        {
            "received": invitations_of(request.user, box="received"),
            "sent": invitations_of(request.user, box="sent"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, invitation_id: int):
    item = access_invitation(request.user, invitation_id)
    form = ReplyForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(
            form,
            lambda: inv.invitation_reply(
                invitation=item, by=request.user, body=form.cleaned_data["body"]
            ),
        )
    ):
        messages.success(request, "Message sent.")
        return redirect("invitation", invitation_id=item.pk)
    call = IntroCall.objects.filter(invitation=item).first()
    return render(
        request,
        "web/invitation.html",
        {
            "invitation": item,
            "form": form,
            "call": call,
            "messages_list": item.messages.select_related("author"),
            "is_recipient": item.recipient_id == request.user.pk,
        },
        status=400 if form.errors else 200,
    )


INVITATION_ACTIONS = {
    "accept": (inv.invitation_accept, "You are connected."),
    "decline": (inv.invitation_decline, "Invitation declined."),
    "withdraw": (inv.invitation_withdraw, "Invitation withdrawn."),
    "unknown": (inv.invitation_mark_unknown, "Done: this person cannot invite you again."),
}


@login_required
@require_POST
def invitation_action(request, invitation_id: int, verb: str):
    item = access_invitation(request.user, invitation_id)
    if verb not in INVITATION_ACTIONS:
        raise Http404("No such action.")
    action, done = INVITATION_ACTIONS[verb]
    try:
        action(invitation=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("invitation", invitation_id=item.pk)
    messages.success(request, done)
    if verb == "accept":
        return redirect("profile", handle=item.sender.handle)
    return redirect("invitations")


@login_required
@require_http_methods(["GET", "POST"])
def offer_intro_call(request, invitation_id: int):
    item = access_invitation(request.user, invitation_id)
    form = SlotsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        holder: list = []
        if _apply(
            form,
            lambda: holder.append(
                calls.invitation_offer_intro_call(
                    invitation=item,
                    by=request.user,
                    slots=form.slots(),
                    time_zone=data["time_zone"],
                    duration_minutes=data["duration_minutes"],
                    join_url=data["join_url"],
                    phone=data["phone"],
                )
            ),
        ):
            messages.success(request, "Intro call offered.")
            return redirect("intro_call", call_id=holder[0].pk)
    return render(
        request,
        "web/offer_intro_call.html",
        {"invitation": item, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def intro_call(request, call_id: int):
    call = access_intro_call(request.user, call_id)
    is_host = call.host_id == request.user.pk
    slots_form = SlotsForm(
        initial={
            "time_zone": call.time_zone,
            "duration_minutes": call.duration_minutes,
            "join_url": call.join_url,
            "phone": call.phone,
        }
    )
    return render(
        request,
        "web/intro_call.html",
        {
            "call": call,
            "is_host": is_host,
            "slots_form": slots_form,
            "reschedule_form": RescheduleForm(initial={"time_zone": call.time_zone}),
            "other": call.guest if is_host else call.host,
        },
    )


@login_required
@require_POST
def intro_call_action(request, call_id: int, verb: str):
    call = access_intro_call(request.user, call_id)
    try:
        if verb == "propose":
            form = SlotsForm(request.POST)
            if not form.is_valid():
                raise ValidationError([f"{k}: {' '.join(v)}" for k, v in form.errors.items()])
            data = form.cleaned_data
            calls.intro_call_propose(
                call=call,
                by=request.user,
                slots=form.slots(),
                time_zone=data["time_zone"],
                duration_minutes=data["duration_minutes"],
                join_url=data["join_url"],
                phone=data["phone"],
            )
        elif verb == "pick":
            calls.intro_call_pick(
                call=call, by=request.user, slot_id=parse_id(request.POST.get("slot_id")) or -1
            )
        elif verb == "reschedule":
            form = RescheduleForm(request.POST)
            if not form.is_valid():
                raise ValidationError("Enter a new date and time.")
            calls.intro_call_reschedule(
                call=call,
                by=request.user,
                starts_at=form.cleaned_data["starts_at"].replace(tzinfo=None),
                time_zone=form.cleaned_data["time_zone"],
            )
        elif verb in {"cancel", "talked", "confirm", "no-show"}:
            {
                "cancel": calls.intro_call_cancel,
                "talked": calls.intro_call_mark_talked,
                "confirm": calls.intro_call_confirm_talked,
                "no-show": calls.intro_call_mark_no_show,
            }[verb](call=call, by=request.user)
        else:
            raise Http404("No such action.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("intro_call", call_id=call.pk)
    done = {
        "propose": "Times offered.",
        "pick": "Scheduled: a calendar invite is on its way.",
        "reschedule": "Moved: an updated invite is on its way.",
        "cancel": "Call cancelled.",
        "talked": "Noted: the other person confirms to connect.",
        "confirm": "You are connected.",
        "no-show": "Noted.",
    }[verb]
    messages.success(request, done)
    return redirect("intro_call", call_id=call.pk)


@login_required
def intro_call_invite(request, call_id: int):
    call = access_intro_call(request.user, call_id)
    return intro_call_ics_response(call, for_person=request.user)


@login_required
def connections(request):
    query = request.GET.get("q", "")[:100]
    sort = request.GET.get("sort", "since")
    pairs = connection_list(request.user, query=query, sort=sort)
    page = Paginator(pairs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "web/connections.html",
        {"page": page, "q": query, "sort": sort, "count": len(pairs)},
    )


@login_required
@require_POST
def connection_remove_view(request, handle: str):
    other = access_person(request.user, handle)
    if connection_remove(person=request.user, other=other):
        messages.success(request, f"You and {other.display_name} are no longer connected.")
    return redirect("connections")


@login_required
@require_http_methods(["GET", "POST"])
def availability(request):
    form = AvailabilityForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _apply(form, lambda: availability_add(person=request.user, **form.cleaned_data))
    ):
        messages.success(request, "Window added.")
        return redirect("settings_availability")
    return render(
        request,
        "web/settings_availability.html",
        {
            "form": form,
            "windows": [
                (window, dict(WEEKDAYS)[window.weekday])
                for window in Availability.objects.filter(person=request.user)
            ],
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def availability_delete(request, availability_id: int):
    availability_remove(person=request.user, availability_id=availability_id)
    return redirect("settings_availability")
