"""Publishing posts and questions: what is stored, and bad input that stores nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kith.conversations import actions
from kith.conversations.models import Hashtag, Mention, Post, PostHashtag
from kith.feeds.models import Notification
from kith.people.models import PostingDay
from kith.relationships.actions.safety import mute_create


def _nothing_written():
    assert not Post.objects.exists()
    assert not Mention.objects.exists() and not PostHashtag.objects.exists()
    assert not Hashtag.objects.exists() and not PostingDay.objects.exists()
    assert not Notification.objects.filter(kind="mention").exists()


def test_publish_renders_links_mentions_and_tags(alice, bob, publish):
    post = publish(alice, "Ask @bob about **#Compost** at https://example.org", language="en-GB")
    assert post.kind == "post" and post.visibility == "public" and post.version == 1
    assert post.thread_root_id == post.pk and post.depth == 0
    assert '<a href="http://testserver/@bob" class="mention"' in post.html
    assert '<a href="http://testserver/tags/compost" class="hashtag"' in post.html
    # external links go through their short link; the text stays the URL (test_links.py)
    assert '<a href="http://testserver/s/' in post.html and ">https://example.org</a>" in post.html
    assert "<strong>" in post.html
    assert list(post.hashtags.values_list("name", flat=True)) == ["compost"]
    assert list(Mention.objects.filter(post=post).values_list("person", flat=True)) == [bob.pk]
    note = Notification.objects.get(recipient=bob)
    assert note.kind == "mention" and note.post_id == post.pk and note.actor_id == alice.pk
    assert note.url == f"/@alice/{post.pk}"
    assert PostingDay.objects.get(person=alice, day=timezone.localdate()).posts == 1
    publish(alice, "again")
    assert PostingDay.objects.get(person=alice, day=timezone.localdate()).posts == 2


def test_a_question(alice, publish):
    question = publish(alice, "How do I prune roses?", kind="question")
    assert question.is_question and not question.is_answered


def test_tags_are_shared_between_posts(alice, bob, publish):
    publish(alice, "#Tea time")
    publish(bob, "more #tea")
    assert Hashtag.objects.count() == 1 and PostHashtag.objects.count() == 2


def test_mentions_skip_self_unknown_and_muting_people(alice, bob, carol, publish):
    mute_create(muter=carol, muted=alice)
    post = publish(alice, "@alice @bob @carol @ghost")
    assert set(post.mentions.values_list("person__handle", flat=True)) == {"bob", "carol"}
    assert set(
        Notification.objects.filter(kind="mention").values_list("recipient__handle", flat=True)
    ) == {"bob"}


def test_close_after_setting_stamps_new_posts(alice, publish):
    from kith.people.actions import person_update_profile

    person_update_profile(person=alice, close_replies_after_days=3)
    post = publish(alice)
    assert post.replies_close_at - post.created_at == timedelta(days=3)
    person_update_profile(person=alice, close_replies_after_days=0)
    assert alice.close_replies_after_days is None
    assert publish(alice).replies_close_at is None
    with pytest.raises(ValidationError):
        person_update_profile(person=alice, close_replies_after_days=-1)


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   \n\t "}, "body"),
        ({"body": "\x00\x01"}, "body"),
        ({"body": "x" * 5001}, "body"),
        ({"kind": "answer"}, "kind"),
        ({"kind": "poll"}, "kind"),
        ({"visibility": "friends"}, "visibility"),
        ({"reply_policy": "nobody"}, "reply_policy"),
        ({"quote_policy": "everyone"}, "quote_policy"),
        ({"language": "english please"}, "language"),
        ({"content_warning": "w" * 201}, "content_warning"),
    ],
)
def test_bad_input_writes_nothing(alice, bob, options, field):
    options = {"body": "Hello @bob #tag", **options}
    with pytest.raises(ValidationError) as error:
        actions.post_publish(author=alice, **options)
    assert field in error.value.message_dict
    _nothing_written()


def test_every_problem_is_reported_at_once(alice):
    with pytest.raises(ValidationError) as error:
        actions.post_publish(author=alice, body="", visibility="x", language="?")
    assert set(error.value.message_dict) == {"body", "visibility", "language"}
    assert error.value.message_dict["body"] == ["Write something first: the post is empty."]


def test_the_length_limit_is_a_setting(alice, settings):
    settings.KITH_POST_MAX_CHARS = 10
    actions.post_publish(author=alice, body="x" * 10)
    with pytest.raises(ValidationError) as error:
        actions.post_publish(author=alice, body="x" * 11)
    assert error.value.message_dict["body"] == ["At most 10 characters (this is 11)."]


def test_a_link_counts_as_23_characters_as_on_mastodon(alice, settings):
    from kith.conversations.validators import counted_length

    long_link = "https://example.com/" + "a" * 200
    assert counted_length(f"See {long_link}.") == len("See .") + 23
    assert counted_length("http://x.y/z and https://example.org") == 23 + len(" and ") + 23
    assert counted_length("no link: https:// nor ftp://x.y/z") == len(
        "no link: https:// nor ftp://x.y/z"
    )
    settings.KITH_POST_MAX_CHARS = 30
    link = "https://example.com/" + "b" * 60  # 80 characters as written, counts 23
    post = actions.post_publish(author=alice, body=f"Read {link}")  # 5 + 23 characters
    assert link in post.body
    with pytest.raises(ValidationError) as error:
        actions.post_publish(author=alice, body=f"Read this {link}")
    assert error.value.message_dict["body"] == [
        "At most 30 characters (this is 33; a link counts as 23)."
    ]
    huge = "https://example.com/" + "a" * 120  # counts 23, but 4 × 30 as written at most
    with pytest.raises(ValidationError) as error:
        actions.post_publish(author=alice, body=huge)
    assert error.value.message_dict["body"] == [
        "At most 120 characters as written, links in full (this is 140)."
    ]


def test_too_many_mentions(alice, settings, monkeypatch):
    from kith.conversations.actions import common
    from tests.conftest import make_person

    monkeypatch.setattr(common, "MAX_MENTIONS", 2)
    for handle in ("m1", "m2", "m3"):
        make_person(handle)
    with pytest.raises(ValidationError, match="at most 2"):
        actions.post_publish(author=alice, body="@m1 @m2 @m3")
    _nothing_written()


def test_line_ends_and_control_characters_are_cleaned(alice, publish):
    post = publish(alice, "one\r\ntwo\x07\n")
    assert post.body == "one\ntwo"


def test_a_deactivated_account_cannot_publish(alice):
    alice.is_active = False
    with pytest.raises(ValidationError):
        actions.post_publish(author=alice, body="hi")
    _nothing_written()


def test_staff_moderate_posts_in_the_admin(client, alice, publish):
    from kith.people.models import Person

    post = publish(alice, "<b>moderate me</b>")
    admin = Person.objects.create_superuser("root2", "root2@example.com", "pw-long-enough-1")
    client.force_login(admin)
    assert client.get("/admin/conversations/post/").status_code == 200
    page = client.get(f"/admin/conversations/post/{post.pk}/change/")
    assert page.status_code == 200 and "<b>moderate me</b>" not in page.content.decode()
