"""Email digests: content by section, every post visible to its reader (truth table), never
sent twice, an empty digest not sent, off by default, and the one-click unsubscribe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kith.conversations import actions
from kith.conversations.access import can_see
from kith.conversations.models import Post, PostKind, PostVisibility
from kith.notify.digests import (
    build_digest,
    digest_send,
    due_subscriptions,
    period_for,
    send_due_digests,
    unsubscribe_url,
)
from kith.notify.models import Digest, DigestStatus
from kith.notify.preferences import digest_frequency, digest_frequency_set
from kith.people import actions as people_actions
from kith.people.models import FieldKind, Visibility
from kith.relationships.actions.safety import block_create
from tests.conftest import make_person

TOMORROW = timezone.now() + timedelta(days=1)  # today's digest period has just ended then


def test_periods_are_whole_utc_days_and_weeks():
    now = datetime(2026, 11, 26, 7, 30, tzinfo=UTC)  # a Thursday
    assert period_for("daily", now) == (
        datetime(2026, 11, 25, tzinfo=UTC),
        datetime(2026, 11, 26, tzinfo=UTC),
    )
    assert period_for("weekly", now) == (
        datetime(2026, 11, 16, tzinfo=UTC),
        datetime(2026, 11, 23, tzinfo=UTC),
    )


@pytest.fixture
def scene(alice, bob, carol, publish, django_capture_on_commit_callbacks):
    """alice reads the digest: bob is her connection, carol a stranger; she is interested
    in #pottery. Each post is either one she may see or one she may not."""
    dan, bart = make_person("dan"), make_person("bart")
    people_actions.person_update_profile(person=alice, interests=["pottery"])
    block_create(blocker=bart, blocked=alice)
    shown, hidden = {}, {}
    # Conversations among connections.
    shown["bob public"] = publish(bob, "Wood firing, anyone?")
    actions.post_reply(author=carol, to=shown["bob public"], body="Yes!")
    actions.post_reply(author=dan, to=shown["bob public"], body="Me too")
    shown["bob connections"] = publish(bob, "Studio open", visibility=PostVisibility.CONNECTIONS)
    actions.helpful_mark(person=carol, post=shown["bob public"])
    hidden["bob mentioned-only"] = publish(
        bob, "Just for @carol", visibility=PostVisibility.MENTIONED
    )
    actions.post_reply(author=carol, to=hidden["bob mentioned-only"], body="Thanks")
    actions.post_reply(author=bob, to=shown["bob connections"], body="From 9 to 5")
    # Answers to alice's question.
    question = publish(alice, "Best clay for mugs?", kind=PostKind.QUESTION)
    shown["answer"] = actions.post_reply(author=carol, to=question, body="Stoneware")
    # Helpful marks and stories on alice's posts.
    mine = publish(alice, "Trim when leather hard")
    actions.helpful_mark(person=dan, post=mine)
    actions.used_it_add(person=carol, post=mine, story="Trimmed ten cups")
    # Unanswered questions in #pottery.
    shown["open question"] = publish(carol, "Why do #pottery glazes crawl?", kind=PostKind.QUESTION)
    hidden["connections-only question"] = publish(
        dan, "Kiln wash #pottery?", kind=PostKind.QUESTION, visibility=PostVisibility.CONNECTIONS
    )
    hidden["blocker's question"] = publish(bart, "Cone 6 #pottery?", kind=PostKind.QUESTION)
    # Card changes.
    with django_capture_on_commit_callbacks(execute=True):
        people_actions.contact_field_add(
            person=bob,
            kind=FieldKind.JOB_TITLE,
            value="Head potter",
            visibility=Visibility.CONNECTIONS,
            announce=True,
        )
        people_actions.contact_field_add(
            person=bob,
            kind=FieldKind.LOCATION,
            value="Hidden Lane 1",
            visibility=Visibility.ONLY_ME,
            announce=True,
        )
    digest_frequency_set(person=alice, frequency="daily")
    return shown, hidden


def test_digest_sections(alice, scene):
    shown, _ = scene
    start, end = period_for("daily", TOMORROW)
    content = build_digest(alice, start, end)
    assert [p.pk for p in content.conversations] == [
        shown["bob public"].pk,
        shown["bob connections"].pk,
    ]
    assert content.conversations[0].period_replies == 2
    assert content.conversations[0].period_helpful == 1
    assert [p.pk for p in content.answers] == [shown["answer"].pk]
    assert sorted(r.kind for r in content.reactions) == ["helpful", "used"]
    assert [p.pk for p in content.unanswered] == [shown["open question"].pk]
    assert [c.new_value for c in content.card_changes] == ["Head potter"]


def test_every_post_in_a_digest_is_visible_to_its_reader(alice, bob, carol, scene):
    """The truth table: for each reader, what the digest carries ⊆ what they may see, and
    the posts alice may not see are absent from every section."""
    shown, hidden = scene
    start, end = period_for("daily", TOMORROW)
    for reader in (alice, bob, carol):
        people_actions.person_update_profile(person=reader, interests=["pottery"])
        content = build_digest(reader, start, end)
        for post in content.posts():
            assert can_see(reader, post), (reader, post.body)
    alice_posts = {p.pk for p in build_digest(alice, start, end).posts()}
    for name, post in hidden.items():
        assert not can_see(alice, post), name
        assert post.pk not in alice_posts, name
    for name, post in shown.items():
        assert post.pk in alice_posts, name


