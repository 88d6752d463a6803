"""Forms for invitations, intro calls and availability: they parse; the actions decide."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from django import forms

from kith.relationships.models import HowMet

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_timezones())]


class InvitationForm(forms.Form):
    how_known = forms.ChoiceField(choices=HowMet.choices, label="How do you know each other?")
    how_known_detail = forms.CharField(
        required=False,
        max_length=1000,
        label="In a few words",
        help_text="Where you met, what you worked on…",
    )
    introduced_by = forms.CharField(
        required=False,
        max_length=60,
        label="Introduced by (handle)",
        help_text="Only when someone introduced you.",
    )
    note = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="A note (optional)",
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        max_length=10000, widget=forms.Textarea(attrs={"rows": 3}), label="Message"
    )


class SlotsForm(forms.Form):
    slot_1 = forms.DateTimeField(
        label="Time 1", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    slot_2 = forms.DateTimeField(
        label="Time 2", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    slot_3 = forms.DateTimeField(
        label="Time 3", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    slot_4 = forms.DateTimeField(
        label="Time 4", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    slot_5 = forms.DateTimeField(
        label="Time 5", required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC", label="Time zone")
    duration_minutes = forms.IntegerField(
        initial=20, min_value=10, max_value=120, label="Length (minutes)"
    )
    join_url = forms.CharField(required=False, max_length=500, label="Video link (https://…)")
    phone = forms.CharField(required=False, max_length=40, label="Or a phone number")

    def slots(self) -> list:
        """Return the entered times as naive datetimes, read in the chosen time zone."""
        return [
            self.cleaned_data[f"slot_{i}"].replace(tzinfo=None)
            for i in range(1, 6)
            if self.cleaned_data.get(f"slot_{i}")
        ]


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="New time", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    time_zone = forms.ChoiceField(choices=time_zone_choices, label="Time zone")


class AvailabilityForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="From")
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="To")
    time_zone = forms.ChoiceField(choices=time_zone_choices, initial="UTC", label="Time zone")
