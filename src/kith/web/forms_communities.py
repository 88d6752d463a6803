"""Forms for communities and topics: they parse and display; `communities.actions` checks
and decides (so the web and the API give the same messages)."""

from __future__ import annotations

from django import forms

from kith.communities.models import MembershipPolicy


class CommunityForm(forms.Form):
    """A new community, or the settings of one (the address cannot change)."""

    slug = forms.CharField(
        max_length=64,
        label="Address",
        help_text="Lower-case letters, digits and hyphens: the community lives at /c/<address>.",
    )
    name = forms.CharField(max_length=200, label="Name")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What it is about"
    )
    rules = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Rules",
        help_text="One rule per line. Members see them beside the feed.",
    )
    policy = forms.ChoiceField(
        choices=MembershipPolicy.choices, initial=MembershipPolicy.OPEN, label="Who can join"
    )


class SettingsForm(CommunityForm):
    slug = None


class SanctionForm(forms.Form):
    reason = forms.CharField(required=False, max_length=5000, label="Reason")
    days = forms.IntegerField(
        required=False, label="For how many days", help_text="Empty: until lifted."
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(required=False, max_length=5000, label="Reason")


class ReportForm(forms.Form):
    reason = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What is wrong with this post?",
        help_text="The community's moderators read this.",
    )


class InviteForm(forms.Form):
    handle = forms.CharField(max_length=64, label="Handle", help_text="For example: @ana")


class TopicForm(forms.Form):
    """A named topic gathering hashtags."""

    slug = forms.CharField(
        max_length=64, label="Address", help_text="It lives at /topics/<address>."
    )
    name = forms.CharField(max_length=200, label="Name")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What it is about"
    )
    tags = forms.CharField(
        max_length=2000,
        label="Hashtags",
        help_text="Separated by spaces or commas, e.g. #sourdough #levain.",
    )

    def clean_tags(self) -> list[str]:
        return [t for t in self.cleaned_data["tags"].replace(",", " ").split() if t]