def test_a_post_made_private_or_deleted_leaves_the_digest(alice, bob, scene):
    shown, _ = scene
    start, end = period_for("daily", TOMORROW)
    Post.objects.filter(pk=shown["bob public"].pk).update(visibility=PostVisibility.MENTIONED)
    actions.post_delete(post=shown["open question"], by=shown["open question"].author)
    posts = {p.pk for p in build_digest(alice, start, end).posts()}
    assert shown["bob public"].pk not in posts
    assert shown["open question"].pk not in posts


def test_a_post_removed_from_its_community_leaves_the_digest(alice, bob, carol, scene):
    from kith.communities import actions as communities

    shown, _ = scene
    community = communities.community_create(by=bob, slug="potters", name="Potters")
    communities.community_join(person=carol, community=community)
    question = actions.post_publish(
        author=carol, body="Glaze #pottery crawling?", kind=PostKind.QUESTION, community=community
    )
    start, end = period_for("daily", TOMORROW)
    assert question.pk in {p.pk for p in build_digest(alice, start, end).unanswered}
    communities.post_remove(by=bob, post=question, reason="Asked twice")
    unanswered = {p.pk for p in build_digest(alice, start, end).unanswered}
    assert question.pk not in unanswered
    assert shown["open question"].pk in unanswered


def test_sent_once_with_both_parts_and_unsubscribe_headers(alice, scene):
    counts = send_due_digests(TOMORROW)
    assert counts == {DigestStatus.SENT: 1}
    assert send_due_digests(TOMORROW) == {}
    digest = Digest.objects.get(person=alice)
    assert digest_send(person=alice, frequency="daily", now=TOMORROW) is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert "Wood firing" in message.body and "Head potter" in message.body
    assert "Hidden Lane" not in message.body and "Just for" not in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "Wood firing" in html
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_url(digest)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert digest.status == DigestStatus.SENT and digest.items == 7


def test_the_task_sends_due_digests(alice, scene):
    from kith.notify.tasks import send_digests

    assert send_digests.enqueue(now=TOMORROW.isoformat()).return_value == 1
    assert send_digests.enqueue(now=TOMORROW.isoformat()).return_value == 0
    assert len(mail.outbox) == 1


def test_an_empty_digest_is_recorded_not_sent(alice):
    digest_frequency_set(person=alice, frequency="weekly")
    assert send_due_digests(TOMORROW) == {DigestStatus.EMPTY: 1}
    assert mail.outbox == []
    assert Digest.objects.get(person=alice).status == DigestStatus.EMPTY
    assert send_due_digests(TOMORROW) == {}


def test_digests_are_off_by_default(alice, carol):
    newcomer = people_actions.person_sign_up(
        handle="newbie", display_name="New", email="new@example.com", password="x" * 12
    )
    for person in (alice, carol, newcomer):
        assert digest_frequency(person) == "off"
    assert due_subscriptions(TOMORROW) == []


def test_unconfirmed_or_deactivated_people_get_no_digest(alice, scene):
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    assert send_due_digests(TOMORROW) == {}
    assert mail.outbox == []


# --- Unsubscribe --------------------------------------------------------------------------------


def _unsubscribe_path(alice):
    send_due_digests(TOMORROW)
    digest = Digest.objects.get(person=alice)
    return unsubscribe_url(digest).removeprefix("http://testserver")


def test_unsubscribe_link_works_once_without_login(client, alice, scene):
    path = _unsubscribe_path(alice)
    page = client.get(path)  # a link scanner's GET changes nothing
    assert page.status_code == 200 and "Unsubscribe from digests?" in page.content.decode()
    assert digest_frequency(alice) == "daily"
    done = client.post(path)
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    assert digest_frequency(alice) == "off"
    again = client.post(path)
    assert again.status_code == 410 and "Already unsubscribed" in again.content.decode()
    assert client.get(path).status_code == 410


def test_one_click_post_from_a_mail_client(client, alice, scene):
    path = _unsubscribe_path(alice)
    response = client.post(
        path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert digest_frequency(alice) == "off"


@pytest.mark.parametrize("token", ["nonsense", "eyJkIjoiMSJ9:1abc:def"])
def test_a_bad_token_is_a_clear_400(client, alice, token):
    response = client.post(f"/digest/unsubscribe/{token}/")
    assert response.status_code == 400
    assert "does not work" in response.content.decode()


def test_a_token_for_another_digest_does_not_touch_this_one(client, alice, scene):
    path = _unsubscribe_path(alice)
    tampered = path.replace(path.split("/")[-2][:8], "AAAAAAAA")
    assert client.post(tampered).status_code == 400
    assert digest_frequency(alice) == "daily"


def test_the_scheduler_sends_yesterdays_digests_once(alice, scene):
    """`digests-send` and `notifications-clean` are periodic jobs; the scheduler's run sends
    the digest of the day that just ended, and a later run in the same day sends nothing."""
    from kith.conversations.models import Reaction
    from kith.core import schedule
    from kith.notify.tasks import clean_notifications, send_digests
    from kith.people.models import ContactChange

    jobs = schedule.load_jobs()
    assert jobs["digests-send"].task is send_digests
    assert jobs["notifications-clean"].task is clean_notifications
    yesterday = timezone.now() - timedelta(days=1)
    Post.objects.update(created_at=yesterday)
    Reaction.objects.update(created_at=yesterday)
    ContactChange.objects.update(changed_at=yesterday)
    now = timezone.now()
    assert schedule.enqueue_due(now=now, jobs=[jobs["digests-send"]]) == ["digests-send"]
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert schedule.enqueue_due(now=now + timedelta(hours=1), jobs=[jobs["digests-send"]])
    assert len(mail.outbox) == 1
