"""Question routing ("I am happy to answer questions about #x") and keyword filters."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kith.conversations import actions
from kith.feeds import actions as feed_actions
from kith.feeds import selectors
from kith.feeds.models import FeedEntry, FilterKeyword
from kith.relationships.actions.connections import connection_create
from tests.conftest import make_person
from tests.feeds.conftest import reasons


@pytest.fixture
def chain(db):
    """asker – friend – expert: the expert is a connection of a connection of the asker."""
    asker, friend, expert, far = (make_person(h) for h in ("asker", "friend", "expert", "far"))
    connection_create(person=asker, other=friend, how_met="in_person")
    connection_create(person=friend, other=expert, how_met="in_person")
    connection_create(person=expert, other=far, how_met="in_person")
    return asker, friend, expert, far


def test_a_question_reaches_people_who_answer_its_topic(chain, fanned):
    asker, _friend, expert, far = chain
    feed_actions.answer_offer_add(person=expert, tag="#Glazes")
    feed_actions.answer_offer_add(person=far, tag="glazes")  # three steps away: not routed
    question = fanned(
        actions.post_publish, author=asker, body="Why do my #glazes crawl?", kind="question"
    )
    entry = FeedEntry.objects.get(owner=expert, post=question)
    assert (entry.reason, entry.reason_detail) == ("question", "#glazes")
    assert "far" not in reasons(question)
    [item] = [i for i in selectors.home_feed(expert).items if i.shown.pk == question.pk]
    assert item.why()["text"] == "You answer questions about #glazes."


def test_routing_needs_a_question_in_the_topic(chain, fanned):
    asker, _friend, expert, _far = chain
    feed_actions.answer_offer_add(person=expert, tag="glazes")
    post = fanned(actions.post_publish, author=asker, body="My #glazes today")
    other = fanned(actions.post_publish, author=asker, body="Why #kilns?", kind="question")
    assert "expert" not in reasons(post)
    assert "expert" not in reasons(other)


def test_a_direct_connection_is_routed_too(chain, fanned):
    asker, friend, _expert, _far = chain
    feed_actions.answer_offer_add(person=friend, tag="glazes")
    question = fanned(actions.post_publish, author=asker, body="#glazes?", kind="question")
    assert reasons(question)["friend"] == "question"


def test_routing_is_capped_per_day(chain, fanned, settings):
    settings.KITH_QUESTIONS_ROUTED_PER_DAY = 2
    asker, _friend, expert, _far = chain
    feed_actions.answer_offer_add(person=expert, tag="glazes")
    questions = [
        fanned(actions.post_publish, author=asker, body=f"#glazes {i}?", kind="question")
        for i in range(3)
    ]
    assert ["expert" in reasons(q) for q in questions] == [True, True, False]


def test_routing_respects_visibility(chain, fanned):
    asker, _friend, expert, _far = chain
    feed_actions.answer_offer_add(person=expert, tag="glazes")
    question = fanned(
        actions.post_publish,
        author=asker,
        body="#glazes?",
        kind="question",
        visibility="connections",
    )
    assert "expert" not in reasons(question)


def test_bad_offers_are_refused(alice):
    for raw in ["", "#", "two words", "#123"]:
        with pytest.raises(ValidationError):
            feed_actions.answer_offer_add(person=alice, tag=raw)
    assert not alice.answer_offers.exists()


# --- Keyword filters --------------------------------------------------------------------------


def _shown(person) -> dict[str, str]:
    return {
        item.shown.body: item.warning
        for mode in selectors.MODES
        for item in selectors.home_feed(person, mode=mode)
    }


def test_hide_and_warn_filters_apply_to_every_feed(alice, bob, fanned):
    fanned(actions.post_publish, author=alice, body="The Election is near")
    fanned(actions.post_publish, author=alice, body="Spoilers: the finale")
    fanned(actions.post_publish, author=alice, body="Pottery")
    feed_actions.keyword_filter_add(owner=bob, phrase="election", action="hide")
    feed_actions.keyword_filter_add(owner=bob, phrase="finale", action="warn")
    assert _shown(bob) == {"Spoilers: the finale": "finale", "Pottery": ""}
    person_list = feed_actions.person_list_create(owner=bob, name="Alice")
    feed_actions.person_list_add(person_list=person_list, person=alice)
    listed = {i.shown.body: i.warning for i in selectors.list_feed(bob, person_list)}
    assert listed == {"Spoilers: the finale": "finale", "Pottery": ""}


def test_whole_word_filters_match_whole_words_only(alice, bob, fanned):
    fanned(actions.post_publish, author=alice, body="A category of cats")
    feed_actions.keyword_filter_add(owner=bob, phrase="cat", action="hide")
    assert "A category of cats" in _shown(bob)
    feed_actions.keyword_filter_add(owner=bob, phrase="cat", action="hide", whole_word=False)
    assert "A category of cats" not in _shown(bob)


def test_a_filter_matches_the_shared_post_and_content_warnings(alice, bob, carol, fanned):
    fanned(actions.post_publish, author=alice, body="Fine", content_warning="Election talk")
    feed_actions.keyword_filter_add(owner=bob, phrase="election", action="hide")
    assert _shown(bob) == {}


def test_filters_expire(alice, bob, fanned):
    fanned(actions.post_publish, author=alice, body="Election day")
    keyword = feed_actions.keyword_filter_add(
        owner=bob, phrase="election", action="hide", duration="1d"
    )
    assert _shown(bob) == {}
    keyword.expires_at = timezone.now() - timedelta(seconds=1)
    keyword.save()
    assert _shown(bob) == {"Election day": ""}


@pytest.mark.parametrize(
    "options",
    [
        {"phrase": ""},
        {"phrase": "   "},
        {"phrase": "x" * 101},
        {"phrase": "ok", "action": "delete"},
        {"phrase": "ok", "duration": "2y"},
    ],
)
def test_bad_filters_are_refused(alice, options):
    with pytest.raises(ValidationError):
        feed_actions.keyword_filter_add(owner=alice, **options)
    assert not alice.feed_filters.exists() and not FilterKeyword.objects.exists()


def test_adding_a_phrase_again_replaces_it(alice):
    feed_actions.keyword_filter_add(owner=alice, phrase="Cats", action="hide")
    feed_actions.keyword_filter_add(owner=alice, phrase="cats", action="warn")
    assert list(alice.feed_filters.values_list("title", "action")) == [("cats", "warn")]
    assert list(FilterKeyword.objects.values_list("keyword", flat=True)) == ["cats"]
