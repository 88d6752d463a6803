"""Notifications: every kind stored, per-kind settings (in app, email, off), grouping,
unread count, mark read, retention, and pinned query counts, on the web and in the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kith.conversations import actions
from kith.conversations.models import PostKind
from kith.feeds.actions import notifications_clean, notifications_mark_read
from kith.feeds.models import Notification, NotificationKind
from kith.notify.models import Delivery, NotificationSetting
from kith.notify.preferences import (
    kinds,
    notification_settings,
    notification_settings_update,
)
from kith.notify.selectors import group_notifications, notification_page, unread_count
from kith.people import actions as people_actions
from kith.people.models import FieldKind, Visibility
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.follows import follow_create
from kith.relationships.actions.invitations import invitation_accept, invitation_send


def kinds_of(person) -> set[str]:
    return set(Notification.objects.filter(recipient=person).values_list("kind", flat=True))


# --- Every kind --------------------------------------------------------------------------------


def test_every_kind_the_earlier_issues_store_reaches_the_recipient(
    alice, bob, carol, people, publish, django_capture_on_commit_callbacks
):
    """Each action stores its kind; the settings page lists them all."""
    (dan,) = people("dan")
    question = publish(alice, "How do I glaze #pottery? @carol", kind=PostKind.QUESTION)
    assert NotificationKind.MENTION in kinds_of(carol)
    answer = actions.post_reply(author=bob, to=question, body="Dip it twice.")
    assert NotificationKind.ANSWER in kinds_of(alice)
    reply = actions.post_reply(author=alice, to=answer, body="Thanks!")
    assert NotificationKind.REPLY in kinds_of(bob)
    actions.answer_accept(question=question, answer=answer, by=alice)
    assert NotificationKind.ACCEPTED_ANSWER in kinds_of(bob)
    actions.helpful_mark(person=alice, post=answer)
    assert NotificationKind.HELPFUL in kinds_of(bob)
    actions.used_it_add(person=alice, post=answer, story="Glazed six bowls.")
    assert NotificationKind.USED_IT in kinds_of(bob)
    post = publish(bob, "Kilns are warm")
    actions.post_repost(person=alice, post=post)
    assert NotificationKind.REPOST in kinds_of(bob)
    actions.post_quote(author=alice, post=post, body="So true")
    assert NotificationKind.QUOTE in kinds_of(bob)
    actions.post_edit(post=answer, by=bob, body="Dip it three times.")
    assert NotificationKind.EDIT in kinds_of(alice)  # alice replied to the edited answer
    assert reply.in_reply_to_id == answer.pk
    follow_create(follower=dan, target=alice)
    assert NotificationKind.FOLLOW in kinds_of(alice)
    people_actions.person_update_profile(person=carol, is_locked=True)
    follow_create(follower=dan, target=carol)
    assert NotificationKind.FOLLOW_REQUEST in kinds_of(carol)
    invitation = invitation_send(sender=dan, recipient=carol, how_known="in_person")
    assert NotificationKind.INVITATION in kinds_of(carol)
    invitation_accept(invitation=invitation, by=carol)
    assert NotificationKind.INVITATION_ACCEPTED in kinds_of(dan)
    with django_capture_on_commit_callbacks(execute=True):
        people_actions.contact_field_add(
            person=carol,
            kind=FieldKind.JOB_TITLE,
            value="Potter",
            visibility=Visibility.CONNECTIONS,
            announce=True,
        )
    assert NotificationKind.CARD_CHANGE in kinds_of(dan)
    listed = {value for value, _ in kinds()}
    assert set(NotificationKind.values) <= listed


# --- Settings ----------------------------------------------------------------------------------


def test_defaults_are_in_app_for_every_kind(alice):
    assert set(notification_settings(alice).values()) == {Delivery.IN_APP}


def test_off_stores_nothing_and_email_also_sends_mail(
    alice, bob, publish, django_capture_on_commit_callbacks
):
    notification_settings_update(person=bob, changes={NotificationKind.HELPFUL: Delivery.OFF})
    post = publish(bob, "A kiln tip")
    actions.helpful_mark(person=alice, post=post)
    assert NotificationKind.HELPFUL not in kinds_of(bob)

    notification_settings_update(person=bob, changes={NotificationKind.REPLY: Delivery.EMAIL})
    with django_capture_on_commit_callbacks(execute=True):
        actions.post_reply(author=alice, to=post, body="Thanks, it works")
    assert NotificationKind.REPLY in kinds_of(bob)
    assert [m.to for m in mail.outbox] == [["bob@example.com"]]
    assert "\n" not in mail.outbox[0].subject
    assert "replied" in mail.outbox[0].subject
    assert "/settings/notifications/" in mail.outbox[0].body


def test_email_setting_respected_by_bulk_notifications(
    alice, bob, people, django_capture_on_commit_callbacks
):
    """Card changes go out through notify_many: off and email apply there too."""
    dan, eve = people("dan", "eve")
    for other in (dan, eve):
        connection_create(person=alice, other=other, how_met="in_person")
    notification_settings_update(person=dan, changes={NotificationKind.CARD_CHANGE: "off"})
    notification_settings_update(person=eve, changes={NotificationKind.CARD_CHANGE: "email"})
    with django_capture_on_commit_callbacks(execute=True):
        people_actions.contact_field_add(
            person=alice,
            kind=FieldKind.JOB_TITLE,
            value="Potter",
            visibility=Visibility.CONNECTIONS,
            announce=True,
        )
    told = set(
        Notification.objects.filter(kind=NotificationKind.CARD_CHANGE).values_list(
            "recipient__handle", flat=True
        )
    )
    assert told == {"bob", "eve"}
    assert [m.to for m in mail.outbox] == [["eve@example.com"]]


def test_bad_settings_change_nothing(alice):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        notification_settings_update(
            person=alice, changes={NotificationKind.REPLY: "off", "nonsense": "off"}
        )
    with pytest.raises(ValidationError):
        notification_settings_update(person=alice, changes={NotificationKind.REPLY: "loud"})
    assert not NotificationSetting.objects.filter(person=alice).exists()


def test_settings_page_saves_every_kind_and_the_digest(client, alice):
    client.force_login(alice)
    page = client.get("/settings/notifications/")
    assert page.status_code == 200
    body = page.content.decode()
    for _, label in kinds():
        assert label in body
    response = client.post(
        "/settings/notifications/",
        {"kind_reply": "email", "kind_follow": "off", "digest": "weekly"},
    )
    assert response.status_code == 302
    chosen = notification_settings(alice)
    assert (
        chosen["reply"] == "email" and chosen["follow"] == "off" and chosen["mention"] == "in_app"
    )
    assert alice.digest_subscription.frequency == "weekly"
    bad = client.post("/settings/notifications/", {"kind_reply": "loud", "digest": "hourly"})
    assert bad.status_code == 400
    assert notification_settings(alice)["reply"] == "email"
    half = client.post("/settings/notifications/", {"kind_reply": "off", "digest": "hourly"})
    assert half.status_code == 400 and "Digest must be one of" in half.content.decode()
    assert notification_settings(alice)["reply"] == "email"  # nothing half-written


def test_settings_api(api, alice, token_for):
    token = token_for(alice)
    got = api("get", "/notification-settings", token=token).json()
    assert got["digest"] == "off"
    assert got["kinds"]["helpful"] == "in_app"
    changed = api(
        "patch",
        "/notification-settings",
        token=token,
        json={"kinds": {"helpful": "off", "reply": "email"}, "digest": "daily"},
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["kinds"]["helpful"] == "off"
    assert changed.json()["digest"] == "daily"
    for bad in (
        {"kinds": {"helpful": "loud"}},
        {"kinds": {"nope": "off"}},
        {"digest": "hourly"},
        {"other": 1},
    ):
        response = api("patch", "/notification-settings", token=token, json=bad)
        assert response.status_code == 422, bad
        assert response.json()["error"] in {"invalid", "invalid_request"}
    assert api("get", "/notification-settings", token=token).json() == changed.json()
    assert api("get", "/notification-settings").status_code == 401


# --- Grouping ----------------------------------------------------------------------------------


def test_helpful_marks_on_one_answer_fold_into_one_group(alice, bob, people, publish):
    readers = people("ana", "dan", "eve", "fay")
    question = publish(bob, "Which clay?", kind=PostKind.QUESTION)
    answer = actions.post_reply(author=alice, to=question, body="Stoneware.")
    for reader in readers:
        actions.helpful_mark(person=reader, post=answer)
    other = publish(alice, "Another post")
    actions.helpful_mark(person=readers[0], post=other)
    groups, _ = notification_page(alice, limit=10)
    helpful = [g for g in groups if g.kind == NotificationKind.HELPFUL]
    assert [len(g.items) for g in helpful] == [1, 4]
    assert helpful[1].text.startswith("Fay and 3 others found your answer helpful: Stoneware")
    assert [a.handle for a in helpful[1].actors] == ["fay", "eve", "dan", "ana"]


def test_groups_close_after_the_window_and_never_fold_other_kinds(alice, people, publish):
    ana, dan = people("ana", "dan")
    post = publish(alice, "Kiln tip")
    actions.helpful_mark(person=ana, post=post)
    Notification.objects.update(created_at=timezone.now() - timedelta(days=3))
    actions.helpful_mark(person=dan, post=post)
    actions.post_reply(author=ana, to=post, body="one")
    actions.post_reply(author=dan, to=post, body="two")
    items = list(Notification.objects.filter(recipient=alice).order_by("-id"))
    groups = group_notifications(items, window=timedelta(hours=24))
    assert [(g.kind, len(g.items)) for g in groups] == [
        ("reply", 1),
        ("reply", 1),
        ("helpful", 1),
        ("helpful", 1),
    ]


def test_pages_cut_groups_without_losing_any_notification(alice, people, publish):
    readers = people(*[f"r{i}" for i in range(6)])
    posts = [publish(alice, f"Post {i}") for i in range(3)]
    for reader in readers:
        for post in posts:
            actions.helpful_mark(person=reader, post=post)
    seen, max_id, pages = [], None, 0
    while True:
        groups, max_id = notification_page(alice, limit=2, max_id=max_id)
        seen += [pk for group in groups for pk in group.ids]
        pages += 1
        if max_id is None:
            break
    assert sorted(seen) == sorted(
        Notification.objects.filter(recipient=alice).values_list("pk", flat=True)
    )
    assert len(seen) == len(set(seen)) == 18


# --- Unread, mark read -------------------------------------------------------------------------


def test_unread_count_and_mark_read_in_the_api(api, alice, people, publish, token_for):
    ana, dan = people("ana", "dan")
    post = publish(alice, "Kiln tip")
    actions.helpful_mark(person=ana, post=post)
    actions.helpful_mark(person=dan, post=post)
    actions.post_reply(author=ana, to=post, body="Nice")
    token = token_for(alice)
    assert api("get", "/notifications/unread", token=token).json() == {"unread": 3}
    listed = api("get", "/notifications", token=token).json()
    assert [(g["kind"], g["count"], g["read"]) for g in listed] == [
        ("reply", 1, False),
        ("helpful", 2, False),
    ]
    assert listed[1]["text"].startswith("Dan and 1 other found your post helpful")
    assert listed[1]["actors"] == ["dan", "ana"]
    one = api("post", f"/notifications/{listed[0]['id']}/read", token=token).json()
    assert one == {"marked": 1, "unread": 2}
    group = api("post", "/notifications/read", token=token, json={"ids": listed[1]["ids"]}).json()
    assert group == {"marked": 2, "unread": 0}
    assert api("get", "/notifications", token=token, data={"unread": "true"}).json() == []
    actions.post_reply(author=dan, to=post, body="Again")
    assert api("post", "/notifications/read", token=token).json() == {"marked": 1, "unread": 0}


def test_mark_read_refuses_bad_or_foreign_ids(api, alice, bob, publish, token_for):
    post = publish(alice, "Kiln tip")
    actions.helpful_mark(person=bob, post=post)
    theirs = Notification.objects.get(recipient=alice)
    token = token_for(bob)
    assert api("post", f"/notifications/{theirs.pk}/read", token=token).status_code == 404
    assert api("post", "/notifications/abc/read", token=token).status_code == 404
    bad = api("post", "/notifications/read", token=token, json={"ids": ["x"]})
    assert bad.status_code == 422
    api("post", "/notifications/read", token=token, json={"ids": [str(theirs.pk)]})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_web_page_groups_badge_and_mark_read(client, alice, people, publish):
    ana, dan = people("ana", "dan")
    post = publish(alice, "Kiln tip")
    actions.helpful_mark(person=ana, post=post)
    actions.helpful_mark(person=dan, post=post)
    client.force_login(alice)
    page = client.get("/notifications/").content.decode()
    assert "Dan and 1 other found your post helpful" in page
    assert 'aria-label="2 unread"' in page
    group = Notification.objects.filter(recipient=alice)
    response = client.post(
        "/notifications/read/", {"id": [str(n.pk) for n in group]}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Read" in response.content.decode()
    assert unread_count(alice) == 0
    assert 'unread"' not in client.get("/notifications/").content.decode()
    actions.post_reply(author=ana, to=post, body="hi")
    assert client.post("/notifications/read/").status_code == 302
    assert unread_count(alice) == 0
    assert client.post("/notifications/read/", {"id": ["x"]}).status_code == 302


# --- Retention ---------------------------------------------------------------------------------


def test_retention_deletes_only_old_read_notifications(alice, people, publish):
    ana, dan, eve = people("ana", "dan", "eve")
    post = publish(alice, "Kiln tip")
    for reader in (ana, dan, eve):
        actions.helpful_mark(person=reader, post=post)
    old = timezone.now() - timedelta(days=100)
    old_read, old_unread, _recent = Notification.objects.filter(recipient=alice).order_by("id")
    Notification.objects.filter(pk__in=[old_read.pk, old_unread.pk]).update(created_at=old)
    notifications_mark_read(person=alice, ids=[old_read.pk, _recent.pk])
    assert notifications_clean(days=90) == 1
    left = set(Notification.objects.filter(recipient=alice).values_list("pk", flat=True))
    assert left == {old_unread.pk, _recent.pk}


def test_clean_notifications_task_uses_the_setting(alice, bob, publish, settings):
    from kith.notify.tasks import clean_notifications

    post = publish(alice, "Kiln tip")
    actions.helpful_mark(person=bob, post=post)
    Notification.objects.update(
        created_at=timezone.now() - timedelta(days=10), read_at=timezone.now()
    )
    settings.KITH_NOTIFICATION_RETENTION_DAYS = 30
    assert clean_notifications.enqueue().return_value == 0
    settings.KITH_NOTIFICATION_RETENTION_DAYS = 7
    assert clean_notifications.enqueue().return_value == 1


# --- Query counts ------------------------------------------------------------------------------


def _fill(alice, people, publish, n):
    readers = people(*[f"q{n}x{i}" for i in range(n)])
    posts = [publish(alice, f"Post {i}") for i in range(n)]
    for reader, post in zip(readers, posts, strict=True):
        actions.helpful_mark(person=reader, post=post)
        actions.post_reply(author=reader, to=post, body="hello")
    follow_create(follower=readers[0], target=alice)


@pytest.mark.parametrize("n", [2, 12])
def test_notification_endpoints_make_a_fixed_number_of_queries(
    api, client, alice, people, publish, token_for, n
):
    _fill(alice, people, publish, n)
    token = token_for(alice)
    api("get", "/me", token=token)  # the token's last-used time is written once, here
    counts = {}
    for name, call in {
        "api list": lambda: api("get", "/notifications", token=token),
        "api unread": lambda: api("get", "/notifications/unread", token=token),
    }.items():
        with CaptureQueriesContext(connection) as context:
            assert call().status_code == 200
        counts[name] = len(context)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as context:
        assert client.get("/notifications/").status_code == 200
    counts["web page"] = len(context)
    # API: the token, then one query (the page of notifications with actors and posts, or the
    # count). Web: session, person, the page, the nav badge.
    assert counts == {"api list": 2, "api unread": 2, "web page": 4}


def test_single_notifications_respect_the_settings_too(
    alice, people, django_capture_on_commit_callbacks
):
    """Follows, invitations and intro calls go through notify(): off and email apply."""
    ana, dan = people("ana", "dan")
    notification_settings_update(person=alice, changes={NotificationKind.FOLLOW: "off"})
    follow_create(follower=ana, target=alice)
    assert NotificationKind.FOLLOW not in kinds_of(alice)
    notification_settings_update(person=dan, changes={NotificationKind.INVITATION: "email"})
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(sender=ana, recipient=dan, how_known="in_person")
    assert NotificationKind.INVITATION in kinds_of(dan)
    assert [m.to for m in mail.outbox] == [["dan@example.com"]]
    assert "http://testserver/invitations/" in mail.outbox[0].body
