"""Sign up, email confirmation and log in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from kith.people import actions
from kith.people.models import Person
from kith.web.forms import LoginForm, ResendConfirmationForm, SignUpForm


@require_http_methods(["GET", "POST"])
def sign_up(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = actions.person_sign_up(**form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session["signed_up_email"] = person.email
            return redirect("sign_up_sent")
    status = 400 if form.errors else 200
    return render(request, "web/sign_up.html", {"form": form}, status=status)


def sign_up_sent(request):
    return render(
        request, "web/sign_up_sent.html", {"email": request.session.get("signed_up_email")}
    )


def confirm_email(request, token: str):
    try:
        person = actions.person_confirm_email(token=token)
    except ValidationError as error:
        return render(
            request,
            "web/confirm_failed.html",
            {"message": error.messages[0], "form": ResendConfirmationForm()},
            status=400,
        )
    login(request, person, backend="kith.people.auth.HandleOrEmailBackend")
    messages.success(request, "Your email is confirmed. Welcome to Kith!")
    return redirect("settings_card")


@require_http_methods(["GET", "POST"])
def resend_confirmation(request):
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = Person.objects.filter(
            email__iexact=form.cleaned_data["email"],
            email_confirmed_at__isnull=True,
            is_active=True,
        ).first()
        if person is not None:
            actions.send_confirmation_email(person=person)
        # The same answer either way, so the form does not reveal who has an account.
        messages.info(
            request, "If that address has an unconfirmed account, a new link is on its way."
        )
        return redirect("login")
    return render(
        request, "web/resend_confirmation.html", {"form": form}, status=400 if form.errors else 200
    )


class KithLoginView(LoginView):
    form_class = LoginForm
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 429 if form.rate_limited else 400
        return response
