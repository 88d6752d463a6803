"""A person's own settings: profile, avatar, contact card and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from kith.core.ids import parse_id
from kith.people import actions
from kith.people.access import access_own_field
from kith.people.actions import NEWSWORTHY_KINDS
from kith.people.models import AccessToken, ContactField, FieldKind
from kith.web.forms import (
    AvatarForm,
    ContactFieldEditForm,
    ContactFieldForm,
    ProfileForm,
    TokenForm,
)


def _apply(form, call):
    """Run `call()`; put its ValidationError on `form`. Return whether it succeeded."""
    try:
        call()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def profile_settings(request):
    person = request.user
    initial = {
        "display_name": person.display_name,
        "bio": person.bio,
        "interests": ", ".join(person.interests.values_list("tag", flat=True)),
        "reading_capacity": person.reading_capacity,
        "invitation_policy": person.invitation_policy,
        "is_locked": person.is_locked,
        "close_replies_after_days": person.close_replies_after_days,
        "require_alt_text": person.require_alt_text,
        "findable_by_email": person.findable_by_email,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    avatar_form = AvatarForm()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _apply(
            form,
            lambda: actions.person_update_profile(
                person=person,
                display_name=data["display_name"],
                bio=data["bio"],
                interests=data["interests"].split(","),
                reading_capacity=data["reading_capacity"],
                invitation_policy=data["invitation_policy"],
                is_locked=data["is_locked"],
                close_replies_after_days=data["close_replies_after_days"] or 0,
                require_alt_text=data["require_alt_text"],
                findable_by_email=data["findable_by_email"],
            ),
        ):
            messages.success(request, "Profile saved.")
            return redirect("settings_profile")
    return render(
        request,
        "web/settings_profile.html",
        {"form": form, "avatar_form": avatar_form},
        status=400 if form.errors else 200,
    )


def _read_upload(upload) -> bytes:
    """Read at most one byte past the avatar limit, so an oversized upload is refused cheaply."""
    return upload.read(settings.KITH_AVATAR_MAX_BYTES + 1)


@login_required
@require_POST
def avatar_settings(request):
    form = AvatarForm(request.POST, request.FILES)
    if request.POST.get("remove"):
        actions.person_remove_avatar(person=request.user)
        messages.success(request, "Avatar removed.")
        return redirect("settings_profile")
    if form.is_valid() and _apply(
        form,
        lambda: actions.person_set_avatar(
            person=request.user, data=_read_upload(form.cleaned_data["avatar"])
        ),
    ):
        messages.success(request, "Avatar saved.")
        return redirect("settings_profile")
    profile_form = ProfileForm(
        initial={
            "display_name": request.user.display_name,
            "bio": request.user.bio,
            "reading_capacity": request.user.reading_capacity,
            "invitation_policy": request.user.invitation_policy,
            "is_locked": request.user.is_locked,
        }
    )
    return render(
        request,
        "web/settings_profile.html",
        {"form": profile_form, "avatar_form": form},
        status=400,
    )


def _card_page(request, *, add_form=None, status=200):
    fields = list(ContactField.objects.filter(person=request.user))
    return render(
        request,
        "web/settings_card.html",
        {
            "rows": [(field, _edit_form(field)) for field in fields],
            "add_form": add_form or ContactFieldForm(),
        },
        status=status,
    )


def _edit_form(field: ContactField, data=None) -> ContactFieldEditForm:
    form = ContactFieldEditForm(
        data,
        initial={
            "label": field.label,
            "value": field.value,
            "visibility": field.visibility,
            "announce": field.kind in NEWSWORTHY_KINDS,
        },
        prefix=f"f{field.pk}",
    )
    if field.kind != FieldKind.CUSTOM:
        del form.fields["label"]  # only custom fields are named by their owner
    return form


@login_required
@require_http_methods(["GET", "POST"])
def card_settings(request):
    if request.method == "GET":
        return _card_page(request)
    form = ContactFieldForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if _apply(form, lambda: actions.contact_field_add(person=request.user, **data)):
            messages.success(request, "Field added to your card.")
            return redirect("settings_card")
    return _card_page(request, add_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def card_field(request, field_id: int):
    """Show or save one field's row; htmx swaps just the row, a plain form reloads the page."""
    field = access_own_field(request.user, field_id)
    form = _edit_form(field, request.POST if request.method == "POST" else None)
    saved = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _apply(form, lambda: actions.contact_field_update(field=field, **data))
        if saved:
            field.refresh_from_db()
            form = _edit_form(field)
            if not request.htmx:
                messages.success(request, "Field saved.")
                return redirect("settings_card")
    status = 400 if form.errors else 200
    if not request.htmx and status == 400:
        return _card_page(request, status=400)
    return render(
        request,
        "web/_card_field_row.html",
        {"field": field, "form": form, "saved": saved},
        status=status,
    )


@login_required
@require_POST
def card_field_delete(request, field_id: int):
    actions.contact_field_remove(field=access_own_field(request.user, field_id))
    if request.htmx:
        return HttpResponse("")
    messages.success(request, "Field removed.")
    return redirect("settings_card")


@login_required
@require_POST
def card_field_move(request, field_id: int):
    field = access_own_field(request.user, field_id)
    actions.contact_field_move(
        field=field, offset=-1 if request.POST.get("direction") == "up" else 1
    )
    return redirect("settings_card")


@login_required
@require_http_methods(["GET", "POST"])
def token_settings(request):
    form = TokenForm(request.POST or None)
    plaintext = None
    if request.method == "POST" and form.is_valid():
        try:
            _, plaintext = actions.access_token_create(
                person=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm()
    tokens = AccessToken.objects.filter(person=request.user)
    return render(
        request,
        "web/settings_tokens.html",
        {"form": form, "tokens": tokens, "plaintext": plaintext},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def token_revoke(request, token_id: int):
    token = AccessToken.objects.filter(person=request.user, pk=parse_id(token_id) or -1).first()
    if token is None:
        raise Http404("No such token.")
    actions.access_token_revoke(token=token)
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("settings_tokens")
