"""Polls on the Mastodon API: post a status with a poll, read it, vote; bad input writes
nothing; a poll on a post the viewer may not see is missing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kith.conversations import actions
from kith.conversations.models import Poll, PollVote, Post
from tests.mastodon.oauth_helpers import bearer, user_token


def _post(token, data):
    return Client().post("/api/v1/statuses", data, **bearer(token))


@pytest.fixture
def tokens(alice, bob, carol):
    return {p.handle: user_token(p, scope="read write") for p in (alice, bob, carol)}


def test_status_with_a_poll_then_vote(alice, bob, tokens):
    answer = _post(
        tokens["alice"],
        {
            "status": "Tea or coffee?",
            "poll[options][]": ["Tea", "Coffee"],
            "poll[expires_in]": "3600",
            "poll[multiple]": "false",
        },
    )
    assert answer.status_code == 200, answer.content
    poll = answer.json()["poll"]
    assert [o["title"] for o in poll["options"]] == ["Tea", "Coffee"]
    assert poll["expired"] is False and poll["voted"] is False and poll["votes_count"] == 0
    client = Client()
    got = client.get(f"/api/v1/polls/{poll['id']}", **bearer(tokens["bob"]))
    assert got.status_code == 200 and got.json()["voted"] is False
    voted = client.post(
        f"/api/v1/polls/{poll['id']}/votes", {"choices[]": ["1"]}, **bearer(tokens["bob"])
    )
    assert voted.status_code == 200, voted.content
    data = voted.json()
    assert data["voted"] is True and data["own_votes"] == [1]
    assert [o["votes_count"] for o in data["options"]] == [0, 1]
    status = client.get(f"/api/v1/statuses/{answer.json()['id']}", **bearer(tokens["bob"]))
    assert status.json()["poll"]["own_votes"] == [1]
    again = client.post(
        f"/api/v1/polls/{poll['id']}/votes", {"choices[]": ["0"]}, **bearer(tokens["bob"])
    )
    assert again.status_code == 422 and "already voted" in again.json()["error"]
    own = client.post(
        f"/api/v1/polls/{poll['id']}/votes", {"choices[]": ["0"]}, **bearer(tokens["alice"])
    )
    assert own.status_code == 422
    assert PollVote.objects.count() == 1
    anonymous = client.get(f"/api/v1/polls/{poll['id']}").json()
    assert "voted" not in anonymous


@pytest.mark.parametrize(
    "poll",
    [
        {"poll[options][]": ["Only one"], "poll[expires_in]": "3600"},
        {"poll[options][]": ["a", "b"], "poll[expires_in]": "10"},
        {"poll[options][]": ["a", "b"], "poll[expires_in]": "soon"},
        {"poll[options][]": ["a", "a"], "poll[expires_in]": "3600"},
    ],
)
def test_bad_polls_write_nothing(alice, tokens, poll):
    answer = _post(tokens["alice"], {"status": "Q?", **poll})
    assert answer.status_code == 422, answer.content
    assert answer.json()["error"].startswith("Validation failed")
    assert not Post.objects.exists() and not Poll.objects.exists()


def test_bad_votes(alice, bob, carol, tokens):
    post = actions.post_publish(
        author=alice, body="Hidden poll", visibility="connections",
        poll={"options": ["a", "b"], "expires_in": 3600},
    )  # fmt: skip
    poll = Poll.objects.get(post=post)
    client = Client()
    # carol may not see the post: its poll is missing
    assert client.get(f"/api/v1/polls/{poll.pk}", **bearer(tokens["carol"])).status_code == 404
    hidden = client.post(
        f"/api/v1/polls/{poll.pk}/votes", {"choices[]": ["0"]}, **bearer(tokens["carol"])
    )
    assert hidden.status_code == 404 and hidden.json() == {"error": "Record not found"}
    for choices in ({"choices[]": ["7"]}, {"choices[]": ["x"]}, {}, {"choices[]": ["0", "1"]}):
        bad = client.post(f"/api/v1/polls/{poll.pk}/votes", choices, **bearer(tokens["bob"]))
        assert bad.status_code == 422, (choices, bad.content)
    Poll.objects.filter(pk=poll.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    expired = client.post(
        f"/api/v1/polls/{poll.pk}/votes", {"choices[]": ["0"]}, **bearer(tokens["bob"])
    )
    assert expired.status_code == 422 and "ended" in expired.json()["error"]
    assert not PollVote.objects.exists()
    assert client.get("/api/v1/polls/123", **bearer(tokens["bob"])).status_code == 404
