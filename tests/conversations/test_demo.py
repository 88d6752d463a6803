"""The demo network talks: posts, questions with answers, replies, reposts and value."""

from __future__ import annotations

from kith.conversations.models import Post, Reaction


def _snapshot():
    posts = sorted(
        Post.objects.values_list(
            "author__handle",
            "kind",
            "body",
            "visibility",
            "in_reply_to__body",
            "repost_of__body",
            "accepted_answer__body",
            "replies_count",
            "helpful_count",
        )
    )
    reactions = sorted(
        Reaction.objects.values_list(
            "person__handle", "post__body", "kind", "story", "story_public"
        )
    )
    return posts, reactions


def test_the_demo_has_conversations_and_they_are_deterministic(db):
    from kith.demo import load_demo
    from kith.people.models import Person

    result = load_demo(people=12, seed=3)
    assert result.posts == Post.objects.count()
    assert Post.objects.filter(kind="post", in_reply_to__isnull=True, repost_of__isnull=True)
    assert Post.objects.filter(kind="question", accepted_answer__isnull=False).exists()
    assert Post.objects.filter(kind="answer").count() >= 2
    assert Post.objects.filter(kind="post", in_reply_to__isnull=False).exists()
    assert Post.objects.filter(repost_of__isnull=False).exists()
    assert Reaction.objects.filter(kind="helpful").exists()
    assert Reaction.objects.filter(kind="used").exclude(story="").exists()
    first = _snapshot()
    Person.objects.all().delete()
    load_demo(people=12, seed=3)
    assert _snapshot() == first
