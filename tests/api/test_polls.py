"""Polls in the native API: publishing one, reading it on the post and on its own, voting,
bad input, and that a poll's counts never show where they are hidden (any endpoint).

alice writes; bob is her connection, carol a stranger.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kith.api.post_schemas import PollOut, PostOut, ThreadOut
from kith.conversations import actions
from kith.conversations.models import Poll, PollVote, Post
from tests.api import test_posts
from tests.api.test_posts import error, ok

tokens = test_posts.tokens  # the fixture

POLL = {"options": ["Red", "Blue", "Green"], "expires_in": 3600}


def option_counts(poll: dict) -> list:
    return [option["votes_count"] for option in poll["options"]]


def test_publish_with_a_poll_and_read_it(api, alice, bob, tokens):
    post = ok(
        api("post", "/posts", token=tokens(alice), json={"body": "Which?", "poll": POLL}), 201
    )
    PostOut.model_validate(post)
    poll = post["poll"]
    assert [o["title"] for o in poll["options"]] == POLL["options"]
    assert [o["id"] for o in poll["options"]] == [0, 1, 2]
    assert option_counts(poll) == [0, 0, 0]
    assert poll["multiple"] is False and poll["hide_totals"] is False
    assert poll["expired"] is False and poll["voted"] is False and poll["can_vote"] is False
    alone = ok(api("get", f"/posts/{post['id']}/poll", token=tokens(bob)))
    PollOut.model_validate(alone)
    assert alone["id"] == poll["id"] and alone["can_vote"] is True
    assert ok(api("get", f"/posts/{post['id']}"))["poll"]["voted"] is None  # a visitor


def test_vote_and_see_the_counts(api, alice, bob, carol, tokens):
    post = actions.post_publish(author=alice, body="Which?", poll={**POLL, "multiple": True})
    voted = ok(
        api("post", f"/posts/{post.pk}/poll/votes", token=tokens(bob), json={"choices": [0, 2]})
    )
    PollOut.model_validate(voted)
    assert option_counts(voted) == [1, 0, 1]
    assert voted["votes_count"] == 2 and voted["voters_count"] == 1
    assert voted["voted"] is True and voted["own_votes"] == [0, 2] and not voted["can_vote"]
    again = api("post", f"/posts/{post.pk}/poll/votes", token=tokens(bob), json={"choices": [1]})
    assert "already voted" in str(error(again, 422, "invalid")["detail"])
    seen = ok(api("get", f"/posts/{post.pk}", token=tokens(carol)))["poll"]
    assert seen["voted"] is False and option_counts(seen) == [1, 0, 1]
    assert ok(api("get", f"/posts/{post.pk}", token=tokens(bob)))["poll"]["own_votes"] == [0, 2]


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"choices": [7]}, 422, "invalid"),
        ({"choices": []}, 422, "invalid"),
        ({"choices": [0, 1]}, 422, "invalid"),
        ({"choices": [0, 0]}, 422, "invalid"),
        ({"choices": "0"}, 422, "invalid_request"),
        ({"choices": ["red"]}, 422, "invalid_request"),
        ({}, 422, "invalid_request"),
        ({"choices": [0], "extra": 1}, 422, "invalid_request"),
    ],
)
def test_bad_votes_are_refused_and_nothing_is_written(api, alice, bob, tokens, body, status, code):
    post = actions.post_publish(author=alice, body="Which?", poll=POLL)
    error(api("post", f"/posts/{post.pk}/poll/votes", token=tokens(bob), json=body), status, code)
    assert not PollVote.objects.exists()
    assert Poll.objects.get(post=post).votes_count == 0


def test_votes_refused_by_state_and_by_access(api, alice, bob, carol, tokens):
    post = actions.post_publish(author=alice, body="Friends", visibility="connections", poll=POLL)
    path = f"/posts/{post.pk}/poll/votes"
    error(api("post", path, json={"choices": [0]}), 401, "unauthorized")
    error(api("post", path, token=tokens(carol), json={"choices": [0]}), 404, "not_found")
    error(api("get", f"/posts/{post.pk}/poll", token=tokens(carol)), 404, "not_found")
    error(api("post", path, token=tokens(alice), json={"choices": [0]}), 422, "invalid")
    plain = actions.post_publish(author=alice, body="No poll")
    error(api("get", f"/posts/{plain.pk}/poll"), 404, "not_found")
    error(
        api("post", f"/posts/{plain.pk}/poll/votes", token=tokens(bob), json={"choices": [0]}),
        404,
        "not_found",
    )
    error(
        api("post", "/posts/123/poll/votes", token=tokens(bob), json={"choices": [0]}),
        404,
        "not_found",
    )
    Poll.objects.filter(post=post).update(expires_at=timezone.now() - timedelta(seconds=1))
    ended = error(api("post", path, token=tokens(bob), json={"choices": [0]}), 422, "invalid")
    assert "ended" in str(ended["detail"])
    assert not PollVote.objects.exists()


@pytest.mark.parametrize(
    "poll",
    [
        {"options": ["one"], "expires_in": 3600},
        {"options": ["a", "b"], "expires_in": 60},
        {"options": ["a", "b" * 51]},
        {"options": ["a", "b"], "multiple": "maybe"},
        {"options": ["a", "b"], "unknown": 1},
        {"expires_in": 3600},
    ],
)
def test_bad_polls_are_refused_and_nothing_is_written(api, alice, tokens, poll):
    response = api("post", "/posts", token=tokens(alice), json={"body": "Which?", "poll": poll})
    assert response.status_code == 422, response.content
    assert not Post.objects.exists() and not Poll.objects.exists()


def test_edit_a_poll_resets_votes_when_the_options_change(api, alice, bob, tokens):
    post = actions.post_publish(author=alice, body="Which?", poll=POLL)
    actions.poll_vote(person=bob, post=post, choices=[1])
    path = f"/posts/{post.pk}"
    same = ok(api("patch", path, token=tokens(alice), json={"body": "Which?", "poll": POLL}))
    assert same["poll"]["votes_count"] == 1
    new = {"options": ["Red", "Blue"], "expires_in": 600}
    changed = ok(api("patch", path, token=tokens(alice), json={"body": "Which?", "poll": new}))
    assert changed["poll"]["votes_count"] == 0 and option_counts(changed["poll"]) == [0, 0]
    removed = ok(
        api("patch", path, token=tokens(alice), json={"body": "Which?", "remove_poll": True})
    )
    assert removed["poll"] is None


def test_hidden_counts_never_show_before_the_end(api, alice, bob, carol, tokens, token_for):
    """Every surface that shows the poll: the post, the poll, the thread, the feed and a
    person's posts; only the author sees the counts before the end."""
    post = actions.post_publish(
        author=alice, body="Secret ballot", poll={**POLL, "hide_totals": True}
    )
    actions.poll_vote(person=bob, post=post, choices=[2])
    reply = actions.post_reply(author=carol, to=post, body="Voted?")

    def polls_seen(token):
        found = [
            ok(api("get", f"/posts/{post.pk}", token=token))["poll"],
            ok(api("get", f"/posts/{post.pk}/poll", token=token)),
            ok(api("get", f"/posts/{reply.pk}/context", token=token))["rows"][0]["post"]["poll"],
            ok(api("get", f"/people/{alice.handle}/posts", token=token))[0]["poll"],
        ]
        if token is not None:
            found += [
                item["post"]["poll"]
                for item in ok(api("get", "/feed", token=token))
                if item["post"]["id"] == str(post.pk)
            ]
        return found

    for token in (None, tokens(bob), tokens(carol)):
        for poll in polls_seen(token):
            assert option_counts(poll) == [None, None, None] and poll["counts_shown"] is False
    for poll in polls_seen(tokens(alice)):
        assert option_counts(poll) == [0, 0, 1] and poll["counts_shown"] is True
    Poll.objects.filter(post=post).update(expires_at=timezone.now() - timedelta(seconds=1))
    for poll in polls_seen(tokens(carol)):
        assert option_counts(poll) == [0, 0, 1] and poll["expired"] is True


