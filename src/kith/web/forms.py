"""HTML forms: they parse and display; the actions decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError

from kith.core.ratelimit import Limit
from kith.core.tasks import enqueue_email_on_commit
from kith.people.models import FieldKind, InvitationPolicy, Visibility
from kith.people.validators import normalise_handle


def login_limit() -> Limit:
    return Limit("login", settings.KITH_LOGIN_ATTEMPTS, settings.KITH_LOGIN_WINDOW_SECONDS)


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class SignUpForm(forms.Form):
    handle = forms.CharField(
        max_length=60, help_text="1–30 of a–z, 0–9, _ and . — your address is /@handle."
    )
    display_name = forms.CharField(max_length=200, label="Name")
    email = forms.CharField(max_length=254, widget=forms.EmailInput)
    password = forms.CharField(widget=forms.PasswordInput, help_text="At least 10 characters.")


class LoginForm(AuthenticationForm):
    """Log in by handle or email, with failed attempts limited per handle and per address."""

    rate_limited = False
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That handle or email and password do not match an account.",
        "unconfirmed": "Confirm your email address first: we sent you a link. "
        "You can ask for a new one below.",
    }

    def clean(self):
        limit = login_limit()
        subjects = [
            f"ip:{client_ip(self.request)}",
            f"who:{normalise_handle(self.data.get('username', ''))}",
        ]
        if any(limit.is_exceeded(subject) for subject in subjects):
            self.rate_limited = True
            minutes = max(1, round(limit.seconds_left() / 60))
            raise ValidationError(
                f"Too many failed log-ins. Try again in about {minutes} minute(s).",
                code="rate_limited",
            )
        try:
            return super().clean()
        except ValidationError:
            for subject in subjects:
                limit.hit(subject)
            raise

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_confirmed:
            raise ValidationError(self.error_messages["unconfirmed"], code="unconfirmed")


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField()


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email sent by the task worker after commit."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        enqueue_email_on_commit(to=[to_email], subject=subject, body=body)


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=200, label="Name")
    bio = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000)
    interests = forms.CharField(
        required=False, max_length=1000, help_text="Comma-separated, e.g. gardening, rust, jazz."
    )
    reading_capacity = forms.IntegerField(
        label="Reading capacity (posts a day)",
        help_text="How much you mean to read a day; Kith warns before you follow more.",
    )
    invitation_policy = forms.ChoiceField(
        choices=InvitationPolicy.choices, label="Who may invite you to connect"
    )
    is_locked = forms.BooleanField(
        required=False,
        label="Approve new followers (locked account)",
        help_text="People ask to follow you and you approve or reject them. "
        "Switching this off approves the requests waiting.",
    )
    close_replies_after_days = forms.IntegerField(
        required=False,
        min_value=0,
        label="Close replies to new posts after (days)",
        help_text="Leave empty or 0 to keep replies open.",
    )
    require_alt_text = forms.BooleanField(
        required=False,
        label="Require a description (alt text) on my images",
        help_text="Publishing refuses an image without one.",
    )
    findable_by_email = forms.BooleanField(
        required=False,
        label="Let people who have my email address find me",
        help_text="When someone imports an address book (a LinkedIn export) with your email "
        "address in it, Kith may suggest inviting you. Off: your address is never matched.",
    )


class AvatarForm(forms.Form):
    avatar = forms.FileField(required=True, label="New avatar")


class ContactFieldForm(forms.Form):
    kind = forms.ChoiceField(choices=FieldKind.choices)
    label = forms.CharField(required=False, max_length=200, help_text="For a custom field")
    value = forms.CharField(max_length=1000)
    visibility = forms.ChoiceField(choices=Visibility.choices, initial=Visibility.CONNECTIONS)
    announce = forms.BooleanField(required=False, label="Tell my connections")


class ContactFieldEditForm(forms.Form):
    label = forms.CharField(required=False, max_length=200)
    value = forms.CharField(max_length=1000)
    visibility = forms.ChoiceField(choices=Visibility.choices)
    announce = forms.BooleanField(required=False, label="Tell my connections")


class TokenForm(forms.Form):
    name = forms.CharField(max_length=200, help_text="What uses it, e.g. “my script”.")
