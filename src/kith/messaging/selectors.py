"""Reading messages: the inbox and requests, a thread's messages, unread counts.

Every list takes a fixed number of queries whatever its length (tests pin them).
"""

from __future__ import annotations

from django.db.models import F, Prefetch, Q, QuerySet

from kith.messaging.models import Attachment, Message, Participant, ParticipantStatus


def unread_thread_count(person_id: int) -> int:
    """Threads needing `person_id`'s attention: unread in the inbox, plus open requests."""
    return Participant.objects.filter(
        Q(status=ParticipantStatus.ACCEPTED, thread__last_message_id__gt=F("last_read_id"))
        | Q(status=ParticipantStatus.REQUEST),
        person_id=person_id,
    ).count()


def unread_counts(person_ids) -> dict[int, int]:
    """`unread_thread_count` for many people at once (one query)."""
    from django.db.models import Count

    ids = list(person_ids)
    rows = (
        Participant.objects.filter(
            Q(status=ParticipantStatus.ACCEPTED, thread__last_message_id__gt=F("last_read_id"))
            | Q(status=ParticipantStatus.REQUEST),
            person_id__in=ids,
        )
        .values("person_id")
        .annotate(n=Count("id"))
        .values_list("person_id", "n")
    )
    counts = dict.fromkeys(ids, 0)
    counts.update(rows)
    return counts


def box_of(person, box: str, *, before: int | None = None, limit: int = 40) -> list[Participant]:
    """Return `person`'s threads in `box` ("inbox" or "requests"), latest activity first.

    Each participation carries its thread, the thread's people and last message. 3 queries.
    """
    status = ParticipantStatus.REQUEST if box == "requests" else ParticipantStatus.ACCEPTED
    rows: QuerySet[Participant] = (
        Participant.objects.filter(person=person, status=status)
        .select_related("thread")
        .order_by("-thread__last_message_id")
    )
    if before:
        rows = rows.filter(thread__last_message_id__lt=before)
    rows = list(rows[:limit])
    if not rows:
        return rows
    thread_ids = [row.thread_id for row in rows]
    people: dict[int, list] = {}
    for other in (
        Participant.objects.filter(thread_id__in=thread_ids)
        .select_related("person")
        .order_by("thread_id", "joined_at", "id")
    ):
        people.setdefault(other.thread_id, []).append(other.person)
    last = {
        m.pk: m
        for m in Message.objects.filter(
            pk__in=[row.thread.last_message_id for row in rows]
        ).select_related("sender")
    }
    for row in rows:
        row.people = people.get(row.thread_id, [])
        row.others = [p for p in row.people if p.pk != person.pk]
        row.last_message = last.get(row.thread.last_message_id)
        row.unread = row.thread.last_message_id > row.last_read_id
    return rows


def messages_of(participant: Participant, *, before: int | None = None, limit: int = 50):
    """Return the latest `limit` messages of the thread (older than `before`), oldest first.

    With their senders and attachments: 2 queries.
    """
    rows = (
        Message.objects.filter(thread_id=participant.thread_id)
        .select_related("sender")
        .prefetch_related(
            Prefetch("attachments", queryset=Attachment.objects.select_related("media"))
        )
        .order_by("-id")
    )
    if before:
        rows = rows.filter(id__lt=before)
    return list(reversed(rows[:limit]))


def people_of(thread_id: int) -> list[Participant]:
    return list(
        Participant.objects.filter(thread_id=thread_id)
        .select_related("person")
        .order_by("joined_at", "id")
    )
