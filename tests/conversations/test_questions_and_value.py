"""Questions and accepted answers; helpful marks and "how I used it" stories."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kith.conversations import actions
from kith.conversations.models import Reaction
from kith.conversations.selectors import stories_for
from kith.feeds.models import Notification


@pytest.fixture
def question(alice, publish):
    return publish(alice, "Which mulch for blueberries?", kind="question")


def test_accept_an_answer(alice, bob, carol, question):
    first = actions.post_reply(author=bob, to=question, body="Pine needles")
    second = actions.post_reply(author=carol, to=question, body="Sawdust")
    actions.answer_accept(question=question, answer=first, by=alice)
    question.refresh_from_db()
    assert question.accepted_answer_id == first.pk and question.is_answered
    assert Notification.objects.get(recipient=bob, kind="accepted_answer").post_id == first.pk
    actions.answer_accept(question=question, answer=second, by=alice)
    assert question.accepted_answer_id == second.pk
    actions.answer_unaccept(question=question, by=alice)
    question.refresh_from_db()
    assert question.accepted_answer_id is None


def test_accepting_is_for_the_asker_and_real_answers(alice, bob, question, publish):
    answer = actions.post_reply(author=bob, to=question, body="Pine needles")
    with pytest.raises(ValidationError, match="Only the author"):
        actions.answer_accept(question=question, answer=answer, by=bob)
    comment = actions.post_reply(author=alice, to=answer, body="Which pine?")
    with pytest.raises(ValidationError, match="does not answer"):
        actions.answer_accept(question=question, answer=comment, by=alice)
    post = publish(alice, "not a question")
    with pytest.raises(ValidationError, match="Only a question"):
        actions.answer_accept(question=post, answer=answer, by=alice)
    question.refresh_from_db()
    assert question.accepted_answer_id is None


def test_deleting_the_accepted_answer_reopens_the_question(alice, bob, question):
    answer = actions.post_reply(author=bob, to=question, body="Pine needles")
    actions.answer_accept(question=question, answer=answer, by=alice)
    actions.post_delete(post=answer, by=bob)
    question.refresh_from_db()
    assert question.accepted_answer_id is None


def test_helpful(alice, bob, publish):
    post = publish(alice)
    reaction = actions.helpful_mark(person=bob, post=post)
    assert actions.helpful_mark(person=bob, post=post).pk == reaction.pk
    post.refresh_from_db()
    assert post.helpful_count == 1
    assert actions.helpful_unmark(person=bob, post=post)
    actions.helpful_mark(person=bob, post=post)  # mark, unmark, mark: told once while unread
    assert Notification.objects.filter(recipient=alice, kind="helpful").count() == 1
    post.refresh_from_db()
    assert post.helpful_count == 1


def test_value_needs_a_visible_live_post_of_someone_else(alice, carol, publish):
    with pytest.raises(ValidationError, match="your own"):
        actions.helpful_mark(person=alice, post=publish(alice))
    with pytest.raises(Http404):
        actions.helpful_mark(person=carol, post=publish(alice, visibility="connections"))
    post = publish(alice)
    actions.post_delete(post=post, by=alice)
    with pytest.raises(ValidationError, match="deleted"):
        actions.used_it_add(person=carol, post=post, story="I did")
    assert not Reaction.objects.exists()


def test_how_i_used_it(alice, bob, carol, fiona, publish):
    post = publish(alice, "Soak seeds overnight before sowing")
    private = actions.used_it_add(person=bob, post=post, story="Peas came up in 5 days")
    public = actions.used_it_add(person=carol, post=post, story="Worked for beans", public=True)
    post.refresh_from_db()
    assert post.used_count == 2
    assert Notification.objects.filter(recipient=alice, kind="used_it").count() == 2

    assert [r.pk for r in stories_for(alice, post)] == [private.pk, public.pk]  # the author
    assert [r.pk for r in stories_for(bob, post)] == [private.pk, public.pk]  # their own
    assert [r.pk for r in stories_for(fiona, post)] == [public.pk]
    assert [r.pk for r in stories_for(None, post)] == [public.pk]

    actions.used_it_add(person=bob, post=post, story="Peas in 4 days, actually", public=True)
    post.refresh_from_db()
    assert post.used_count == 2 and len(stories_for(fiona, post)) == 2
    assert Notification.objects.filter(recipient=alice, kind="used_it").count() == 2
    assert actions.used_it_remove(person=bob, post=post)
    post.refresh_from_db()
    assert post.used_count == 1


def test_stories_of_blocked_people_are_hidden(alice, carol, publish):
    from kith.relationships.actions.safety import block_create

    post = publish(alice)
    actions.used_it_add(person=carol, post=post, story="Used it", public=True)
    from tests.conftest import make_person

    dana = make_person("dana")
    assert len(stories_for(dana, post)) == 1
    block_create(blocker=dana, blocked=carol)
    assert stories_for(dana, post) == []


@pytest.mark.parametrize("story", ["", "   ", "x" * 1001])
def test_bad_story(alice, bob, publish, story):
    post = publish(alice)
    with pytest.raises(ValidationError) as error:
        actions.used_it_add(person=bob, post=post, story=story)
    assert "story" in error.value.message_dict
    assert not Reaction.objects.exists()
    post.refresh_from_db()
    assert post.used_count == 0