def test_thread_and_schema(api, alice, bob, tokens):
    post = actions.post_publish(author=alice, body="Which?", poll=POLL)
    ThreadOut.model_validate(ok(api("get", f"/posts/{post.pk}/context", token=tokens(bob))))


def test_the_openapi_document_describes_polls(client):
    document = client.get("/api/kith/openapi.json").json()
    assert "/api/kith/v1/posts/{post_id}/poll" in document["paths"]
    assert "post" in document["paths"]["/api/kith/v1/posts/{post_id}/poll/votes"]
    assert "PollOut" in document["components"]["schemas"]


def test_a_person_page_with_polls_in_a_fixed_number_of_queries(api, alice, bob, tokens):
    """A page that shows polls costs one query more than one without (the viewer's votes),
    whatever the number of polls."""
    token = tokens(bob)
    for i in range(3):
        actions.post_publish(author=alice, body=f"Plain {i}")
    path = f"/people/{alice.handle}/posts"
    api("get", path, token=token)
    with CaptureQueriesContext(connection) as plain:
        api("get", path, token=token)
    post = actions.post_publish(author=alice, body="Poll 0", poll=POLL)
    actions.poll_vote(person=bob, post=post, choices=[0])
    api("get", path, token=token)
    with CaptureQueriesContext(connection) as one:
        api("get", path, token=token)
    for i in range(1, 4):
        actions.post_publish(author=alice, body=f"Poll {i}", poll=POLL)
    with CaptureQueriesContext(connection) as many:
        items = ok(api("get", path, token=token))
    assert len(one) == len(plain) + 1, [q["sql"][:80] for q in one.captured_queries]
    assert len(many) == len(one)
    assert sum(1 for item in items if item["poll"]) == 4
    assert [item["poll"]["own_votes"] for item in items if item["poll"]][-1] == [0]
