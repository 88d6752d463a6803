"""Statuses on the Mastodon API: post, read, edit, delete, favourite, reblog, context, and the
Mastodon error shape with nothing written for bad input."""

from __future__ import annotations

import json as jsonlib

import pytest
from django.test import Client

from kith.conversations import actions
from kith.conversations.models import Media, Post, PostEdit, Reaction
from kith.mastodon.models import IdempotencyKey
from tests.mastodon.conftest import png
from tests.mastodon.oauth_helpers import bearer, user_token


@pytest.fixture
def m(client, token_for):
    """m(method, path, person, json=None, data=None, headers=None) on /api/v1|v2."""

    def call(method, path, person=None, *, json=None, data=None, token=None, **extra):
        headers = dict(extra.pop("headers", {}) or {})
        if person is not None or token is not None:
            headers["Authorization"] = f"Bearer {token or token_for(person)}"
        kwargs = {"headers": headers, **extra}
        if json is not None:
            kwargs["data"] = jsonlib.dumps(json)
            kwargs["content_type"] = "application/json"
        elif data is not None:
            kwargs["data"] = data
        return getattr(client, method.lower())(path, **kwargs)

    return call


def test_post_a_status_json_and_form(m, alice):
    answer = m("POST", "/api/v1/statuses", alice, json={"status": "Hello #kith", "language": "en"})
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["content"].startswith("<p>Hello")
    assert data["visibility"] == "public"
    assert data["account"]["id"] == str(alice.pk)
    assert [t["name"] for t in data["tags"]] == ["kith"]
    post = Post.objects.get(pk=int(data["id"]))
    assert post.body == "Hello #kith" and post.language == "en"
    form = m("POST", "/api/v1/statuses", alice, data={"status": "From a form"})
    assert form.status_code == 200, form.content
    assert Post.objects.filter(author=alice).count() == 2


@pytest.mark.parametrize(
    ("mastodon", "kith"),
    [
        ("public", "public"),
        ("unlisted", "public"),
        ("private", "followers"),
        ("direct", "mentioned"),
    ],
)
def test_visibility_is_mapped(m, alice, mastodon, kith):
    answer = m("POST", "/api/v1/statuses", alice, json={"status": "hi", "visibility": mastodon})
    assert answer.status_code == 200, answer.content
    assert Post.objects.get(pk=int(answer.json()["id"])).visibility == kith


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"status": "hi", "visibility": "everyone"}, "Visibility"),
        ({"status": ""}, "Validation failed"),
        ({"status": "x" * 6000}, "Validation failed"),
        ({"status": "hi", "media_ids": ["12345"]}, "Validation failed"),
        ({"status": "hi", "in_reply_to_id": "999999"}, "Record not found"),
        ({"status": "hi", "in_reply_to_id": "abc"}, "Record not found"),
        ({"status": "hi", "sensitive": "maybe"}, "Validation failed"),
    ],
)
def test_bad_statuses_are_refused_and_write_nothing(m, alice, body, needle):
    answer = m("POST", "/api/v1/statuses", alice, json=body)
    assert answer.status_code in (404, 422), answer.content
    assert needle in answer.json()["error"]
    assert not Post.objects.exists()


def test_someone_elses_media_cannot_be_attached(m, alice, carol):
    media = actions.media_upload(owner=carol, data=png())
    answer = m("POST", "/api/v1/statuses", alice, json={"status": "hi", "media_ids": [media.pk]})
    assert answer.status_code == 422
    assert not Post.objects.exists()
    assert Media.objects.get(pk=media.pk).post_id is None


def test_a_status_needs_a_token_with_write(m, alice):
    assert m("POST", "/api/v1/statuses", json={"status": "hi"}).status_code == 401
    token = user_token(alice, scope="read")
    answer = m("POST", "/api/v1/statuses", token=token, json={"status": "hi"})
    assert answer.status_code == 403
    assert answer.json() == {"error": "This action is outside the authorized scopes"}
    assert not Post.objects.exists()
    granular = user_token(alice, scope="write:statuses")
    assert m("POST", "/api/v1/statuses", token=granular, json={"status": "ok"}).status_code == 200


def test_post_with_media(m, alice):
    upload = m("POST", "/api/v2/media", alice, data={"file": _file(), "description": "A dot"})
    assert upload.status_code == 200, upload.content
    media = upload.json()
    assert media["type"] == "image" and media["description"] == "A dot" and media["url"]
    answer = m(
        "POST",
        "/api/v1/statuses",
        alice,
        data={"status": "Look", "media_ids[]": [media["id"]], "sensitive": "true"},
    )
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert [a["id"] for a in data["media_attachments"]] == [media["id"]]
    assert data["sensitive"] is True


def _file(name="dot.png", data=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data if data is not None else png(), content_type="image/png")


