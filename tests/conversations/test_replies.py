"""Replies and answers: who may reply, closed threads, and what each reply leaves behind."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from kith.conversations import actions
from kith.conversations.access import can_reply, can_see
from kith.conversations.models import Post
from kith.feeds.models import Notification
from kith.relationships.actions.safety import mute_create
from kith.relationships.models import Connection


def _reply_refused(author, to, exception=ValidationError, match=None):
    before = Post.objects.count(), Notification.objects.count(), to.replies_count
    with pytest.raises(exception, match=match):
        actions.post_reply(author=author, to=to, body="me too")
    to.refresh_from_db()
    assert (Post.objects.count(), Notification.objects.count(), to.replies_count) == before


def test_a_reply(alice, bob, publish):
    post = publish(alice, "Seed swap on Saturday?", visibility="connections")
    connection = Connection.objects.get()
    connection.last_interaction_at = timezone.now() - timedelta(days=30)
    connection.save()
    reply = actions.post_reply(author=bob, to=post, body="Count me in")
    assert reply.in_reply_to_id == post.pk and reply.thread_root_id == post.pk
    assert reply.depth == 1 and reply.kind == "post"
    assert reply.visibility == "connections"  # as visible as what it answers, by default
    post.refresh_from_db()
    assert post.replies_count == 1
    note = Notification.objects.get(recipient=alice)
    assert note.kind == "reply" and note.post_id == reply.pk and "Count me in" in note.text
    assert list(reply.mentions.values_list("person", flat=True)) == [alice.pk]
    connection.refresh_from_db()
    assert timezone.now() - connection.last_interaction_at < timedelta(minutes=1)
    deeper = actions.post_reply(author=alice, to=reply, body="Great")
    assert (deeper.thread_root_id, deeper.depth) == (post.pk, 2)


def test_the_author_replied_to_always_sees_the_reply(alice, carol, publish):
    post = publish(alice)
    reply = actions.post_reply(author=carol, to=post, body="psst", visibility="mentioned")
    assert can_see(alice, reply)
    assert Notification.objects.get(recipient=alice).kind == "reply"


def test_a_reply_to_a_question_is_an_answer(alice, bob, publish):
    question = publish(alice, "Best frost cloth?", kind="question")
    answer = actions.post_reply(author=bob, to=question, body="Fleece, doubled")
    assert answer.kind == "answer"
    assert Notification.objects.get(recipient=alice).kind == "answer"
    comment = actions.post_reply(author=alice, to=answer, body="Thanks!")
    assert comment.kind == "post"


def test_a_reply_to_a_repost_goes_to_the_original(alice, bob, carol, publish):
    post = publish(alice)
    repost = actions.post_repost(person=bob, post=post)
    reply = actions.post_reply(author=carol, to=repost, body="hello")
    assert reply.in_reply_to_id == post.pk


def test_reply_to_an_invisible_post_is_missing(alice, carol, blake, publish):
    _reply_refused(carol, publish(alice, visibility="connections"), Http404)
    _reply_refused(blake, publish(alice), Http404)


def test_reply_to_a_deleted_post(alice, bob, publish):
    post = publish(alice)
    actions.post_delete(post=post, by=alice)
    _reply_refused(bob, post, match="deleted")


def test_bad_reply_body_writes_nothing(alice, bob, publish):
    post = publish(alice)
    for body in ("", "x" * 5001):
        with pytest.raises(ValidationError):
            actions.post_reply(author=bob, to=post, body=body)
    post.refresh_from_db()
    assert post.replies_count == 0 and Post.objects.count() == 1


def test_closed_replies(alice, bob, publish):
    post = publish(alice)
    actions.replies_close(post=post, by=alice)
    assert can_reply(bob, post).code == "replies_closed"
    _reply_refused(bob, post, match="closed")
    actions.post_reply(author=alice, to=post, body="An update, though")  # the author may
    actions.replies_open(post=post, by=alice)
    actions.post_reply(author=bob, to=post, body="Now I can")


def test_only_the_author_closes_replies(alice, bob, publish):
    post = publish(alice)
    with pytest.raises(ValidationError, match="Only the author"):
        actions.replies_close(post=post, by=bob)


def test_replies_close_by_themselves(alice, bob, publish):
    from kith.people.actions import person_update_profile

    person_update_profile(person=alice, close_replies_after_days=2)
    post = publish(alice)
    assert can_reply(bob, post)
    later = timezone.now() + timedelta(days=2, seconds=1)
    assert can_reply(bob, post, now=later).code == "replies_closed"
    post.replies_close_at = timezone.now() - timedelta(seconds=1)
    post.save()
    _reply_refused(bob, post, match="closed")
    actions.replies_open(post=post, by=alice)  # opening again undoes the automatic close
    assert post.replies_close_at is None and can_reply(bob, post, now=later)


def test_a_closed_thread_closes_every_branch(alice, bob, carol, publish):
    post = publish(alice)
    reply = actions.post_reply(author=bob, to=post, body="first")
    actions.replies_close(post=post, by=alice)
    reply.refresh_from_db()
    verdict = can_reply(carol, reply)
    assert not verdict and verdict.code == "closed"
    _reply_refused(carol, reply, match="closed")


@pytest.mark.parametrize(
    ("policy", "allowed"),
    [
        ("everyone", {"carol", "bob", "fiona", "mo"}),
        ("connections", {"bob"}),
        ("followers", {"bob", "fiona"}),
        ("mentioned", {"mo"}),
    ],
)
def test_reply_policy(alice, bob, carol, fiona, mo, publish, policy, allowed):
    post = publish(alice, "Thoughts, @mo?", reply_policy=policy)
    for person in (bob, carol, fiona, mo):
        verdict = can_reply(person, post)
        assert bool(verdict) is (person.handle in allowed), person.handle
        if person.handle not in allowed:
            assert verdict.code == "reply_policy" and verdict.reason
            _reply_refused(person, post, match="can reply")
        else:
            actions.post_reply(author=person, to=post, body="yes")
    assert can_reply(alice, post)


def test_the_first_posts_policy_holds_down_the_thread(alice, bob, carol, publish):
    post = publish(alice, reply_policy="connections")
    reply = actions.post_reply(author=bob, to=post, body="a connection's reply")
    assert can_reply(carol, reply).code == "reply_policy"
    assert "reply here" in can_reply(carol, reply).reason
    assert can_reply(alice, reply)


def test_anonymous_cannot_reply(alice, publish):
    assert can_reply(None, publish(alice)).code == "login"


def test_a_muted_replier_does_not_notify(alice, carol, publish):
    mute_create(muter=alice, muted=carol)
    actions.post_reply(author=carol, to=publish(alice), body="hello?")
    assert not Notification.objects.filter(recipient=alice).exists()


def test_replies_count_as_interactions(alice, bob, carol, publish):
    from kith.relationships.interactions import describe, interaction_counts

    post = publish(alice)
    reply = actions.post_reply(author=bob, to=post, body="one")
    actions.post_reply(author=alice, to=reply, body="two")
    actions.post_reply(author=carol, to=post, body="three")
    counts = interaction_counts(alice, [bob.pk, carol.pk])
    assert counts[bob.pk] == {"connected": 1, "replies": 2}
    assert counts[carol.pk] == {"replies": 1}
    assert describe(counts[bob.pk]) == "connected · 2 replies"
