"""Polls on posts: their limits, the check of a new poll, and what a viewer sees of one.

The limits are Mastodon's (its instance `configuration.polls` reads them from here): two to
four options of at most 50 characters each, open for five minutes to a month. Options are
numbered from 0 in their order; a vote names the numbers it chooses (`choices`).

Who sees a poll is who sees its post (`conversations.access`): a poll is only ever reached
through its post. Counts per option are shown unless the poll hides them until it ends
(`hide_totals`); its author sees them always (`access.poll_counts_shown`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from kith.conversations.validators import Errors, clean_text

MIN_OPTIONS = 2
MAX_OPTIONS = 4
OPTION_MAX_CHARS = 50
MIN_EXPIRES_IN = 5 * 60  # seconds
MAX_EXPIRES_IN = 2_629_746  # seconds: a month (Mastodon's value)
DURATIONS = {  # what the web composer offers, in seconds
    "5 minutes": 5 * 60,
    "30 minutes": 30 * 60,
    "1 hour": 3600,
    "6 hours": 6 * 3600,
    "1 day": 24 * 3600,
    "3 days": 3 * 24 * 3600,
    "7 days": 7 * 24 * 3600,
}
DEFAULT_EXPIRES_IN = 24 * 3600


@dataclass(frozen=True)
class PollSpec:
    """A checked poll to create (or to replace a post's poll with)."""

    options: tuple[str, ...]
    expires_in: int
    multiple: bool = False
    hide_totals: bool = False

    def expires_at(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.expires_in)


def check_poll(errors: Errors, raw) -> PollSpec | None:
    """Return the poll `raw` describes (a mapping with `options`, `expires_in`, `multiple`,
    `hide_totals`, or a PollSpec), None for no poll; problems go to `errors["poll"]`."""
    if raw is None:
        return None
    if isinstance(raw, PollSpec):
        raw = {
            "options": list(raw.options),
            "expires_in": raw.expires_in,
            "multiple": raw.multiple,
            "hide_totals": raw.hide_totals,
        }
    if not isinstance(raw, Mapping):
        errors.setdefault("poll", []).append("A poll has options and a duration.")
        return None
    problems: list[str] = []
    options = raw.get("options")
    if not isinstance(options, (list, tuple)) or not all(isinstance(o, str) for o in options):
        problems.append("Give the poll's options as a list of texts.")
        options = []
    titles = [" ".join(clean_text(option).split()) for option in options]
    if not MIN_OPTIONS <= len(titles) <= MAX_OPTIONS:
        problems.append(
            f"A poll has {MIN_OPTIONS} to {MAX_OPTIONS} options (this has {len(titles)})."
        )
    if any(not title for title in titles):
        problems.append("An option is empty: write something or remove it.")
    long = [t for t in titles if len(t) > OPTION_MAX_CHARS]
    if long:
        problems.append(
            f"An option has at most {OPTION_MAX_CHARS} characters ({len(long[0])}: "
            f"“{long[0][:20]}…”)."
        )
    if len({t.casefold() for t in titles if t}) < len([t for t in titles if t]):
        problems.append("Two options are the same.")
    expires_in = raw.get("expires_in", DEFAULT_EXPIRES_IN)
    if isinstance(expires_in, bool) or not isinstance(expires_in, int):
        problems.append("The poll's duration (expires_in) is a number of seconds.")
    elif not MIN_EXPIRES_IN <= expires_in <= MAX_EXPIRES_IN:
        problems.append(
            f"A poll is open for {MIN_EXPIRES_IN // 60} minutes to "
            f"{MAX_EXPIRES_IN // 86400} days (expires_in {MIN_EXPIRES_IN} to "
            f"{MAX_EXPIRES_IN} seconds)."
        )
    flags = {name: raw.get(name, False) for name in ("multiple", "hide_totals")}
    for name, value in flags.items():
        if not isinstance(value, bool):
            problems.append(f"{name} is true or false.")
    if problems:
        errors.setdefault("poll", []).extend(problems)
        return None
    return PollSpec(
        options=tuple(titles),
        expires_in=expires_in,
        multiple=flags["multiple"],
        hide_totals=flags["hide_totals"],
    )


def check_choices(poll, raw) -> list[int]:
    """Return the option numbers `raw` chooses in `poll`, sorted, or raise ValidationError
    (none, unknown, repeated, or several in a single-choice poll)."""
    from django.core.exceptions import ValidationError

    if isinstance(raw, (str, bytes)) or not hasattr(raw, "__iter__"):
        raise ValidationError({"choices": ["Choose options by their numbers (from 0)."]})
    values = list(raw)
    choices: list[int] = []
    for value in values:
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError({"choices": ["Choose options by their numbers (from 0)."]})
        choices.append(value)
    count = len(poll.options)
    if not choices:
        raise ValidationError({"choices": ["Choose at least one option."]}, code="no_choice")
    unknown = sorted({c for c in choices if not 0 <= c < count})
    if unknown:
        raise ValidationError(
            {"choices": [f"No option {unknown[0]}: this poll's options are 0 to {count - 1}."]},
            code="unknown_option",
        )
    if len(set(choices)) != len(choices):
        raise ValidationError({"choices": ["An option is chosen twice."]}, code="repeated")
    if not poll.multiple and len(choices) > 1:
        raise ValidationError({"choices": ["This poll takes one choice."]}, code="single_choice")
    return sorted(choices)


# --- What a poll shows -----------------------------------------------------------------------


def poll_fragment(poll) -> dict:
    """Return what a poll shows that changes only with its post's `version` (a vote raises
    it): kept in the post's cached fragment, and the start of every poll dict."""
    return {
        "id": poll.pk,
        "options": list(poll.options),
        "option_votes": list(poll.option_votes),
        "multiple": poll.multiple,
        "hide_totals": poll.hide_totals,
        "expires_at": poll.expires_at,
        "votes_count": poll.votes_count,
        "voters_count": poll.voters_count,
    }


@dataclass(frozen=True)
class PollOptionView:
    number: int
    title: str
    votes_count: int | None  # None while hidden
    percent: int | None
    chosen: bool


@dataclass(frozen=True)
class PollView:
    """A poll as one viewer sees it, for every surface (web templates and APIs).

    `counts_shown`: the per-option counts are given (else None); `results_shown`: the web
    draws bars instead of the voting form (after voting, after the end, for the author, or
    for someone who cannot vote). `can_vote`: signed in, not the author, not voted, open.
    """

    id: int
    post_id: int
    expires_at: datetime
    expired: bool
    multiple: bool
    hide_totals: bool
    votes_count: int
    voters_count: int
    voted: bool | None  # None for a visitor who is not signed in
    own_votes: list[int]
    counts_shown: bool
    results_shown: bool
    can_vote: bool
    is_author: bool
    options: list[PollOptionView]


def poll_view(fragment: dict, *, post_id: int, author_id: int, viewer, own_votes, now) -> PollView:
    """Return the poll of `fragment` (`poll_fragment`) as `viewer` sees it.

    `own_votes` are the viewer's choices (`access.poll_votes_of`); the post is one `viewer`
    may see (the caller loaded it through the access rule).
    """
    from kith.conversations.access import poll_counts_shown

    signed_in = viewer is not None and getattr(viewer, "is_authenticated", False)
    is_author = signed_in and viewer.pk == author_id
    expired = fragment["expires_at"] <= now
    own = sorted(own_votes or [])
    counts_shown = poll_counts_shown(
        hide_totals=fragment["hide_totals"], expired=expired, is_author=is_author
    )
    can_vote = bool(signed_in and not is_author and not own and not expired)
    total = fragment["votes_count"]
    # Of the voters when several choices are allowed (as Mastodon's web app does): "40% of
    # the people chose this"; the shares then add up to more than 100.
    base = fragment["voters_count"] if fragment["multiple"] else total
    options = [
        PollOptionView(
            number=i,
            title=title,
            votes_count=fragment["option_votes"][i] if counts_shown else None,
            percent=(round(100 * fragment["option_votes"][i] / base) if base else 0)
            if counts_shown
            else None,
            chosen=i in own,
        )
        for i, title in enumerate(fragment["options"])
    ]
    return PollView(
        id=fragment["id"],
        post_id=post_id,
        expires_at=fragment["expires_at"],
        expired=expired,
        multiple=fragment["multiple"],
        hide_totals=fragment["hide_totals"],
        votes_count=total,
        voters_count=fragment["voters_count"],
        voted=bool(own) if signed_in else None,
        own_votes=own,
        counts_shown=counts_shown,
        results_shown=not can_vote,
        can_vote=can_vote,
        is_author=is_author,
        options=options,
    )


def poll_dict(view: PollView) -> dict:
    """Return a PollView as the native API shows it (`api.post_schemas.PollOut`)."""
    return {
        "id": str(view.id),
        "expires_at": view.expires_at,
        "expired": view.expired,
        "multiple": view.multiple,
        "hide_totals": view.hide_totals,
        "votes_count": view.votes_count,
        "voters_count": view.voters_count,
        "counts_shown": view.counts_shown,
        "options": [
            {"id": o.number, "title": o.title, "votes_count": o.votes_count} for o in view.options
        ],
        "voted": view.voted,
        "own_votes": view.own_votes,
        "can_vote": view.can_vote,
    }
