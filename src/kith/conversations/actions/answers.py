"""Questions and answers: the asker marks the answer that solved it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from kith.conversations.actions.common import (
    notify_people,
    require_author,
    require_live,
    require_visible,
    snippet,
    who,
)
from kith.conversations.models import Post, PostKind
from kith.feeds.models import NotificationKind


def answer_accept(*, question: Post, answer: Post, by) -> Post:
    """Mark `answer` as the accepted answer to `by`'s own `question`; return the question.

    Accepting another answer replaces the first. The answer's author is notified.
    """
    if question.kind != PostKind.QUESTION:
        raise ValidationError("Only a question has an accepted answer.", code="not_a_question")
    require_author(question, by, "accept an answer to")
    require_live(question)
    require_visible(by, answer)
    if answer.in_reply_to_id != question.pk or answer.kind != PostKind.ANSWER:
        raise ValidationError("That post does not answer this question.", code="not_an_answer")
    require_live(answer)
    if question.accepted_answer_id == answer.pk:
        return question
    with transaction.atomic():
        _accept(question, answer)
        notify_people(
            post=answer,
            actor=by,
            kind=NotificationKind.ACCEPTED_ANSWER,
            recipient_ids=[answer.author_id],
            text=f"{who(by)} accepted your answer: {snippet(answer.body)}",
            once=True,
        )
    return question


def answer_unaccept(*, question: Post, by) -> Post:
    """Leave `by`'s own `question` without an accepted answer again; return it."""
    require_author(question, by, "change the accepted answer of")
    if question.accepted_answer_id is None:
        return question
    with transaction.atomic():
        _accept(question, None)
    return question


def _accept(question: Post, answer: Post | None) -> None:
    """Set the accepted answer; both answers' looks change, so their versions go up too."""
    changed = [question.accepted_answer_id, answer.pk if answer else None]
    question.accepted_answer = answer
    question.version += 1
    question.save(update_fields=["accepted_answer", "version"])
    ids = [post_id for post_id in changed if post_id is not None]
    Post.objects.filter(in_reply_to=question, pk__in=ids).update(version=F("version") + 1)
