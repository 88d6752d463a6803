"""Editing keeps history and tells the people who replied; deleting leaves a tombstone."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kith.conversations import actions
from kith.conversations.access import access_post, thread_for
from kith.conversations.models import Hashtag, PostEdit
from kith.conversations.selectors import edit_history
from kith.feeds.models import Notification


def test_edit_keeps_history_and_bumps_the_version(alice, bob, carol, mo, publish):
    post = publish(alice, "Frist draft #typo with @bob", content_warning="spoilers")
    actions.post_reply(author=bob, to=post, body="typo!")
    actions.post_reply(author=carol, to=post, body="indeed")
    edited = actions.post_edit(post=post, by=alice, body="First draft #fixed with @mo")
    assert edited.version == 2 and edited.is_edited and edited.content_warning == "spoilers"
    assert "#fixed" in edited.html and list(edited.hashtags.values_list("name", flat=True)) == [
        "fixed"
    ]
    assert set(edited.mentions.values_list("person__handle", flat=True)) == {"mo"}
    [old] = edit_history(edited)
    assert (old.version, old.body, old.content_warning) == (
        1,
        "Frist draft #typo with @bob",
        "spoilers",
    )
    assert "#typo" in old.html
    told = Notification.objects.filter(kind="edit").values_list("recipient__handle", flat=True)
    assert sorted(told) == ["bob", "carol"]
    assert Notification.objects.filter(kind="mention", recipient=mo).exists()

    actions.post_edit(post=post, by=alice, body="First draft #fixed with @mo!")
    assert post.version == 3 and len(edit_history(post)) == 2
    assert Notification.objects.filter(kind="edit").count() == 2  # unread ones are not repeated


def test_an_unchanged_edit_changes_nothing(alice, publish):
    post = publish(alice, "Same")
    actions.post_edit(post=post, by=alice, body="Same  ")
    assert post.version == 1 and not PostEdit.objects.exists()


def test_edit_of_a_reply_keeps_its_author_mentioned(alice, bob, publish):
    post = publish(alice)
    reply = actions.post_reply(author=bob, to=post, body="hi", visibility="mentioned")
    actions.post_edit(post=reply, by=bob, body="hello")
    assert list(reply.mentions.values_list("person", flat=True)) == [alice.pk]


@pytest.mark.parametrize(
    ("body", "by_author", "match"),
    [("", True, "empty"), ("x" * 5001, True, "At most"), ("ok", False, "Only the author")],
)
def test_bad_edits_change_nothing(alice, bob, publish, body, by_author, match):
    post = publish(alice, "Original #tag")
    with pytest.raises(ValidationError, match=match):
        actions.post_edit(post=post, by=alice if by_author else bob, body=body)
    post.refresh_from_db()
    assert post.body == "Original #tag" and post.version == 1 and not PostEdit.objects.exists()


def test_delete_leaves_a_tombstone_and_the_thread(alice, bob, carol, publish):
    post = publish(alice, "Root #tag")
    reply = actions.post_reply(author=bob, to=post, body="Reply")
    actions.post_reply(author=carol, to=reply, body="Reply to reply")
    actions.post_edit(post=reply, by=bob, body="Reply, edited")
    with pytest.raises(ValidationError, match="Only the author"):
        actions.post_delete(post=reply, by=alice)
    actions.post_delete(post=reply, by=bob)
    actions.post_delete(post=reply, by=bob)  # twice is harmless
    reply.refresh_from_db()
    assert reply.is_deleted and reply.body == reply.html == "" and reply.version == 3
    assert not PostEdit.objects.filter(post=reply).exists()
    post.refresh_from_db()
    assert post.replies_count == 0
    thread = thread_for(carol, access_post(carol, post.pk))
    assert [(row.post.body, row.depth) for row in thread.rows()] == [
        ("Root #tag", 0),
        ("", 1),
        ("Reply to reply", 2),
    ]
    with pytest.raises(ValidationError, match="deleted"):
        actions.post_edit(post=reply, by=bob, body="back")
    actions.post_delete(post=post, by=alice)
    assert not Hashtag.objects.get().posts.exists()


def test_delete_removes_notifications_about_the_post(alice, bob, publish):
    post = publish(alice, "Hi @bob")
    assert Notification.objects.filter(recipient=bob).exists()
    actions.post_delete(post=post, by=alice)
    assert not Notification.objects.filter(recipient=bob).exists()
