"""Email digests: what happened around a person in the last day or week, sent at most once.

Every post in a digest comes from `conversations.access.visible_posts(recipient)`: a digest
never carries a post its reader may not see, nor one a moderator removed from its community
(`communities.selectors.without_removed`). Card changes follow `people.access`: only
announced changes to fields a connection sees, from the reader's connections.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kith.communities.selectors import without_removed
from kith.conversations.access import visible_posts
from kith.conversations.models import Post, PostKind, Reaction, ReactionKind
from kith.core.text import normalise_tag
from kith.notify.models import (
    Digest,
    DigestFrequency,
    DigestStatus,
    DigestSubscription,
)
from kith.people.access import CONNECTION_LEVELS, mail_recipients
from kith.people.models import ContactChange, Interest, Person
from kith.relationships.access import connected_ids
from kith.relationships.models import Block

log = logging.getLogger(__name__)

SECTION_SIZE = 5
UNSUBSCRIBE_SALT = "kith.notify.digest-unsubscribe"
UNSUBSCRIBE_MAX_AGE = 90 * 24 * 3600  # seconds a digest's unsubscribe link stays valid


# --- Periods ----------------------------------------------------------------------------------


def period_for(frequency: str, now: datetime | None = None) -> tuple[datetime, datetime]:
    """Return the last whole period before `now`: yesterday (UTC) or last Monday-to-Monday."""
    now = now or timezone.now()
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == DigestFrequency.DAILY:
        return today - timedelta(days=1), today
    if frequency == DigestFrequency.WEEKLY:
        monday = today - timedelta(days=today.weekday())
        return monday - timedelta(days=7), monday
    raise ValueError(f"No period for digest frequency {frequency!r}")


# --- Content ----------------------------------------------------------------------------------


@dataclass
class DigestContent:
    person: Person
    start: datetime
    end: datetime
    conversations: list[Post] = field(default_factory=list)
    answers: list[Post] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)
    unanswered: list[Post] = field(default_factory=list)
    card_changes: list[ContactChange] = field(default_factory=list)

    @property
    def items(self) -> int:
        return (
            len(self.conversations)
            + len(self.answers)
            + len(self.reactions)
            + len(self.unanswered)
            + len(self.card_changes)
        )

    @property
    def is_empty(self) -> bool:
        return self.items == 0

    def posts(self) -> list[Post]:
        """Every post the digest shows (for the visibility checks of the tests)."""
        return [
            *self.conversations,
            *self.answers,
            *(reaction.post for reaction in self.reactions),
            *self.unanswered,
        ]


def _count(queryset, key: str) -> Coalesce:
    """Return a correlated COUNT of `queryset` grouped by `key` (the outer row's id)."""
    return Coalesce(
        Subquery(queryset.order_by().values(key).annotate(n=Count("pk")).values("n")[:1]),
        Value(0),
        output_field=IntegerField(),
    )


def _blocked_ids(person) -> set[int]:
    rows = Block.objects.filter(Q(blocker=person) | Q(blocked=person)).values_list(
        "blocker_id", "blocked_id"
    )
    return {a if b == person.pk else b for a, b in rows}


def build_digest(person: Person, start: datetime, end: datetime) -> DigestContent:
    """Collect what `person`'s digest for [start, end) says; every post visible to them."""
    content = DigestContent(person=person, start=start, end=end)
    visible = without_removed(visible_posts(person)).select_related("author")
    in_period = Q(created_at__gte=start, created_at__lt=end)
    connections = connected_ids(person)

    if connections:
        # Best conversations among connections: their threads with the most replies and
        # helpful marks in the period.
        replies = Post.objects.filter(
            thread_root=OuterRef("pk"), in_reply_to__isnull=False, deleted_at__isnull=True
        ).filter(in_period)
        helpful = Reaction.objects.filter(post=OuterRef("pk"), kind=ReactionKind.HELPFUL).filter(
            in_period
        )
        content.conversations = list(
            visible.filter(
                author_id__in=connections, in_reply_to__isnull=True, repost_of__isnull=True
            )
            .annotate(
                period_replies=_count(replies, "thread_root"),
                period_helpful=_count(helpful, "post"),
            )
            .filter(Q(period_replies__gt=0) | Q(period_helpful__gt=0))
            .order_by("-period_replies", "-period_helpful", "-id")[:SECTION_SIZE]
        )

    # Answers to one's questions.
    content.answers = list(
        visible.filter(in_period, in_reply_to__author=person, in_reply_to__kind=PostKind.QUESTION)
        .exclude(author=person)
        .order_by("-id")[:SECTION_SIZE]
    )

    # Helpful marks and stories on one's posts, from people one has no block with.
    content.reactions = list(
        Reaction.objects.filter(
            in_period, post__in=visible_posts(person).filter(author=person).values("pk")
        )
        .exclude(person=person)
        .exclude(person_id__in=_blocked_ids(person))
        .select_related("person", "post")
        .order_by("-id")[:SECTION_SIZE]
    )

    # Unanswered questions in one's interests.
    tags = {
        tag
        for tag in (
            normalise_tag(raw)
            for raw in Interest.objects.filter(person=person).values_list("tag", flat=True)
        )
        if tag
    }
    if tags:
        content.unanswered = list(
            visible.filter(
                in_period,
                kind=PostKind.QUESTION,
                replies_count=0,
                accepted_answer__isnull=True,
                hashtags__name__in=tags,
            )
            .exclude(author=person)
            .distinct()
            .order_by("-id")[:SECTION_SIZE]
        )

    # Connections' announced card changes to fields connections see.
    if connections:
        content.card_changes = list(
            ContactChange.objects.filter(
                person_id__in=connections,
                announced=True,
                visibility__in=CONNECTION_LEVELS,
                changed_at__gte=start,
                changed_at__lt=end,
                person__is_active=True,
            )
            .exclude(new_value="")
            .select_related("person")
            .order_by("-id")[:SECTION_SIZE]
        )
    return content


# --- Unsubscribe ------------------------------------------------------------------------------


def unsubscribe_token(digest: Digest) -> str:
    return signing.dumps({"d": str(digest.pk)}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(digest: Digest) -> str:
    return settings.BASE_URL + reverse(
        "digest_unsubscribe", kwargs={"token": unsubscribe_token(digest)}
    )


def digest_for_token(token: str) -> Digest | None:
    """Return the digest a valid unsubscribe token names, or None (bad, expired or gone)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
        digest_id = int(data["d"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    return Digest.objects.select_related("person").filter(pk=digest_id).first()


def digest_unsubscribe(digest: Digest) -> bool:
    """Use `digest`'s unsubscribe link: turn digests off. True the first time, then False."""
    with transaction.atomic():
        used = Digest.objects.filter(pk=digest.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
        if not used:
            return False
        DigestSubscription.objects.update_or_create(
            person_id=digest.person_id,
            defaults={"frequency": DigestFrequency.OFF, "updated_at": timezone.now()},
        )
    return True


# --- Sending ----------------------------------------------------------------------------------


def render_digest(content: DigestContent, digest: Digest) -> EmailMultiAlternatives:
    """Return the email for `content`: plain text and HTML, with RFC 8058 headers."""
    link = unsubscribe_url(digest)
    context = {
        "content": content,
        "person": content.person,
        "frequency": digest.get_frequency_display().lower(),
        "unsubscribe_url": link,
        "settings_url": settings.BASE_URL + reverse("settings_notifications"),
        "BASE_URL": settings.BASE_URL,
    }
    subject = render_to_string("web/email/digest_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("web/email/digest.txt", context),
        to=[content.person.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("web/email/digest.html", context), "text/html")
    return message


def digest_send(*, person: Person, frequency: str, now: datetime | None = None) -> Digest | None:
    """Build and send `person`'s digest for the period that just ended, at most once.

    The `Digest` row is claimed first (unique per person, frequency and period): a second
    run, here or on another worker, finds it and sends nothing. An empty digest is recorded
    as such and not sent. Return the digest, or None when it was already handled.
    """
    start, end = period_for(frequency, now)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                person=person, frequency=frequency, period_start=start, period_end=end
            )
    except IntegrityError:
        return None
    content = build_digest(person, start, end)
    digest.items = content.items
    if content.is_empty:
        digest.status = DigestStatus.EMPTY
        digest.save(update_fields=["status", "items"])
        return digest
    try:
        render_digest(content, digest).send()
    except Exception:
        digest.status = DigestStatus.FAILED
        digest.save(update_fields=["status", "items"])
        log.exception("Digest %s for person %s failed to send", digest.pk, person.pk)
        raise
    digest.status = DigestStatus.SENT
    digest.sent_at = timezone.now()
    digest.save(update_fields=["status", "items", "sent_at"])
    return digest


def due_subscriptions(now: datetime | None = None):
    """Return (person_id, frequency) of everyone whose digest for the last period is due."""
    due = []
    subscriptions = DigestSubscription.objects.filter(
        frequency__in=[DigestFrequency.DAILY, DigestFrequency.WEEKLY],
        person__is_active=True,
        person__email_confirmed_at__isnull=False,
    ).values_list("person_id", "frequency")
    for frequency in (DigestFrequency.DAILY, DigestFrequency.WEEKLY):
        start, _ = period_for(frequency, now)
        done = Digest.objects.filter(frequency=frequency, period_start=start).values("person_id")
        due += list(subscriptions.filter(frequency=frequency).exclude(person_id__in=done))
    return due


def send_due_digests(now: datetime | None = None) -> dict[str, int]:
    """Send, here and now, every digest due; return how many ended in each status."""
    counts: dict[str, int] = {}
    due = due_subscriptions(now)
    people = mail_recipients([person_id for person_id, _ in due]).in_bulk()
    for person_id, frequency in due:
        person = people.get(person_id)
        if person is None:
            continue
        try:
            digest = digest_send(person=person, frequency=frequency, now=now)
        except Exception:  # logged by digest_send; one failure must not stop the others
            counts[DigestStatus.FAILED] = counts.get(DigestStatus.FAILED, 0) + 1
            continue
        if digest is not None:
            counts[digest.status] = counts.get(digest.status, 0) + 1
    return counts
