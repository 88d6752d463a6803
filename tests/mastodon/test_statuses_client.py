"""End to end with the real client library, Mastodon.py, against Kith served live: post with
media and a poll, reply, context, favourite, reblog, bookmark, edit, history, delete, and the
home timeline."""

from __future__ import annotations

import io

import pytest

from kith.conversations.models import Post
from kith.feeds.actions import fan_out_post
from kith.relationships.actions.follows import follow_create
from mastodon import MastodonAPIError, MastodonNotFoundError
from tests.mastodon.conftest import png

pytestmark = pytest.mark.django_db(transaction=True)


def test_statuses_with_mastodon_py(mastodon_client, alice, carol):
    follow_create(follower=carol, target=alice)
    app = mastodon_client(alice)
    reader = mastodon_client(carol)

    media = app.media_post(io.BytesIO(png(64, 48)), mime_type="image/png", description="A box")
    assert media["type"] == "image" and media["description"] == "A box"
    status = app.status_post(
        "Hello from Mastodon.py #kith", media_ids=[media["id"]], idempotency_key="e2e-1"
    )
    again = app.status_post(
        "Hello from Mastodon.py #kith", media_ids=[media["id"]], idempotency_key="e2e-1"
    )
    assert again["id"] == status["id"]
    assert status["media_attachments"][0]["id"] == media["id"]
    assert Post.objects.filter(author=alice).count() == 1

    reply = reader.status_post("A reply", in_reply_to_id=status["id"])
    assert reply["in_reply_to_id"] == status["id"]
    context = app.status_context(status["id"])
    assert [s["id"] for s in context["descendants"]] == [reply["id"]]
    assert [s["id"] for s in reader.status_context(reply["id"])["ancestors"]] == [status["id"]]

    favourited = reader.status_favourite(status["id"])
    assert favourited["favourited"] is True and favourited["favourites_count"] == 1
    assert [a["id"] for a in app.status_favourited_by(status["id"])] == [carol.pk]
    reblog = reader.status_reblog(status["id"])
    assert reblog["reblog"]["id"] == status["id"]
    assert [a["id"] for a in app.status_reblogged_by(status["id"])] == [carol.pk]
    marked = reader.status_bookmark(status["id"])
    assert marked["bookmarked"] is True
    assert [s["id"] for s in reader.bookmarks()] == [status["id"]]

    edited = app.status_update(status["id"], "Hello, edited")
    assert "edited" in edited["content"] and edited["edited_at"] is not None
    history = app.status_history(status["id"])
    assert len(history) == 2 and "Mastodon.py" in history[0]["content"]
    assert app.status_source(status["id"])["text"] == "Hello, edited"

    for post in Post.objects.filter(author__in=[alice, carol]).order_by("id"):
        fan_out_post(post=post)
    home = reader.timeline_home()
    assert status["id"] in {(s["reblog"] or s)["id"] for s in home}

    deleted = app.status_delete(status["id"])
    assert deleted["text"] == "Hello, edited"
    with pytest.raises(MastodonNotFoundError):
        reader.status(status["id"])
    with pytest.raises(MastodonAPIError):
        app.status_post("x", visibility="everyone")
