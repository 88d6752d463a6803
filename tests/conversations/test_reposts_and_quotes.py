"""Reposts (public posts only, one each) and quotes (the quoted author's policy, revoking)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kith.conversations import actions
from kith.conversations.access import access_post, annotate_for_viewer, can_quote
from kith.conversations.models import Post
from kith.feeds.models import Notification


def test_repost_once_and_undo(alice, bob, publish):
    post = publish(alice, "Worth sharing")
    repost = actions.post_repost(person=bob, post=post)
    assert repost.repost_of_id == post.pk and repost.body == "" and repost.visibility == "public"
    assert actions.post_repost(person=bob, post=post).pk == repost.pk
    assert actions.post_repost(person=bob, post=repost).pk == repost.pk  # a repost of it too
    post.refresh_from_db()
    assert post.reposts_count == 1
    assert Notification.objects.filter(recipient=alice, kind="repost").count() == 1
    assert actions.post_unrepost(person=bob, post=post)
    assert not actions.post_unrepost(person=bob, post=post)
    post.refresh_from_db()
    assert post.reposts_count == 0 and not Post.objects.filter(repost_of=post).exists()


@pytest.mark.parametrize("visibility", ["followers", "connections", "mentioned"])
def test_only_public_posts_can_be_reposted(alice, bob, publish, visibility):
    post = publish(alice, "@bob just for you", visibility=visibility)
    with pytest.raises(ValidationError, match="Only public posts"):
        actions.post_repost(person=bob, post=post)
    assert Post.objects.count() == 1 and not Notification.objects.filter(kind="repost").exists()


def test_repost_of_an_invisible_or_deleted_post(alice, carol, blake, publish):
    with pytest.raises(Http404):
        actions.post_repost(person=blake, post=publish(alice))
    post = publish(alice)
    actions.post_delete(post=post, by=alice)
    with pytest.raises(ValidationError, match="deleted"):
        actions.post_repost(person=carol, post=post)
    assert not Post.objects.filter(repost_of__isnull=False).exists()


def test_a_repost_cannot_be_mentioned_only(alice, bob, publish):
    with pytest.raises(ValidationError) as error:
        actions.post_repost(person=bob, post=publish(alice), visibility="mentioned")
    assert "visibility" in error.value.message_dict


def test_deleting_the_original_removes_reposts(alice, bob, publish):
    post = publish(alice)
    repost = actions.post_repost(person=bob, post=post)
    actions.post_delete(post=post, by=alice)
    assert not Post.objects.filter(pk=repost.pk).exists()


def test_deleting_a_repost_undoes_it(alice, bob, publish):
    post = publish(alice)
    repost = actions.post_repost(person=bob, post=post)
    actions.post_delete(post=repost, by=bob)
    post.refresh_from_db()
    assert post.reposts_count == 0 and not Post.objects.filter(repost_of=post).exists()


def test_quote_and_revoke(alice, bob, carol, publish):
    post = publish(alice, "A bold claim")
    quote = actions.post_quote(author=carol, post=post, body="I disagree, and here is why")
    assert quote.quote_of_id == post.pk
    post.refresh_from_db()
    assert post.quotes_count == 1
    assert Notification.objects.get(recipient=alice).kind == "quote"
    [shown] = annotate_for_viewer(bob, [access_post(bob, quote.pk)])
    assert shown.quote_state == "shown" and shown.quote_of.body == "A bold claim"

    with pytest.raises(ValidationError, match="Only the author of the quoted post"):
        actions.quote_revoke(quote=quote, by=carol)
    actions.quote_revoke(quote=quote, by=alice)
    actions.quote_revoke(quote=quote, by=alice)  # twice is harmless
    quote.refresh_from_db()
    post.refresh_from_db()
    assert quote.quote_revoked and quote.version == 2 and post.quotes_count == 0
    [shown] = annotate_for_viewer(bob, [access_post(bob, quote.pk)])
    assert shown.quote_state == "removed_by_author"


def test_a_quote_of_a_deleted_post_shows_unavailable(alice, bob, carol, publish):
    post = publish(alice)
    quote = actions.post_quote(author=carol, post=post, body="look")
    actions.post_delete(post=post, by=alice)
    [shown] = annotate_for_viewer(bob, [access_post(bob, quote.pk)])
    assert shown.quote_state == "unavailable"


@pytest.mark.parametrize(
    ("policy", "allowed"),
    [("anyone", {"bob", "carol"}), ("connections", {"bob"}), ("nobody", set())],
)
def test_quote_policy(alice, bob, carol, publish, policy, allowed):
    post = publish(alice, quote_policy=policy)
    for person in (bob, carol):
        if person.handle in allowed:
            actions.post_quote(author=person, post=post, body="quoting")
        else:
            assert can_quote(person, post).code == "quotes"
            with pytest.raises(ValidationError):
                actions.post_quote(author=person, post=post, body="quoting")
    assert Post.objects.filter(quote_of=post).count() == len(allowed)
    assert can_quote(alice, post)  # the author may always quote themselves
    assert can_quote(None, post).code == "login"


def test_quote_of_a_non_public_or_invisible_post(alice, bob, carol, publish):
    post = publish(alice, visibility="connections")
    with pytest.raises(ValidationError, match="Only public posts"):
        actions.post_quote(author=bob, post=post, body="quoting")
    with pytest.raises(Http404):
        actions.post_quote(author=carol, post=post, body="quoting")
    assert Post.objects.count() == 1


def test_bad_quote_body_writes_nothing(alice, bob, publish):
    post = publish(alice)
    with pytest.raises(ValidationError):
        actions.post_quote(author=bob, post=post, body="")
    post.refresh_from_db()
    assert post.quotes_count == 0 and Post.objects.count() == 1
