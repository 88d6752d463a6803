"""Changing messages: start a thread, send, read, and answer a message request.

Rules:
- A thread has 2 to MAX_PARTICIPANTS people. Between exactly two people there is one thread:
  starting again sends into it.
- A recipient who is not a connection of the sender gets the thread as a *message request*:
  they see it under Requests, may read it, and accept (it moves to the inbox), decline (it
  disappears for them), block the sender, or offer an intro call.
- Blocks are respected everywhere: nobody starts a thread with, or sends into a thread
  with, someone they blocked or who blocked them.
- Only a participant who accepted may send (a request is accepted by answering it).
- Bodies are Markdown (the subset posts use), rendered and sanitised when written.
- Images are uploaded as drafts (`conversations` media) and attached: only participants
  can fetch them.
Every new message is announced on the participants' live streams (on commit).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from kith import live
from kith.conversations.models import Media
from kith.core.ids import parse_id
from kith.core.text import render_markdown
from kith.messaging.models import (
    Attachment,
    Message,
    MessageThread,
    Participant,
    ParticipantStatus,
)
from kith.people.models import Person
from kith.relationships.access import connected_ids
from kith.relationships.models import Block

MAX_PARTICIPANTS = 20
MAX_CHARS = 5000
MAX_ATTACHMENTS = 4
SUBJECT_MAX = 120


def _blocked_among(person, others_ids) -> bool:
    others_ids = list(others_ids)
    return Block.objects.filter(
        Q(blocker=person, blocked_id__in=others_ids) | Q(blocker_id__in=others_ids, blocked=person)
    ).exists()


def _check_body(body: str, media_ids) -> str:
    body = (body or "").strip()
    if not body and not media_ids:
        raise ValidationError({"body": ["Write a message, or attach an image."]})
    if len(body) > MAX_CHARS:
        raise ValidationError(
            {"body": [f"A message has at most {MAX_CHARS} characters (this has {len(body)})."]}
        )
    if "\x00" in body:
        raise ValidationError({"body": ["The message contains a null character."]})
    return body


def _check_media(sender, media_ids) -> list[Media]:
    ids = list(dict.fromkeys(parse_id(i) or -1 for i in media_ids or ()))
    if not ids:
        return []
    if len(ids) > MAX_ATTACHMENTS:
        raise ValidationError({"media": [f"Attach at most {MAX_ATTACHMENTS} images."]})
    found = Media.objects.filter(
        owner=sender, post__isnull=True, message_attachment__isnull=True
    ).in_bulk(ids)
    if len(found) != len(ids):
        raise ValidationError(
            {"media": ["Some of these images were not found, or are attached already."]}
        )
    media = [found[i] for i in ids]
    if sender.require_alt_text and any(not m.alt_text.strip() for m in media):
        raise ValidationError({"media": ["Describe every image (alt text): your settings say so."]})
    return media


def _recipients(sender, handles) -> list[Person]:
    cleaned = list(dict.fromkeys(h.strip().lstrip("@").lower() for h in handles if h.strip()))
    if not cleaned:
        raise ValidationError({"to": ["Name at least one person to write to."]})
    if len(cleaned) + 1 > MAX_PARTICIPANTS:
        raise ValidationError({"to": [f"A conversation has at most {MAX_PARTICIPANTS} people."]})
    people = {p.handle: p for p in Person.objects.filter(handle__in=cleaned, is_active=True)}
    missing = [h for h in cleaned if h not in people]
    if missing:
        raise ValidationError({"to": [f"No such person: @{', @'.join(missing)}."]})
    if sender.handle in people:
        raise ValidationError({"to": ["Write to someone other than yourself."]})
    chosen = [people[h] for h in cleaned]
    if _blocked_among(sender, [p.pk for p in chosen]):
        raise ValidationError({"to": ["You can't send messages to some of these people."]})
    return chosen


def thread_start(*, sender, to, body: str, media_ids=(), subject: str = "") -> Message:
    """Write to the people whose handles are in `to`; return the first message.

    Between two people an existing thread is reused.
    """
    recipients = _recipients(sender, to)
    subject = (subject or "").strip()
    if len(subject) > SUBJECT_MAX:
        raise ValidationError({"subject": [f"A subject has at most {SUBJECT_MAX} characters."]})
    body = _check_body(body, media_ids)
    if len(recipients) == 1:
        existing = (
            MessageThread.objects.filter(participants__person=sender)
            .filter(participants__person=recipients[0])
            .filter(pk__in=_two_person_threads())
            .first()
        )
        if existing is not None:
            participant = Participant.objects.get(thread=existing, person=sender)
            return message_send(participant=participant, body=body, media_ids=media_ids)
    connected = connected_ids(sender)
    with transaction.atomic():
        thread = MessageThread.objects.create(started_by=sender, subject=subject)
        Participant.objects.bulk_create(
            [Participant(thread=thread, person=sender, status=ParticipantStatus.ACCEPTED)]
            + [
                Participant(
                    thread=thread,
                    person=person,
                    status=ParticipantStatus.ACCEPTED
                    if person.pk in connected
                    else ParticipantStatus.REQUEST,
                )
                for person in recipients
            ]
        )
        participant = Participant.objects.select_related("thread").get(thread=thread, person=sender)
        return message_send(participant=participant, body=body, media_ids=media_ids)


def _two_person_threads():
    from django.db.models import Count

    return (
        Participant.objects.values("thread_id")
        .annotate(n=Count("id"))
        .filter(n=2)
        .values("thread_id")
    )


def message_send(*, participant: Participant, body: str, media_ids=()) -> Message:
    """Send `body` (and draft images `media_ids`) into the participant's thread."""
    sender = participant.person
    if participant.status == ParticipantStatus.REQUEST:
        raise ValidationError("Accept this message request to reply.", code="request")
    if participant.status == ParticipantStatus.DECLINED:
        raise ValidationError("You declined this conversation.", code="declined")
    body = _check_body(body, media_ids)
    others = list(
        Participant.objects.filter(thread_id=participant.thread_id)
        .exclude(person_id=sender.pk)
        .values_list("person_id", flat=True)
    )
    if _blocked_among(sender, others):
        raise ValidationError("You can no longer send messages here.", code="blocked")
    media = _check_media(sender, media_ids)
    now = timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                thread_id=participant.thread_id,
                sender=sender,
                body=body,
                body_html=render_markdown(body) if body else "",
                created_at=now,
            )
            Attachment.objects.bulk_create(
                [
                    Attachment(message=message, media=item, position=n)
                    for n, item in enumerate(media)
                ]
            )
            MessageThread.objects.filter(pk=participant.thread_id).update(
                last_message_id=message.pk, last_message_at=now
            )
            Participant.objects.filter(pk=participant.pk).update(last_read_id=message.pk)
            participant.last_read_id = message.pk
            _announce(message, sender)
    except IntegrityError:  # an image was attached elsewhere meanwhile
        raise ValidationError({"media": ["This image is attached already."]}) from None
    return message