def test_idempotency_key_returns_the_same_status(m, alice, bob):
    headers = {"Idempotency-Key": "abc-123"}
    first = m("POST", "/api/v1/statuses", alice, json={"status": "Once"}, headers=headers)
    again = m("POST", "/api/v1/statuses", alice, json={"status": "Once"}, headers=headers)
    assert first.status_code == again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    assert Post.objects.filter(author=alice).count() == 1
    assert IdempotencyKey.objects.filter(person=alice, key="abc-123").count() == 1
    # the same key from someone else is theirs
    other = m("POST", "/api/v1/statuses", bob, json={"status": "Once"}, headers=headers)
    assert other.json()["id"] != first.json()["id"]
    # a refused status keeps no key
    bad = m(
        "POST", "/api/v1/statuses", alice, json={"status": ""}, headers={"Idempotency-Key": "k2"}
    )
    assert bad.status_code == 422
    assert not IdempotencyKey.objects.filter(key="k2").exists()


def test_idempotency_key_expires_after_an_hour(m, alice):
    from datetime import timedelta

    from django.utils import timezone

    headers = {"Idempotency-Key": "old"}
    first = m("POST", "/api/v1/statuses", alice, json={"status": "One"}, headers=headers)
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=2))
    second = m("POST", "/api/v1/statuses", alice, json={"status": "Two"}, headers=headers)
    assert second.json()["id"] != first.json()["id"]
    assert IdempotencyKey.objects.get(key="old").post_id == int(second.json()["id"])


def test_get_reply_and_context(m, alice, bob, carol):
    root = actions.post_publish(author=alice, body="Root")
    hidden = actions.post_reply(
        author=bob, to=root, body="Only connections", visibility="connections"
    )
    reply = m(
        "POST",
        "/api/v1/statuses",
        carol,
        json={"status": "A reply", "in_reply_to_id": str(root.pk)},
    )
    assert reply.status_code == 200, reply.content
    assert reply.json()["in_reply_to_id"] == str(root.pk)
    reply_id = reply.json()["id"]
    got = m("GET", f"/api/v1/statuses/{reply_id}")
    assert got.status_code == 200 and got.json()["id"] == reply_id
    context = m("GET", f"/api/v1/statuses/{root.pk}/context", carol).json()
    assert context["ancestors"] == []
    assert [s["id"] for s in context["descendants"]] == [reply_id]  # not bob's hidden reply
    seen_by_alice = m("GET", f"/api/v1/statuses/{root.pk}/context", alice).json()
    assert {s["id"] for s in seen_by_alice["descendants"]} == {reply_id, str(hidden.pk)}
    up = m("GET", f"/api/v1/statuses/{reply_id}/context", carol).json()
    assert [s["id"] for s in up["ancestors"]] == [str(root.pk)]
    # a status the viewer may not see is a 404, as a missing one
    assert m("GET", f"/api/v1/statuses/{hidden.pk}", carol).status_code == 404
    assert m("GET", f"/api/v1/statuses/{hidden.pk}/context", carol).json() == {
        "error": "Record not found"
    }
    assert m("GET", "/api/v1/statuses/999999").status_code == 404
    assert m("GET", "/api/v1/statuses/nope").status_code == 404


def test_get_many_leaves_out_what_the_viewer_may_not_see(m, alice, carol):
    public = actions.post_publish(author=alice, body="Public")
    private = actions.post_publish(author=alice, body="Private", visibility="connections")
    answer = m("GET", f"/api/v1/statuses?id[]={private.pk}&id[]={public.pk}&id[]=zz&id[]=1", carol)
    assert answer.status_code == 200
    assert [s["id"] for s in answer.json()] == [str(public.pk)]


def test_delete_returns_the_source_text(m, alice, carol):
    post = actions.post_publish(author=alice, body="Bye **now**")
    assert m("DELETE", f"/api/v1/statuses/{post.pk}", carol).status_code == 404
    assert Post.objects.get(pk=post.pk).deleted_at is None
    answer = m("DELETE", f"/api/v1/statuses/{post.pk}", alice)
    assert answer.status_code == 200
    assert answer.json()["text"] == "Bye **now**"
    assert Post.objects.get(pk=post.pk).deleted_at is not None
    assert m("GET", f"/api/v1/statuses/{post.pk}", alice).status_code == 404


def test_edit_history_and_source(m, alice, carol):
    post = actions.post_publish(author=alice, body="First", content_warning="cw")
    source = m("GET", f"/api/v1/statuses/{post.pk}/source", alice).json()
    assert source == {"id": str(post.pk), "text": "First", "spoiler_text": "cw"}
    assert m("GET", f"/api/v1/statuses/{post.pk}/source", carol).status_code == 404
    refused = m("PUT", f"/api/v1/statuses/{post.pk}", carol, json={"status": "Mine now"})
    assert refused.status_code == 404
    edited = m("PUT", f"/api/v1/statuses/{post.pk}", alice, json={"status": "Second"})
    assert edited.status_code == 200, edited.content
    assert "Second" in edited.json()["content"] and edited.json()["edited_at"]
    history = m("GET", f"/api/v1/statuses/{post.pk}/history", carol).json()
    assert ["First" in h["content"] for h in history] == [True, False]
    bad = m("PUT", f"/api/v1/statuses/{post.pk}", alice, json={"status": ""})
    assert bad.status_code == 422
    assert PostEdit.objects.filter(post=post).count() == 1


