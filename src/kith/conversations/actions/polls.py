"""Polls: create one with a post, vote, change or remove it with an edit, end it.

Votes and the poll's counters change together, in one transaction that holds the poll's
row (`select_for_update` on PostgreSQL; SQLite transactions are IMMEDIATE, one writer at a
time), so two votes at once never lose a count or let someone vote twice. A vote raises
the post's `version`: the cached fragments of the post (`api.post_serializers`) carry the
counts. A refused vote writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from kith.conversations.actions.common import (
    notify_people,
    original,
    require_live,
    require_visible,
    snippet,
    thread_muters,
)
from kith.conversations.models import Poll, PollVote, Post
from kith.conversations.polls import PollSpec, check_choices
from kith.feeds.actions import notify_many
from kith.feeds.models import NotificationKind

END_BATCH = 500  # polls ended per run of the periodic job (the next run takes the rest)


def poll_create(post: Post, spec: PollSpec, *, now: datetime) -> Poll:
    """Add the poll `spec` to the new `post` (inside the caller's transaction)."""
    return Poll.objects.create(
        post=post,
        options=list(spec.options),
        option_votes=[0] * len(spec.options),
        multiple=spec.multiple,
        hide_totals=spec.hide_totals,
        expires_at=spec.expires_at(now),
        created_at=now,
    )


def poll_for_post(post: Post) -> Poll | None:
    """Return `post`'s poll (the post was reached through the access rule), or None."""
    return Poll.objects.filter(post_id=post.pk).first()


def poll_replace(post: Post, spec: PollSpec, *, now: datetime) -> bool:
    """Make `post`'s poll `spec` (inside the caller's transaction); return whether it changed.

    As on Mastodon: new options, or a change between one and several choices, start the
    poll again with no votes; otherwise the votes stay. The duration counts from `now`
    (a poll that had ended opens again and will be announced again when it ends).
    """
    poll = Poll.objects.select_for_update().filter(post_id=post.pk).first()
    if poll is None:
        poll_create(post, spec, now=now)
        return True
    expires_at = spec.expires_at(now)
    reset = list(spec.options) != list(poll.options) or spec.multiple != poll.multiple
    if reset:
        PollVote.objects.filter(poll=poll).delete()
        poll.options = list(spec.options)
        poll.option_votes = [0] * len(spec.options)
        poll.votes_count = poll.voters_count = 0
    poll.multiple, poll.hide_totals = spec.multiple, spec.hide_totals
    poll.expires_at, poll.ended_at = expires_at, None
    poll.save()
    return True


def poll_remove(post: Post) -> bool:
    """Delete `post`'s poll and its votes (inside the caller's transaction)."""
    deleted, _ = Poll.objects.filter(post_id=post.pk).delete()
    return bool(deleted)


def poll_vote(*, person, post: Post, choices: Iterable) -> Poll:
    """Vote in the poll of `post` (a repost: of its original) for the options `choices`
    (numbers from 0); return the poll with its new counts.

    Raise Http404 if `person` may not see the post or it has no poll, and ValidationError
    (nothing written) if the choices are not valid for it, the poll has ended, it is
    `person`'s own poll or they already voted.
    """
    target = original(post)
    require_visible(person, target)
    require_live(target)
    found = poll_for_post(target)
    if found is None:
        raise Http404("This post has no poll.")
    if target.author_id == person.pk:
        raise ValidationError("You cannot vote in your own poll.", code="own_poll")
    chosen = check_choices(found, choices)
    now = timezone.now()
    try:
        with transaction.atomic():
            poll = Poll.objects.select_for_update().get(pk=found.pk)
            if poll.is_expired(now):
                raise ValidationError("This poll has ended.", code="expired")
            if PollVote.objects.filter(poll=poll, voter=person).exists():
                raise ValidationError("You already voted in this poll.", code="already_voted")
            if list(poll.options) != list(found.options) or poll.multiple != found.multiple:
                raise ValidationError(  # edited between the check and the lock
                    "This poll was just changed: look at it again.", code="changed"
                )
            PollVote.objects.bulk_create(
                [PollVote(poll=poll, voter=person, choice=c, created_at=now) for c in chosen]
            )
            tallies = list(poll.option_votes)
            for choice in chosen:
                tallies[choice] += 1
            poll.option_votes = tallies
            poll.votes_count += len(chosen)
            poll.voters_count += 1
            poll.save(update_fields=["option_votes", "votes_count", "voters_count"])
            Post.objects.filter(pk=target.pk).update(version=F("version") + 1)
            target.version += 1
    except IntegrityError as error:  # a concurrent vote by the same person got there first
        raise ValidationError("You already voted in this poll.", code="already_voted") from error
    return poll


def polls_end_due(*, now: datetime | None = None) -> int:
    """Mark the polls whose time is up as ended and tell their author and voters, once;
    return how many ended. Idempotent: a poll is announced by the run that marks it."""
    now = now or timezone.now()
    due = list(
        Poll.objects.filter(ended_at__isnull=True, expires_at__lte=now)
        .select_related("post", "post__author")
        .order_by("expires_at")[:END_BATCH]
    )
    ended = 0
    for poll in due:
        with transaction.atomic():
            claimed = Poll.objects.filter(pk=poll.pk, ended_at__isnull=True).update(ended_at=now)
            if not claimed:
                continue  # another worker announced it
            _announce_end(poll)
            ended += 1
    return ended


def _announce_end(poll: Poll) -> None:
    post = poll.post
    if post.is_deleted:
        return
    author = post.author
    about = snippet(post.body)
    voters = set(PollVote.objects.filter(poll=poll).values_list("voter_id", flat=True))
    notify_people(
        post=post,
        actor=author,
        kind=NotificationKind.POLL_ENDED,
        recipient_ids=voters,
        text=f"A poll you voted in has ended: {about}",
    )
    if author.is_active and not thread_muters(post, [author.pk]):
        notify_many(
            recipient_ids=[author.pk],
            kind=NotificationKind.POLL_ENDED,
            text=f"Your poll has ended ({_votes(poll.voters_count)}): {about}",
            url=post.get_absolute_url(),
            post=post,
        )


def _votes(voters: int) -> str:
    return f"{voters} {'person' if voters == 1 else 'people'} voted"
