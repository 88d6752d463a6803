"""Block, mute and private-note forms on profiles, and the Blocked and muted settings page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from kith.people.access import access_person
from kith.people.validators import normalise_handle
from kith.relationships.access import blocks_of, mutes_of
from kith.relationships.actions import safety as actions
from kith.relationships.actions.safety import MUTE_DURATION_LABELS
from kith.web.forms_follows import MuteForm, NoteForm
from kith.web.views.follows import next_url, profile_actions_context


def _safety_box(request, person, *, note_form=None, status: int = 200):
    context = {"person": person, **profile_actions_context(request.user, person)}
    if note_form is not None:
        context["note_form"] = note_form
    return render(request, "web/_safety_actions.html", context, status=status)


@login_required
@require_POST
def block(request, handle: str):
    person = access_person(request.user, handle)
    try:
        actions.block_create(blocker=request.user, blocked=person)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"You blocked {person.display_name}. They can no longer see you, follow you or "
            "invite you.",
        )
    return redirect(next_url(request, person.get_absolute_url()))


@login_required
@require_POST
def unblock(request, handle: str):
    # Looked up among your blocks, so you can unblock someone who has also blocked you.
    found = blocks_of(request.user).filter(blocked__handle=normalise_handle(handle)).first()
    if found is None:
        raise Http404("You have not blocked this person.")
    actions.block_remove(blocker=request.user, blocked=found.blocked)
    messages.success(request, f"You unblocked {found.blocked.display_name}.")
    return redirect(next_url(request, "settings_blocked"))


@login_required
@require_POST
def mute(request, handle: str):
    person = access_person(request.user, handle)
    form = MuteForm(request.POST)
    if not form.is_valid():
        if request.htmx:
            return _safety_box(request, person)
        messages.error(request, "Choose how long to mute for.")
        return redirect(next_url(request, person.get_absolute_url()))
    duration = form.cleaned_data["duration"]
    actions.mute_create(muter=request.user, muted=person, duration=duration)
    if request.htmx:
        return _safety_box(request, person)
    messages.success(
        request,
        f"You muted {person.display_name} ({MUTE_DURATION_LABELS[duration].lower()}).",
    )
    return redirect(next_url(request, person.get_absolute_url()))


@login_required
@require_POST
def unmute(request, handle: str):
    person = access_person(request.user, handle)
    actions.mute_remove(muter=request.user, muted=person)
    if request.htmx:
        return _safety_box(request, person)
    messages.success(request, f"You unmuted {person.display_name}.")
    return redirect(next_url(request, person.get_absolute_url()))


@login_required
@require_POST
def note(request, handle: str):
    """Save the private note on a person (empty removes it); only its author ever sees it."""
    person = access_person(request.user, handle)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            actions.note_set(author=request.user, subject=person, body=form.cleaned_data["body"])
        except ValidationError as error:
            form.add_error("body", error.message_dict.get("body", error.messages))
    if form.errors:
        if request.htmx:
            return _safety_box(request, person, note_form=form)
        messages.error(request, " ".join(m for e in form.errors.values() for m in e))
        return redirect(person.get_absolute_url())
    if request.htmx:
        return _safety_box(request, person)
    messages.success(request, "Note saved.")
    return redirect(person.get_absolute_url())


@login_required
@require_GET
def blocked_and_muted(request):
    """The people you blocked and those you mute (expired mutes are left out)."""
    return render(
        request,
        "web/settings_blocked.html",
        {"blocks": list(blocks_of(request.user)), "mutes": list(mutes_of(request.user))},
    )
