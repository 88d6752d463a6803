"""Polls through the actions: limits, voting rules, counters, edits, deletion, the end job,
and who sees a poll (a poll is seen and voted on only by people who may see its post).

alice writes; bob is her connection, carol a stranger, fiona follows her, mo is mentioned,
blake is blocked by her and bart blocked her.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.http import Http404
from django.utils import timezone

from kith.conversations import actions, selectors
from kith.conversations.access import access_poll, access_post, annotate_for_viewer
from kith.conversations.models import Poll, PollVote, Post
from kith.conversations.polls import MAX_EXPIRES_IN, MIN_EXPIRES_IN, PollSpec
from kith.conversations.tasks import end_polls
from kith.core.schedule import load_jobs
from kith.feeds.models import Notification, NotificationKind
from kith.notify.preferences import notification_settings_update
from tests.conftest import make_person
from tests.conversations.test_visibility_truth_table import BODY, RELATIONSHIPS, SEES

POLL = {"options": ["Red", "Blue", "Green"], "expires_in": 3600}


def with_poll(publish, author, body="Which glaze?", **poll):
    return publish(author, body, poll={**POLL, **poll})


def counts(post) -> tuple[list[int], int, int]:
    poll = Poll.objects.get(post=post)
    return poll.option_votes, poll.votes_count, poll.voters_count


def consistent(post) -> None:
    """The counters equal what the vote rows say."""
    poll = Poll.objects.get(post=post)
    votes = list(PollVote.objects.filter(poll=poll).values_list("voter_id", "choice"))
    assert poll.option_votes == [
        sum(1 for _, c in votes if c == i) for i in range(len(poll.options))
    ]
    assert poll.votes_count == len(votes)
    assert poll.voters_count == len({v for v, _ in votes})


def expire(post, *, ago: timedelta = timedelta(seconds=1)) -> None:
    Poll.objects.filter(post=post).update(expires_at=timezone.now() - ago)


# --- Creating -----------------------------------------------------------------------------------


def test_a_post_with_a_poll(alice, publish):
    post = with_poll(publish, alice, multiple=True, hide_totals=True)
    poll = Poll.objects.get(post=post)
    assert poll.options == ["Red", "Blue", "Green"]
    assert poll.option_votes == [0, 0, 0]
    assert poll.multiple and poll.hide_totals
    assert timedelta(minutes=59) < poll.expires_at - post.created_at <= timedelta(hours=1)
    assert poll.ended_at is None


def test_a_spec_and_the_limits(alice, publish):
    post = publish(alice, "Two", poll=PollSpec(options=("a", "b"), expires_in=MIN_EXPIRES_IN))
    assert Poll.objects.get(post=post).options == ["a", "b"]
    post = publish(alice, "Four", poll={"options": list("abcd"), "expires_in": MAX_EXPIRES_IN})
    assert len(Poll.objects.get(post=post).options) == 4
    post = publish(alice, "Long", poll={"options": ["x" * 50, "  y   z  "], "expires_in": 300})
    assert Poll.objects.get(post=post).options == ["x" * 50, "y z"]


@pytest.mark.parametrize(
    "poll, message",
    [
        ({"options": ["only one"], "expires_in": 3600}, "2 to 4 options"),
        ({"options": list("abcde"), "expires_in": 3600}, "2 to 4 options"),
        ({"options": ["a", ""], "expires_in": 3600}, "empty"),
        ({"options": ["a", "x" * 51], "expires_in": 3600}, "at most 50 characters"),
        ({"options": ["Same", "same"], "expires_in": 3600}, "the same"),
        ({"options": ["a", "b"], "expires_in": 299}, "5 minutes"),
        ({"options": ["a", "b"], "expires_in": MAX_EXPIRES_IN + 1}, "5 minutes"),
        ({"options": ["a", "b"], "expires_in": "soon"}, "seconds"),
        ({"options": "a,b", "expires_in": 3600}, "list of texts"),
        ({"options": ["a", "b"], "expires_in": 3600, "multiple": "yes"}, "true or false"),
        ("a poll", "options and a duration"),
    ],
)
def test_bad_polls_are_refused_and_nothing_is_written(alice, publish, poll, message):
    with pytest.raises(ValidationError) as refused:
        publish(alice, "A poll", poll=poll)
    assert message in " ".join(refused.value.message_dict["poll"])
    assert not Post.objects.exists() and not Poll.objects.exists()


def test_a_reply_may_have_a_poll(alice, bob, publish):
    post = publish(alice, "Plans")
    reply = actions.post_reply(author=bob, to=post, body="Let's vote", poll=POLL)
    assert Poll.objects.get(post=reply).options == POLL["options"]


# --- Voting -------------------------------------------------------------------------------------


def test_vote_once_and_the_counts_follow(alice, bob, carol, publish):
    post = with_poll(publish, alice)
    version = Post.objects.get(pk=post.pk).version
    actions.poll_vote(person=bob, post=post, choices=[1])
    actions.poll_vote(person=carol, post=post, choices=["1"])
    assert counts(post) == ([0, 2, 0], 2, 2)
    consistent(post)
    assert Post.objects.get(pk=post.pk).version == version + 2  # cached fragments show counts
    with pytest.raises(ValidationError, match="already voted"):
        actions.poll_vote(person=bob, post=post, choices=[0])
    assert counts(post) == ([0, 2, 0], 2, 2)


def test_multiple_choice(alice, bob, carol, publish):
    post = with_poll(publish, alice, multiple=True)
    actions.poll_vote(person=bob, post=post, choices=[2, 0])
    actions.poll_vote(person=carol, post=post, choices=[0])
    assert counts(post) == ([2, 0, 1], 3, 2)
    consistent(post)


@pytest.mark.parametrize(
    "choices, message",
    [
        ([], "at least one"),
        ([3], "No option 3"),
        ([-1], "No option -1"),
        ([0, 1], "one choice"),
        (["red"], "by their numbers"),
        ([True], "by their numbers"),
        ("0", "by their numbers"),
        ([1.5], "by their numbers"),
    ],
)
def test_bad_choices_are_refused_and_nothing_is_written(alice, bob, publish, choices, message):
    post = with_poll(publish, alice)
    with pytest.raises(ValidationError, match=message):
        actions.poll_vote(person=bob, post=post, choices=choices)
    assert not PollVote.objects.exists()
    assert counts(post) == ([0, 0, 0], 0, 0)


def test_a_repeated_option_in_a_multiple_choice_poll(alice, bob, publish):
    post = with_poll(publish, alice, multiple=True)
    with pytest.raises(ValidationError, match="chosen twice"):
        actions.poll_vote(person=bob, post=post, choices=[1, 1])
    assert not PollVote.objects.exists()


def test_no_vote_after_the_end_nor_in_ones_own_poll(alice, bob, publish):
    post = with_poll(publish, alice)
    with pytest.raises(ValidationError, match="own poll"):
        actions.poll_vote(person=alice, post=post, choices=[0])
    expire(post)
    with pytest.raises(ValidationError, match="ended"):
        actions.poll_vote(person=bob, post=post, choices=[0])
    assert not PollVote.objects.exists()


def test_a_post_without_a_poll_or_deleted(alice, bob, publish):
    plain = publish(alice, "No poll")
    with pytest.raises(Http404):
        actions.poll_vote(person=bob, post=plain, choices=[0])
    post = with_poll(publish, alice)
    actions.post_delete(post=post, by=alice)
    with pytest.raises(ValidationError, match="deleted"):
        actions.poll_vote(person=bob, post=post, choices=[0])


def test_a_vote_through_a_repost_counts_on_the_original(alice, bob, carol, publish):
    post = with_poll(publish, alice)
    repost = actions.post_repost(person=bob, post=post)
    actions.poll_vote(person=carol, post=repost, choices=[2])
    assert counts(post) == ([0, 0, 1], 1, 1)


def test_the_database_refuses_a_second_row_for_one_option(alice, bob, publish):
    """The last guard against double voting, whatever the code above it does."""
    post = with_poll(publish, alice, multiple=True)
    actions.poll_vote(person=bob, post=post, choices=[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        PollVote.objects.create(poll=Poll.objects.get(post=post), voter=bob, choice=0)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite runs one writer at a time anyway"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_keep_the_counts_and_one_vote_each():
    """Voters voting at the same time (and one voter twice at once) on PostgreSQL: every
    vote counts once, the counters match the rows, nobody votes twice."""
    author = make_person("author")
    post = actions.post_publish(author=author, body="Race", poll={**POLL, "multiple": True})
    voters = [make_person(f"racer{i}") for i in range(6)]
    jobs = [(v, [i % 3]) for i, v in enumerate(voters)] + [(voters[0], [1]), (voters[1], [2])]
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []

    def vote(person, choices):
        try:
            barrier.wait()
            actions.poll_vote(person=person, post=post, choices=choices)
            outcomes.append("ok")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=vote, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 6, outcomes
    assert outcomes.count("You already voted in this poll.") == 2
    consistent(post)
    assert counts(post)[1:] == (6, 6)


# --- Who sees and votes: the truth table -------------------------------------------------------


@pytest.fixture
def viewers(alice, bob, carol, fiona, mo, blake, bart):
    return {
        "anonymous": None,
        "stranger": carol,
        "follower": fiona,
        "connection": bob,
        "mentioned": mo,
        "blocked": blake,
        "blocker": bart,
        "author": alice,
    }


@pytest.mark.parametrize("relationship", RELATIONSHIPS)
@pytest.mark.parametrize("visibility", list(SEES))
def test_truth_table(alice, viewers, publish, visibility, relationship):
    """A poll is read and voted on exactly by those who may see its post."""
    viewer = viewers[relationship]
    post = publish(alice, BODY, visibility=visibility, poll=POLL)
    poll = Poll.objects.get(post=post)
    expected = relationship in SEES[visibility]
    if expected:
        assert access_poll(viewer, poll.pk).pk == poll.pk
        shown = selectors.poll_of_post(viewer, access_post(viewer, post.pk))
        assert [o.title for o in shown.options] == POLL["options"]
    else:
        with pytest.raises(Http404):
            access_poll(viewer, poll.pk)
    if viewer is None:
        return
    if expected and relationship != "author":
        actions.poll_vote(person=viewer, post=post, choices=[0])
        assert counts(post) == ([1, 0, 0], 1, 1)
    elif not expected:
        with pytest.raises(Http404):
            actions.poll_vote(person=viewer, post=post, choices=[0])
        assert counts(post) == ([0, 0, 0], 0, 0)


def test_counts_hidden_until_the_end_except_for_the_author(alice, bob, carol, publish):
    post = with_poll(publish, alice, hide_totals=True)
    actions.poll_vote(person=bob, post=post, choices=[1])

    def seen_by(viewer):
        return selectors.poll_of_post(viewer, access_post(viewer, post.pk))

    for viewer in (None, bob, carol):
        shown = seen_by(viewer)
        assert not shown.counts_shown
        assert [o.votes_count for o in shown.options] == [None, None, None]
        assert [o.percent for o in shown.options] == [None, None, None]
        assert shown.votes_count == 1  # the total, as on Mastodon
    author = seen_by(alice)
    assert author.counts_shown and [o.votes_count for o in author.options] == [0, 1, 0]
    assert seen_by(bob).own_votes == [1] and seen_by(bob).voted is True
    assert seen_by(carol).voted is False and seen_by(carol).can_vote
    assert seen_by(None).voted is None and not seen_by(None).can_vote
    expire(post)
    assert [o.votes_count for o in seen_by(carol).options] == [0, 1, 0]
    assert [o.percent for o in seen_by(carol).options] == [0, 100, 0]
    assert seen_by(carol).expired and not seen_by(carol).can_vote


def test_annotate_for_viewer_sets_the_viewers_votes(alice, bob, publish):
    post = with_poll(publish, alice, multiple=True)
    actions.poll_vote(person=bob, post=post, choices=[0, 2])
    loaded = access_post(bob, post.pk)
    annotate_for_viewer(bob, [loaded])
    assert loaded.viewer_poll_votes == [0, 2]


# --- Editing and deleting -----------------------------------------------------------------------


def test_edit_new_options_reset_the_votes(alice, bob, publish):
    post = with_poll(publish, alice)
    actions.poll_vote(person=bob, post=post, choices=[0])
    actions.post_edit(post=post, by=alice, body="Which glaze?", poll={**POLL, "expires_in": 7200})
    assert counts(post) == ([1, 0, 0], 1, 1)  # same options: the votes stay
    actions.post_edit(
        post=post,
        by=alice,
        body="Which glaze?",
        poll={"options": ["Red", "Blue"], "expires_in": 600},
    )
    assert counts(post) == ([0, 0], 0, 0)
    assert not PollVote.objects.exists()
    actions.poll_vote(person=bob, post=post, choices=[1])  # bob may vote again
    actions.post_edit(post=post, by=alice, body="Which glaze?", poll={**POLL, "multiple": True})
    assert counts(post) == ([0, 0, 0], 0, 0)


def test_edit_adds_or_removes_a_poll(alice, bob, publish):
    post = publish(alice, "Plans")
    version = post.version
    actions.post_edit(post=post, by=alice, body="Plans", poll=POLL)
    assert Poll.objects.filter(post=post).exists()
    assert Post.objects.get(pk=post.pk).version == version + 1
    actions.poll_vote(person=bob, post=post, choices=[0])
    actions.post_edit(post=post, by=alice, body="Plans, final", remove_poll=True)
    assert not Poll.objects.exists() and not PollVote.objects.exists()
    with pytest.raises(ValidationError, match="not both"):
        actions.post_edit(post=post, by=alice, body="x", poll=POLL, remove_poll=True)
    with pytest.raises(ValidationError):
        actions.post_edit(post=post, by=alice, body="x", poll={"options": ["a"]})
    assert not Poll.objects.exists()


def test_deleting_the_post_deletes_the_poll(alice, bob, publish):
    post = with_poll(publish, alice)
    actions.poll_vote(person=bob, post=post, choices=[0])
    actions.post_delete(post=post, by=alice)
    assert not Poll.objects.exists() and not PollVote.objects.exists()


# --- The end: once, to the author and the voters ------------------------------------------------


def test_the_end_job_is_registered():
    assert load_jobs()["polls-end"].task is end_polls


def test_the_end_is_announced_once(
    alice, bob, carol, publish, mailoutbox, django_capture_on_commit_callbacks
):
    post = with_poll(publish, alice)
    other = with_poll(publish, alice, body="Still open")
    actions.poll_vote(person=bob, post=post, choices=[0])
    actions.poll_vote(person=carol, post=post, choices=[1])
    notification_settings_update(person=bob, changes={NotificationKind.POLL_ENDED: "email"})
    bob.email_confirmed_at = timezone.now()
    bob.save(update_fields=["email_confirmed_at"])
    assert actions.polls_end_due() == 0
    expire(post)
    with django_capture_on_commit_callbacks(execute=True):
        assert end_polls.call() == 1
    assert actions.polls_end_due() == 0  # idempotent
    ended = Notification.objects.filter(kind=NotificationKind.POLL_ENDED, post=post)
    assert sorted(ended.values_list("recipient__handle", flat=True)) == ["alice", "bob", "carol"]
    assert ended.get(recipient=alice).text == "Your poll has ended (2 people voted): Which glaze?"
    assert ended.get(recipient=bob).text == "A poll you voted in has ended: Which glaze?"
    assert Poll.objects.get(post=post).ended_at is not None
    assert Poll.objects.get(post=other).ended_at is None
    sent = [m for m in mail.outbox if "poll" in m.subject]
    assert len(sent) == 1 and sent[0].to == [bob.email]
    assert "A poll you voted in has ended" in sent[0].body
    assert "“A poll you voted in or wrote ended” is set to email" in sent[0].body


def test_the_end_skips_voters_who_may_no_longer_see_the_post(alice, bob, carol, publish):
    post = with_poll(publish, alice)
    actions.poll_vote(person=carol, post=post, choices=[0])
    actions.post_set_visibility(post=post, by=alice, visibility="connections")
    expire(post)
    actions.polls_end_due()
    ended = Notification.objects.filter(kind=NotificationKind.POLL_ENDED)
    assert list(ended.values_list("recipient__handle", flat=True)) == ["alice"]


def test_a_turned_off_kind_is_not_stored(alice, bob, publish):
    post = with_poll(publish, alice)
    actions.poll_vote(person=bob, post=post, choices=[0])
    notification_settings_update(person=alice, changes={NotificationKind.POLL_ENDED: "off"})
    expire(post)
    actions.polls_end_due()
    ended = Notification.objects.filter(kind=NotificationKind.POLL_ENDED)
    assert list(ended.values_list("recipient__handle", flat=True)) == ["bob"]


def test_an_edited_poll_that_reopens_ends_again(alice, bob, publish):
    post = with_poll(publish, alice)
    expire(post)
    actions.polls_end_due()
    actions.post_edit(post=post, by=alice, body="Again?", poll={"options": ["x", "y"]})
    assert Poll.objects.get(post=post).ended_at is None
    expire(post)
    assert actions.polls_end_due() == 1
    assert Notification.objects.filter(kind=NotificationKind.POLL_ENDED).count() == 2


def test_many_voters_keep_the_counts_consistent(alice, publish):
    post = with_poll(publish, alice, multiple=True)
    for i in range(12):
        voter = make_person(f"voter{i}")
        actions.poll_vote(person=voter, post=post, choices=[i % 3, (i + 1) % 3][: 1 + i % 2])
    consistent(post)
    assert counts(post)[2] == 12
