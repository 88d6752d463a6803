"""Forms for posts: they parse and display; the conversation actions check and decide.

Bodies are not limited here: `check_body` in the action says what is wrong (empty, too
long), so the web and the API give the same message.
"""

from __future__ import annotations

from django import forms
from django.conf import settings

from kith.conversations.models import PostKind, PostVisibility, QuotePolicy, ReplyPolicy
from kith.conversations.polls import (
    DEFAULT_EXPIRES_IN,
    DURATIONS,
    MAX_OPTIONS,
    OPTION_MAX_CHARS,
)
from kith.conversations.validators import CONTENT_WARNING_MAX, STORY_MAX


def body_field(label: str = "Write", rows: int = 5) -> forms.CharField:
    limit = settings.KITH_POST_MAX_CHARS
    return forms.CharField(
        required=False,
        strip=False,
        label=label,
        widget=forms.Textarea(attrs={"rows": rows, "data-limit": limit}),
        help_text=f"Markdown: *emphasis*, **strong**, [links](https://…), lists, `code`, "
        f"> quotes. @handle mentions, #tag tags. Up to {limit:,} characters.",
    )


def warning_field() -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=CONTENT_WARNING_MAX,
        label="Content warning",
        help_text="Optional: readers see only this until they open the post.",
    )


class PollFieldsForm(forms.Form):
    """The fields of a poll: up to four options (an empty one is left out), its duration,
    several choices, hidden counts. Checked by the action, like the body."""

    poll_duration = forms.TypedChoiceField(
        choices=[(seconds, label) for label, seconds in DURATIONS.items()],
        coerce=int,
        required=False,
        empty_value=None,
        initial=DEFAULT_EXPIRES_IN,
        label="Poll open for",
    )
    poll_multiple = forms.BooleanField(required=False, label="Voters may choose several options")
    poll_hide_totals = forms.BooleanField(
        required=False, label="Hide the counts until the poll ends (you see them)"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number in range(1, MAX_OPTIONS + 1):
            self.fields[f"poll_option_{number}"] = forms.CharField(
                required=False,
                max_length=OPTION_MAX_CHARS,
                label=f"Option {number}" + ("" if number <= 2 else " (optional)"),
            )
        if self.field_order:
            self.order_fields(self.field_order)

    @property
    def poll_options(self) -> list:
        return [self[f"poll_option_{n}"] for n in range(1, MAX_OPTIONS + 1)]

    def poll(self) -> dict | None:
        """Return the poll the cleaned form asks for (some option written), else None."""
        data = self.cleaned_data
        options = [data.get(f"poll_option_{n}", "") for n in range(1, MAX_OPTIONS + 1)]
        options = [option for option in options if option.strip()]
        if not options:
            return None
        return {
            "options": options,
            "expires_in": data.get("poll_duration") or DEFAULT_EXPIRES_IN,
            "multiple": bool(data.get("poll_multiple")),
            "hide_totals": bool(data.get("poll_hide_totals")),
        }

    @staticmethod
    def poll_initial(poll) -> dict:
        """Return the poll fields filled in from `poll` (to edit it)."""
        initial = {f"poll_option_{n}": t for n, t in enumerate(poll.options, 1)}
        return initial | {"poll_multiple": poll.multiple, "poll_hide_totals": poll.hide_totals}


class ComposeForm(PollFieldsForm):
    """A new post or question, with who sees it and who may reply to or quote it."""

    body = body_field()
    kind = forms.ChoiceField(
        choices=[(PostKind.POST, "Post"), (PostKind.QUESTION, "Question")],
        initial=PostKind.POST,
        widget=forms.RadioSelect,
        label="This is a",
    )
    visibility = forms.ChoiceField(
        choices=PostVisibility.choices, initial=PostVisibility.PUBLIC, label="Who can see it"
    )
    content_warning = warning_field()
    language = forms.CharField(
        required=False, max_length=16, label="Language", help_text="A code such as en or pt-BR."
    )
    reply_policy = forms.ChoiceField(
        choices=ReplyPolicy.choices, initial=ReplyPolicy.EVERYONE, label="Who can reply"
    )
    quote_policy = forms.ChoiceField(
        choices=QuotePolicy.choices, initial=QuotePolicy.ANYONE, label="Who can quote it"
    )
    community = forms.ChoiceField(
        required=False,
        choices=[("", "No community")],
        label="Community",
        help_text="Post in one of your communities: its members can see it in its feed.",
    )

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "No community")] + [(c.slug, c.name) for c in communities]
        self.fields["community"].choices = choices
        if len(choices) == 1:  # in no community: nothing to pick (a forged value is refused)
            self.fields["community"].widget = forms.HiddenInput()

    @property
    def limit(self) -> int:
        return settings.KITH_POST_MAX_CHARS


class VoteForm(forms.Form):
    """The choices of a vote: option numbers (checkboxes or one radio button)."""

    choice = forms.TypedMultipleChoiceField(
        coerce=int, choices=[(n, n) for n in range(MAX_OPTIONS)], required=False
    )


class ReplyForm(forms.Form):
    body = body_field("Your reply", rows=4)
    content_warning = warning_field()


class AnswerForm(ReplyForm):
    body = body_field("Your answer", rows=4)


class EditForm(PollFieldsForm):
    body = body_field("Text")
    content_warning = warning_field()
    language = forms.CharField(required=False, max_length=16, label="Language")
    poll_action = forms.ChoiceField(
        choices=[
            ("keep", "Keep it as it is"),
            ("set", "Save the poll below (other options start it again with no votes)"),
            ("remove", "Remove the poll and its votes"),
        ],
        initial="keep",
        required=False,
        label="The poll",
        help_text="A saved poll is open for its duration from now.",
    )
    field_order = ["body", "content_warning", "language", "poll_action"]

    def clean(self):
        data = super().clean()
        data["poll_action"] = data.get("poll_action") or "keep"
        if data["poll_action"] == "set" and self.poll() is None:
            self.add_error("poll_option_1", "Write the poll's options to save it.")
        return data


class QuoteForm(forms.Form):
    body = body_field("Your comment", rows=4)
    visibility = forms.ChoiceField(
        choices=PostVisibility.choices, initial=PostVisibility.PUBLIC, label="Who can see it"
    )
    content_warning = warning_field()


class UsedItForm(forms.Form):
    story = forms.CharField(
        required=False,
        strip=False,
        label="How did you use it?",
        widget=forms.Textarea(attrs={"rows": 3, "data-limit": STORY_MAX}),
        help_text=f"A few words: what you did with it, what changed. Up to {STORY_MAX:,} "
        "characters.",
    )
    public = forms.BooleanField(
        required=False,
        label="Everyone who can see the post may read my story",
        help_text="Unticked, only the author reads it.",
    )
