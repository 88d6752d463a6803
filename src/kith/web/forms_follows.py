"""Forms for follows, mutes and private notes: they parse; the actions decide."""

from __future__ import annotations

from django import forms

from kith.relationships.actions.safety import MUTE_DURATION_LABELS, NOTE_MAX


class MuteForm(forms.Form):
    duration = forms.ChoiceField(
        choices=list(MUTE_DURATION_LABELS.items()), initial="1d", label="Mute for"
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Private note",
        help_text="Only you ever see this note.",
    )
