"""Polls on the web: the composer's poll fields, the voting form on the post (post page,
person's posts, home feed), results with percentages, bad input, and who sees a poll and
its counts (visibility × viewer, 0 leaks)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kith.conversations import actions
from kith.conversations.models import Poll, PollVote, Post
from tests.conversations import visibility_cases
from tests.conversations.conftest import blake, fiona, mo  # noqa: F401
from tests.conversations.visibility_cases import CASES, SEES, client_for

viewers = visibility_cases.viewers  # the fixture

POLL = {"options": ["Red", "Blue", "Green"], "expires_in": 3600}
OPTIONS = ["Stoneware", "Porcelain"]


def page(client, path, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_composer_offers_a_poll(client, alice):
    client.force_login(alice)
    html = page(client, "/posts/new")
    assert "<summary>Add a poll</summary>" in html
    for name in ["poll_option_1", "poll_option_4", "poll_duration", "poll_multiple"]:
        assert f'name="{name}"' in html
    assert 'name="poll_hide_totals"' in html and 'maxlength="50"' in html
    assert '<option value="300">5 minutes</option>' in html


def test_compose_a_post_with_a_poll(client, alice):
    client.force_login(alice)
    response = client.post(
        "/posts/new",
        {
            "body": "Which clay?",
            "kind": "post",
            "visibility": "public",
            "reply_policy": "everyone",
            "quote_policy": "anyone",
            "poll_option_1": "Stoneware",
            "poll_option_2": "",
            "poll_option_3": "Porcelain",
            "poll_duration": "300",
            "poll_multiple": "on",
            "poll_hide_totals": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    poll = Poll.objects.get()
    assert poll.options == OPTIONS and poll.multiple and poll.hide_totals
    assert timedelta(minutes=4) < poll.expires_at - poll.created_at <= timedelta(minutes=5)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"poll_option_1": "Alone"}, "2 to 4 options"),
        ({"poll_option_1": "Same", "poll_option_2": "same"}, "the same"),
        ({"poll_option_1": "a", "poll_option_2": "b", "poll_duration": "60"}, "Select a valid"),
    ],
)
def test_compose_refuses_a_bad_poll_and_writes_nothing(client, alice, fields, message):
    client.force_login(alice)
    data = {"body": "Which?", "kind": "post", "visibility": "public"}
    data |= {"reply_policy": "everyone", "quote_policy": "anyone", **fields}
    response = client.post("/posts/new", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Post.objects.exists() and not Poll.objects.exists()


def test_compose_without_a_poll_has_none(client, alice):
    client.force_login(alice)
    data = {"body": "Plain", "kind": "post", "visibility": "public"}
    client.post("/posts/new", data | {"reply_policy": "everyone", "quote_policy": "anyone"})
    assert Post.objects.exists() and not Poll.objects.exists()


def test_vote_on_the_post_page_then_see_the_results(client, alice, bob, carol):
    post = actions.post_publish(author=alice, body="Which clay?", poll=POLL)
    actions.poll_vote(person=carol, post=post, choices=[0])
    client.force_login(bob)
    html = page(client, post.get_absolute_url())
    assert 'data-testid="poll"' in html and "<legend>Choose one</legend>" in html
    assert 'type="radio" name="choice" value="2"' in html
    assert 'data-testid="poll-percent"' not in html  # the form, not the results
    response = client.post(f"{post.get_absolute_url()}/poll", {"choice": ["2"]})
    assert response.status_code == 302
    assert list(PollVote.objects.filter(voter=bob).values_list("choice", flat=True)) == [2]
    html = page(client, post.get_absolute_url())
    assert "Your vote is in." in html
    assert 'name="choice"' not in html
    assert '<span class="poll-percent" data-testid="poll-percent">50%</span>' in html
    assert 'aria-label="Green: 50%, 1 vote"' in html and "your choice" in html
    assert "2 people voted" in html


def test_vote_with_htmx_swaps_the_poll(client, alice, bob):
    post = actions.post_publish(author=alice, body="Which clay?", poll={**POLL, "multiple": True})
    client.force_login(bob)
    assert 'type="checkbox" name="choice"' in page(client, post.get_absolute_url())
    response = client.post(
        f"{post.get_absolute_url()}/poll", {"choice": ["0", "2"]}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith('<section class="poll"')
    assert html.count('data-testid="poll-percent">100%<') == 2  # of the voters
    again = client.post(
        f"{post.get_absolute_url()}/poll", {"choice": ["1"]}, HTTP_HX_REQUEST="true"
    )
    assert 'role="alert">You already voted in this poll.<' in again.content.decode()
    assert PollVote.objects.filter(voter=bob).count() == 2


@pytest.mark.parametrize(
    "choices, message",
    [
        ([], "Choose at least one option."),
        (["9"], "Choose one of the poll"),
        (["0", "1"], "one choice"),
    ],
)
def test_bad_votes_are_refused_and_nothing_is_written(client, alice, bob, choices, message):
    post = actions.post_publish(author=alice, body="Which clay?", poll=POLL)
    client.force_login(bob)
    response = client.post(f"{post.get_absolute_url()}/poll", {"choice": choices}, follow=True)
    assert message in response.content.decode()
    assert not PollVote.objects.exists()


def test_the_author_sees_the_counts_and_no_form(client, alice, bob):
    post = actions.post_publish(author=alice, body="Which?", poll={**POLL, "hide_totals": True})
    actions.poll_vote(person=bob, post=post, choices=[1])
    client.force_login(alice)
    html = page(client, post.get_absolute_url())
    assert 'name="choice"' not in html and ">100%<" in html
    refused = client.post(f"{post.get_absolute_url()}/poll", {"choice": ["0"]}, follow=True)
    assert "You cannot vote in your own poll." in refused.content.decode()


def test_hidden_counts_and_an_ended_poll(client, alice, bob, carol):
    post = actions.post_publish(author=alice, body="Which?", poll={**POLL, "hide_totals": True})
    actions.poll_vote(person=bob, post=post, choices=[1])
    client.force_login(bob)
    html = page(client, post.get_absolute_url())
    assert 'data-testid="poll-hidden"' in html and 'data-testid="poll-percent"' not in html
    assert "your choice" in html
    Poll.objects.filter(post=post).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(carol)
    html = page(client, post.get_absolute_url())
    assert 'name="choice"' not in html and ">100%<" in html and "ended <time" in html
    refused = client.post(f"{post.get_absolute_url()}/poll", {"choice": ["0"]}, follow=True)
    assert "This poll has ended." in refused.content.decode()


def test_the_poll_shows_in_the_home_feed_and_on_the_profile(
    client, alice, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = actions.post_publish(author=alice, body="Feed poll", poll=POLL)
    client.force_login(bob)
    for path in ["/", f"/@{alice.handle}"]:
        html = page(client, path)
        assert f'id="poll-{post.pk}"' in html and 'name="choice" value="0"' in html, path


@pytest.mark.parametrize("visibility, relationship", CASES)
def test_who_sees_a_poll_and_votes(client, alice, viewers, visibility, relationship):
    """A poll is seen and voted on only by those who may see its post: 0 leaks."""
    viewer = viewers[relationship]
    post = actions.post_publish(
        author=alice, body="Vote @mo", visibility=visibility, poll={**POLL, "hide_totals": True}
    )
    client = client_for(client, viewer)
    sees = relationship in SEES[visibility]
    response = client.get(post.get_absolute_url())
    assert response.status_code == (200 if sees else 404)
    assert ("Green" in response.content.decode()) is sees
    if viewer is None or relationship == "author":
        return
    voted = client.post(f"{post.get_absolute_url()}/poll", {"choice": ["0"]})
    assert voted.status_code == (302 if sees else 404)
    assert PollVote.objects.filter(voter=viewer).exists() is sees


def test_a_page_with_polls_costs_one_query_more(client, alice, bob):
    for i in range(3):
        actions.post_publish(author=alice, body=f"Plain {i}")
    client.force_login(bob)
    path = f"/@{alice.handle}/posts"
    page(client, path)
    with CaptureQueriesContext(connection) as plain:
        page(client, path)
    for i in range(3):
        actions.post_publish(author=alice, body=f"Poll {i}", poll=POLL)
    page(client, path)
    with CaptureQueriesContext(connection) as polls:
        html = page(client, path)
    assert html.count('data-testid="poll"') == 3
    assert len(polls) == len(plain) + 1, [q["sql"][:80] for q in polls.captured_queries]


def test_the_end_in_notifications_and_settings(client, alice, bob):
    post = actions.post_publish(author=alice, body="Which clay?", poll=POLL)
    actions.poll_vote(person=bob, post=post, choices=[0])
    Poll.objects.filter(post=post).update(expires_at=timezone.now() - timedelta(seconds=1))
    actions.polls_end_due()
    client.force_login(bob)
    html = page(client, "/notifications/")
    assert 'data-kind="poll_ended"' in html and "A poll you voted in has ended: Which clay?" in html
    html = page(client, "/settings/notifications/")
    assert "A poll you voted in or wrote ended" in html and 'name="kind_poll_ended"' in html


def test_edit_the_poll_on_the_edit_page(client, alice, bob):
    post = actions.post_publish(author=alice, body="Which clay?", poll=POLL)
    actions.poll_vote(person=bob, post=post, choices=[2])
    client.force_login(alice)
    edit = f"{post.get_absolute_url()}/edit"
    html = page(client, edit)
    assert 'name="poll_action"' in html and 'value="Green"' in html
    base = {"body": "Which clay?", "content_warning": "", "language": ""}
    response = client.post(edit, base | {"poll_action": "keep", "poll_option_1": "X"})
    assert response.status_code == 302 and Poll.objects.get().votes_count == 1
    response = client.post(edit, base | {"poll_action": "set"})
    assert response.status_code == 400 and "Write the poll" in response.content.decode()
    fields = {"poll_option_1": "Clay", "poll_option_2": "Glass", "poll_duration": "300"}
    response = client.post(edit, base | {"poll_action": "set", **fields})
    assert response.status_code == 302
    poll = Poll.objects.get()
    assert poll.options == ["Clay", "Glass"] and poll.votes_count == 0
    assert not PollVote.objects.exists()
    response = client.post(edit, base | {"poll_action": "remove"})
    assert response.status_code == 302 and not Poll.objects.exists()
