"""The address-book settings page (app passwords, phone set-up) and the .vcf download."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kith.contacts import actions
from kith.contacts.access import access_app_password, app_passwords_of, carddav_account
from kith.contacts.export import address_book_vcf, vcf_filename
from kith.contacts.vcard import CONTENT_TYPE


class AppPasswordForm(forms.Form):
    name = forms.CharField(
        max_length=200, label="Device", help_text="Which phone or app uses it, e.g. “my iPhone”."
    )


@login_required
@require_http_methods(["GET", "POST"])
def address_book_settings(request):
    form = AppPasswordForm(request.POST or None)
    plaintext = None
    if request.method == "POST" and form.is_valid():
        try:
            _, plaintext = actions.app_password_create(
                person=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, errors in error.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            form = AppPasswordForm()
    return render(
        request,
        "web/settings_address_book.html",
        {
            "form": form,
            "app_passwords": app_passwords_of(request.user),
            "plaintext": plaintext,
            "dav": carddav_account(request.user),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def app_password_revoke(request, app_password_id: int):
    app_password = access_app_password(request.user, app_password_id)
    actions.app_password_revoke(app_password=app_password)
    messages.success(request, f"App password “{app_password.name}” revoked.")
    return redirect("settings_address_book")


@login_required
@require_GET
def download_vcf(request):
    """Download every connection's card, as the person may see it, in one .vcf file."""
    photos = request.GET.get("photos") in {"1", "on", "true"}
    response = HttpResponse(
        address_book_vcf(owner=request.user, photos=photos), content_type=CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{vcf_filename(request.user)}"'
    response["Cache-Control"] = "private, no-store"
    return response
