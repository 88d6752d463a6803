"""Community feeds and questions, topic follows and the two fan-out selectors, against the
visibility truth table: no listing ever carries a post its viewer may not see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kith.communities import actions, selectors
from kith.communities.selectors import community_member_ids, topic_follower_ids
from kith.conversations import actions as post_actions

RELATIONSHIPS = [
    "anonymous",
    "stranger",
    "member",
    "follower",
    "connection",
    "mentioned",
    "blocked",
    "blocker",
    "author",
]
SEES = {
    "public": {"anonymous", "stranger", "member", "follower", "connection", "mentioned", "author"},
    "followers": {"follower", "connection", "mentioned", "author"},
    "connections": {"connection", "mentioned", "author"},
    "mentioned": {"mentioned", "author"},
}
BODY = "Secret #compost plans, @mo"


@pytest.fixture
def viewers(garden, alice, bob, carol, fiona, mo, blake, bart, mia):
    """Everyone but carol (the stranger) and the anonymous reader is a member of the garden."""
    for person in (bob, fiona, mo, blake, bart):
        actions.community_join(person=person, community=garden)
    return {
        "anonymous": None,
        "stranger": carol,
        "member": mia,
        "follower": fiona,
        "connection": bob,
        "mentioned": mo,
        "blocked": blake,
        "blocker": bart,
        "author": alice,
    }


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_community_listings_truth_table(garden, viewers, alice, publish, visibility, relationship):
    viewer = viewers[relationship]
    post = publish(alice, BODY, visibility=visibility, community="garden")
    question = publish(alice, BODY, kind="question", visibility=visibility, community="garden")
    expected = relationship in SEES[visibility]
    feed = {p.pk for p in selectors.community_feed(viewer, garden)}
    questions = {p.pk for p in selectors.community_questions(viewer, garden)}
    assert feed == ({post.pk, question.pk} if expected else set())
    assert questions == ({question.pk} if expected else set())
    unanswered = {p.pk for p in selectors.community_questions(viewer, garden, without_answers=True)}
    assert unanswered == questions
    if viewer is not None and relationship != "author":
        members = community_member_ids(post)
        assert (viewer.pk in members) is (expected and relationship != "stranger")


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_topic_followers_truth_table(viewers, alice, publish, visibility, relationship):
    viewer = viewers[relationship]
    if viewer is None:
        return
    actions.tag_follow(person=viewer, tag="#Compost")
    post = publish(alice, BODY, visibility=visibility)
    expected = relationship in SEES[visibility] and relationship != "author"
    assert (viewer.pk in topic_follower_ids(post)) is expected


def test_feed_shows_first_posts_newest_first_and_questions_until_answered(
    garden, alice, mia, publish
):
    first = publish(alice, "First", community="garden")
    question = publish(alice, "How deep?", kind="question", community="garden")
    elsewhere = publish(alice, "Not in the garden")
    answer = post_actions.post_reply(author=mia, to=question, body="Ten cm")
    assert [p.pk for p in selectors.community_feed(mia, garden)] == [question.pk, first.pk]
    assert elsewhere.pk not in {p.pk for p in selectors.community_feed(mia, garden)}
    assert [p.pk for p in selectors.community_questions(mia, garden)] == [question.pk]
    assert list(selectors.community_questions(mia, garden, without_answers=True)) == []
    post_actions.answer_accept(question=question, answer=answer, by=alice)
    assert list(selectors.community_questions(mia, garden)) == []


def test_feed_pages_by_id(garden, alice, mia, publish):
    posts = [publish(alice, f"Post {i}", community="garden") for i in range(5)]
    page = selectors.community_feed(mia, garden, limit=2)
    assert [p.pk for p in page] == [posts[4].pk, posts[3].pk]
    rest = selectors.community_feed(mia, garden, max_id=page.next_max_id, limit=10)
    assert [p.pk for p in rest] == [p.pk for p in reversed(posts[:3])]
    assert rest.next_max_id is None


def test_member_ids_leave_out_pending_banned_and_inactive(garden, olga, alice, mia, carol, publish):
    from tests.conftest import make_person

    actions.community_update(by=olga, community=garden, policy="approval")
    actions.community_join(person=carol, community=garden)  # a request, not a member
    gone = make_person("gone")
    actions.community_invite(by=olga, community=garden, person=gone)
    actions.community_join(person=gone, community=garden)
    gone.is_active = False
    gone.save()
    actions.member_ban(by=olga, community=garden, person=mia)
    post = publish(alice, "Hello", community="garden")
    assert community_member_ids(post) == {
        olga.pk,
        garden.memberships.get(role="moderator").person_id,
    }
    assert community_member_ids(publish(alice, "No community")) == set()


def test_named_topics_gather_hashtags(alice, carol, publish):
    topic = actions.topic_create(
        by=carol, slug="bread", name="Bread", tags=["#Sourdough", "levain"]
    )
    actions.topic_follow(person=carol, topic=topic)
    post = publish(alice, "My #levain is alive")
    assert topic_follower_ids(post) == {carol.pk}
    assert [p.pk for p in selectors.topic_posts(carol, topic)] == [post.pk]
    assert topic_follower_ids(publish(alice, "No tags")) == set()
    actions.topic_unfollow(person=carol, topic=topic)
    assert topic_follower_ids(post) == set()


def test_tag_follow_and_unfollow(alice, carol, publish):
    actions.tag_follow(person=carol, tag="Compost")
    actions.tag_follow(person=carol, tag="#compost")  # twice is harmless
    assert selectors.followed_tags(carol) == ["compost"]
    assert selectors.follows_tag(carol, "compost")
    assert selectors.tag_follower_count("compost") == 1
    post = publish(alice, "#compost heap")
    assert topic_follower_ids(post) == {carol.pk}
    actions.tag_unfollow(person=carol, tag="compost")
    assert topic_follower_ids(post) == set()


@pytest.mark.parametrize("tag", ["", "#", "12", "a b", "x" * 80])
def test_bad_tags_are_refused(carol, tag):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.tag_follow(person=carol, tag=tag)


def test_selectors_take_a_fixed_number_of_queries(garden, alice, mia, publish):
    def counts():
        post = publish(alice, "#compost", community="garden")
        with CaptureQueriesContext(connection) as members:
            community_member_ids(post)
        with CaptureQueriesContext(connection) as followers:
            topic_follower_ids(post)
        return len(members), len(followers)

    from tests.conftest import make_person

    actions.tag_follow(person=mia, tag="compost")
    small = counts()
    for i in range(10):
        person = make_person(f"fan{i}")
        actions.community_join(person=person, community=garden)
        actions.tag_follow(person=person, tag="compost")
    assert counts() == small


def test_feed_query_count_is_pinned(garden, alice, mia, publish):
    def count(n):
        for i in range(n):
            publish(alice, f"#tag post {i}", community="garden")
        with CaptureQueriesContext(connection) as context:
            page = selectors.community_feed(mia, garden, limit=40)
        return len(context), len(page)

    few = count(2)
    many = count(20)
    assert few[0] == many[0]