def test_favourite_and_reblog(m, alice, bob, carol):
    post = actions.post_publish(author=alice, body="Useful")
    fav = m("POST", f"/api/v1/statuses/{post.pk}/favourite", bob)
    assert fav.status_code == 200, fav.content
    assert fav.json()["favourited"] is True and fav.json()["favourites_count"] == 1
    assert Reaction.objects.filter(post=post, person=bob, kind="helpful").exists()
    by = m("GET", f"/api/v1/statuses/{post.pk}/favourited_by", carol).json()
    assert [a["id"] for a in by] == [str(bob.pk)]
    own = m("POST", f"/api/v1/statuses/{post.pk}/favourite", alice)
    assert own.status_code == 422
    unfav = m("POST", f"/api/v1/statuses/{post.pk}/unfavourite", bob)
    assert unfav.json()["favourited"] is False and unfav.json()["favourites_count"] == 0

    reblog = m("POST", f"/api/v1/statuses/{post.pk}/reblog", bob, json={"visibility": "private"})
    assert reblog.status_code == 200, reblog.content
    data = reblog.json()
    assert data["reblog"]["id"] == str(post.pk) and data["visibility"] == "private"
    assert data["reblogged"] is True
    public = m("POST", f"/api/v1/statuses/{post.pk}/reblog", carol)
    # bob's repost is for his followers: carol does not follow him and does not see it
    by = m("GET", f"/api/v1/statuses/{post.pk}/reblogged_by", carol).json()
    assert [a["id"] for a in by] == [str(carol.pk)]
    seen_by_bob = m("GET", f"/api/v1/statuses/{post.pk}/reblogged_by", bob).json()
    assert {a["id"] for a in seen_by_bob} == {str(bob.pk), str(carol.pk)}
    assert public.status_code == 200
    bad = m("POST", f"/api/v1/statuses/{post.pk}/reblog", carol, json={"visibility": "loud"})
    assert bad.status_code == 422
    undo = m("POST", f"/api/v1/statuses/{post.pk}/unreblog", bob)
    assert undo.status_code == 200 and undo.json()["reblogged"] is False
    assert not Post.objects.filter(author=bob, repost_of=post).exists()


@pytest.mark.parametrize(
    "action",
    [
        "favourite",
        "unfavourite",
        "reblog",
        "unreblog",
        "context",
        "history",
        "favourited_by",
        "reblogged_by",
    ],
)
def test_a_status_the_viewer_may_not_see_is_missing_everywhere(m, alice, carol, action):
    post = actions.post_publish(author=alice, body="Connections only", visibility="connections")
    method = "GET" if action in ("context", "history", "favourited_by", "reblogged_by") else "POST"
    answer = m(method, f"/api/v1/statuses/{post.pk}/{action}", carol)
    assert answer.status_code == 404
    assert answer.json() == {"error": "Record not found"}
    assert not Reaction.objects.exists()
    assert Post.objects.count() == 1


def test_anonymous_reads_public_statuses_only(alice):
    client = Client()
    public = actions.post_publish(author=alice, body="Hi")
    followers = actions.post_publish(author=alice, body="Hi", visibility="followers")
    assert client.get(f"/api/v1/statuses/{public.pk}").status_code == 200
    assert client.get(f"/api/v1/statuses/{followers.pk}").status_code == 404
    token = user_token(alice, scope="read")
    assert client.get(f"/api/v1/statuses/{followers.pk}", **bearer(token)).status_code == 200


def test_bookmarks(m, alice, bob, carol):
    from kith.conversations.models import Bookmark

    post = actions.post_publish(author=alice, body="Keep")
    hidden = actions.post_publish(author=alice, body="Hidden", visibility="connections")
    marked = m("POST", f"/api/v1/statuses/{post.pk}/bookmark", carol)
    assert marked.status_code == 200 and marked.json()["bookmarked"] is True
    assert m("GET", f"/api/v1/statuses/{post.pk}", carol).json()["bookmarked"] is True
    assert m("GET", f"/api/v1/statuses/{post.pk}", bob).json()["bookmarked"] is False
    refused = m("POST", f"/api/v1/statuses/{hidden.pk}/bookmark", carol)
    assert refused.status_code == 404
    assert Bookmark.objects.count() == 1
    listed = m("GET", "/api/v1/bookmarks", carol)
    assert [s["id"] for s in listed.json()] == [str(post.pk)]
    # bob bookmarks the hidden post; once narrowed past him it leaves his bookmarks
    m("POST", f"/api/v1/statuses/{hidden.pk}/bookmark", bob)
    assert [s["id"] for s in m("GET", "/api/v1/bookmarks", bob).json()] == [str(hidden.pk)]
    actions.post_set_visibility(post=hidden, by=alice, visibility="mentioned")
    assert m("GET", "/api/v1/bookmarks", bob).json() == []
    undone = m("POST", f"/api/v1/statuses/{post.pk}/unbookmark", carol)
    assert undone.json()["bookmarked"] is False
    assert m("GET", "/api/v1/bookmarks").status_code == 401
    token = user_token(carol, scope="read:statuses")
    assert m("GET", "/api/v1/bookmarks", token=token).status_code == 403