def _announce(message: Message, sender) -> None:
    """On commit, tell every participant who has not declined (the sender's other tabs too)."""

    def send() -> None:
        from kith.messaging.selectors import unread_counts

        people = list(
            Participant.objects.filter(thread_id=message.thread_id)
            .exclude(status=ParticipantStatus.DECLINED)
            .values_list("person_id", "status")
        )
        counts = unread_counts([pid for pid, _ in people])
        live.publish_each(
            {
                pid: {
                    "thread": str(message.thread_id),
                    "message": str(message.pk),
                    "from": sender.handle,
                    "from_name": sender.display_name,
                    "html": message.body_html,
                    "request": status == ParticipantStatus.REQUEST,
                    "unread_threads": counts.get(pid, 0),
                }
                for pid, status in people
            },
            "message",
        )

    transaction.on_commit(send, robust=True)


def thread_mark_read(*, participant: Participant) -> None:
    """Mark everything in the thread read for this participant."""
    last = MessageThread.objects.filter(pk=participant.thread_id).values_list(
        "last_message_id", flat=True
    )[0]
    if last > participant.last_read_id:
        Participant.objects.filter(pk=participant.pk).update(last_read_id=last)
        participant.last_read_id = last


def _require_request(participant: Participant) -> None:
    if participant.status != ParticipantStatus.REQUEST:
        raise ValidationError("This is not a message request.", code="not_request")


def request_accept(*, participant: Participant) -> Participant:
    """Move a message request to the inbox: the person can reply from now on."""
    _require_request(participant)
    participant.status = ParticipantStatus.ACCEPTED
    participant.save(update_fields=["status"])
    return participant


def request_decline(*, participant: Participant) -> Participant:
    """Decline a message request: the thread disappears from the person's boxes."""
    if participant.status == ParticipantStatus.DECLINED:
        return participant
    _require_request(participant)
    participant.status = ParticipantStatus.DECLINED
    participant.save(update_fields=["status"])
    return participant


def request_block(*, participant: Participant) -> Participant:
    """Decline a request and block whoever started the thread."""
    from kith.relationships.actions.safety import block_create

    _require_request(participant)
    starter = participant.thread.started_by
    with transaction.atomic():
        block_create(blocker=participant.person, blocked=starter)
        participant.status = ParticipantStatus.DECLINED
        participant.save(update_fields=["status"])
    return participant


def request_offer_intro_call(*, participant: Participant):
    """Answer a request from a stranger with an intro call (the relationships flow).

    As if the sender had invited the person to connect: the person hosts, offers times from
    their availability, the sender picks one; after they talk they may connect. The request
    is accepted, so the two can arrange it here. Returns the IntroCall.
    """
    from kith.relationships.actions.intro_calls import intro_call_open
    from kith.relationships.models import HowMet, Invitation, InvitationStatus

    _require_request(participant)
    person, starter = participant.person, participant.thread.started_by
    if Participant.objects.filter(thread_id=participant.thread_id).count() != 2:
        raise ValidationError("Intro calls are between two people: not in a group.", "group")
    open_statuses = [InvitationStatus.PENDING, InvitationStatus.INTRO_OFFERED]
    if Invitation.objects.filter(
        Q(sender=starter, recipient=person) | Q(sender=person, recipient=starter),
        status__in=open_statuses,
    ).exists():
        raise ValidationError(
            "There is an open invitation between you already: answer it from Invitations.",
            code="invitation_open",
        )
    first = Message.objects.filter(thread_id=participant.thread_id).order_by("id").first()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            sender=starter,
            recipient=person,
            how_known=HowMet.OTHER,
            how_known_detail="Wrote a direct message",
            note=(first.body if first else "")[:1000],
        )
        call = intro_call_open(invitation=invitation)
        participant.status = ParticipantStatus.ACCEPTED
        participant.save(update_fields=["status"])
    return call
