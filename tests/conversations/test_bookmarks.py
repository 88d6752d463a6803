"""Bookmarks: private, one per post, only of posts the person may see — in the actions, the
native API and the web."""

from __future__ import annotations

import pytest
from django.http import Http404

from kith.conversations import actions, selectors
from kith.conversations.models import Bookmark
from kith.feeds.models import Notification


def test_bookmark_once_privately(alice, bob):
    post = actions.post_publish(author=alice, body="Keep me")
    first = actions.bookmark_add(person=bob, post=post)
    assert actions.bookmark_add(person=bob, post=post).pk == first.pk
    assert Bookmark.objects.count() == 1
    assert not Notification.objects.filter(recipient=alice).exists()
    repost = actions.post_repost(person=bob, post=post)
    assert actions.bookmark_add(person=bob, post=repost).post_id == post.pk  # the original
    assert selectors.bookmarked_ids(bob, [post.pk]) == {post.pk}
    assert [p.pk for p in selectors.bookmarked_posts(bob).posts] == [post.pk]
    assert actions.bookmark_remove(person=bob, post=post) is True
    assert actions.bookmark_remove(person=bob, post=post) is False


def test_a_post_one_may_not_see_cannot_be_bookmarked_and_leaves_the_list(alice, bob, carol):
    hidden = actions.post_publish(author=alice, body="Connections", visibility="connections")
    with pytest.raises(Http404):
        actions.bookmark_add(person=carol, post=hidden)
    assert not Bookmark.objects.exists()
    actions.bookmark_add(person=bob, post=hidden)
    assert [p.pk for p in selectors.bookmarked_posts(bob).posts] == [hidden.pk]
    actions.post_set_visibility(post=hidden, by=alice, visibility="mentioned")
    assert selectors.bookmarked_posts(bob).posts == []  # narrowed: no longer shown


def test_native_api_bookmarks(api, alice, bob, carol, token_for):
    post = actions.post_publish(author=alice, body="API")
    hidden = actions.post_publish(author=alice, body="Hidden", visibility="connections")
    token = token_for(bob)
    put = api("PUT", f"/posts/{post.pk}/bookmark", token=token)
    assert put.status_code == 200 and put.json() == {"post_id": str(post.pk), "bookmarked": True}
    listed = api("GET", "/bookmarks", token=token)
    assert [p["id"] for p in listed.json()] == [str(post.pk)]
    assert api("PUT", f"/posts/{hidden.pk}/bookmark", token=token_for(carol)).status_code == 404
    assert api("GET", "/bookmarks").status_code == 401
    for i in range(3):
        actions.bookmark_add(person=bob, post=actions.post_publish(author=alice, body=f"n{i}"))
    page = api("GET", "/bookmarks?limit=2", token=token)
    assert len(page.json()) == 2 and 'rel="next"' in page["Link"]
    gone = api("DELETE", f"/posts/{post.pk}/bookmark", token=token)
    assert gone.json()["bookmarked"] is False
    assert not Bookmark.objects.filter(person=bob, post=post).exists()


def test_web_bookmark_button_and_page(client, alice, bob):
    post = actions.post_publish(author=alice, body="On the web")
    client.force_login(bob)
    page = client.get(post.get_absolute_url())
    assert b'data-testid="bookmark"' in page.content and b"Bookmarked" not in page.content
    answer = client.post(f"{post.get_absolute_url()}/bookmark")
    assert answer.status_code == 302
    assert Bookmark.objects.filter(person=bob, post=post).exists()
    assert b"Bookmarked \xe2\x9c\x93" in client.get(post.get_absolute_url()).content
    listing = client.get("/bookmarks/")
    assert listing.status_code == 200 and b"On the web" in listing.content
    client.post(f"{post.get_absolute_url()}/bookmark", {"undo": "1"})
    assert not Bookmark.objects.exists()
    client.logout()
    assert client.get("/bookmarks/").status_code == 302
