"""Community events reach the people concerned as notifications (item 7): a request
approved or declined, an invitation, a new role, a removed post (with the reason), a ban or
a mute, a report handled; and moderators hear of new requests and reports. Each kind has
its own setting (in app, email, off), join requests and reports group, nobody is told of
what they did themselves, and a report reaches only moderators who may see the post."""

from __future__ import annotations

import pytest
from django.core import mail

from kith.communities import actions
from kith.feeds.models import Notification, NotificationKind
from kith.notify.preferences import notification_settings_update
from kith.notify.selectors import notification_page
from tests.conftest import make_person

K = NotificationKind


def texts(person, kind) -> list[str]:
    return list(
        Notification.objects.filter(recipient=person, kind=kind)
        .order_by("id")
        .values_list("text", flat=True)
    )


@pytest.fixture
def club(db, olga, max_):
    """A community by approval: olga owns it, max moderates it."""
    community = actions.community_create(by=olga, slug="club", name="Kiln Club", policy="approval")
    actions.community_invite(by=olga, community=community, person=max_)
    actions.community_join(person=max_, community=community)
    actions.member_set_role(by=olga, community=community, person=max_, role="moderator")
    return community


def test_requests_invitations_and_roles(club, olga, max_, mia, carol, bob):
    assert texts(max_, K.COMMUNITY_INVITE) == ["Olga invited you to join Kiln Club."]
    assert texts(max_, K.COMMUNITY_ROLE) == ["Olga made you a moderator of Kiln Club."]

    actions.community_join(person=carol, community=club)
    actions.community_join(person=mia, community=club)
    actions.community_join(person=mia, community=club)  # asking twice tells nobody twice
    for moderator in (olga, max_):
        assert texts(moderator, K.COMMUNITY_JOIN_REQUEST) == [
            "Carol asked to join Kiln Club.",
            "Mia asked to join Kiln Club.",
        ]
    # Grouped: one line for both requests, linking to where they are approved.
    groups, _ = notification_page(olga, limit=10)
    [group] = [g for g in groups if g.kind == "community_join_request"]
    assert group.text == "Mia and 1 other asked to join Kiln Club"
    assert group.url == "/c/club/members"

    actions.membership_approve(by=max_, community=club, person=carol)
    actions.membership_reject(by=max_, community=club, person=mia)
    assert texts(carol, K.COMMUNITY_APPROVED) == ["Your request to join Kiln Club was approved."]
    assert texts(mia, K.COMMUNITY_DECLINED) == ["Your request to join Kiln Club was declined."]
    note = Notification.objects.get(recipient=carol, kind=K.COMMUNITY_APPROVED)
    assert (note.actor, note.community, note.url) == (max_, club, "/c/club")

    # Inviting someone who asked lets them in: they hear it was approved.
    actions.community_join(person=mia, community=club)
    actions.community_invite(by=max_, community=club, person=mia)
    assert texts(mia, K.COMMUNITY_APPROVED) == ["Your request to join Kiln Club was approved."]
    actions.community_invite(by=max_, community=club, person=bob)
    assert texts(bob, K.COMMUNITY_INVITE) == ["Max invited you to join Kiln Club."]

    actions.member_set_role(by=olga, community=club, person=carol, role="owner")
    assert texts(carol, K.COMMUNITY_ROLE) == ["Olga made you an owner of Kiln Club."]
    # Nobody is told of what they did themselves.
    assert not Notification.objects.filter(recipient=olga, actor=olga).exists()


def test_moderation_events(garden, olga, max_, mia, alice, publish):
    post = publish(alice, "Buy my seeds", community=garden)
    report = actions.report_create(by=mia, post=post, reason="Spam")
    for moderator in (olga, max_):
        [note] = Notification.objects.filter(recipient=moderator, kind=K.COMMUNITY_NEW_REPORT)
        assert note.text == "Mia reported a post in Gardeners: Spam"
        assert (note.post, note.url) == (post, "/c/garden/moderation")
    assert not Notification.objects.filter(recipient=mia, kind=K.COMMUNITY_NEW_REPORT).exists()

    actions.report_resolve(by=max_, report=report, remove=True)
    [removed] = Notification.objects.filter(recipient=alice, kind=K.COMMUNITY_POST_REMOVED)
    assert removed.text == "Max removed your post from Gardeners: Spam"
    assert (removed.post, removed.url) == (post, post.get_absolute_url())
    assert texts(mia, K.COMMUNITY_REPORT_CLOSED) == [
        "Your report in Gardeners was resolved: the post was removed."
    ]

    other = publish(alice, "Hello gardeners", community=garden)
    second = actions.report_create(by=mia, post=other, reason="Off topic")
    actions.report_resolve(by=olga, report=second, dismiss=True)
    assert texts(mia, K.COMMUNITY_REPORT_CLOSED)[-1] == "Your report in Gardeners was dismissed."

    actions.member_mute(by=max_, community=garden, person=mia, reason="Calm down", days=3)
    actions.member_unmute(by=max_, community=garden, person=mia)
    actions.member_ban(by=olga, community=garden, person=alice, reason="Spam again")
    mia_texts = texts(mia, K.COMMUNITY_SANCTION)
    assert mia_texts[0].startswith("You were muted in Gardeners until ")
    assert mia_texts[0].endswith(": Calm down")
    assert mia_texts[1] == "Your mute in Gardeners was lifted."
    assert texts(alice, K.COMMUNITY_SANCTION) == ["You were banned from Gardeners: Spam again"]

    # A moderator removing their own post is not told of it.
    own = publish(max_, "Mine", community=garden)
    actions.post_remove(by=max_, post=own)
    assert not Notification.objects.filter(recipient=max_, kind=K.COMMUNITY_POST_REMOVED).exists()


def test_a_report_reaches_only_moderators_who_may_see_the_post(garden, olga, max_, alice, bob):
    from kith.conversations.actions import post_publish
    from kith.relationships.actions.connections import connection_create

    connection_create(person=alice, other=olga, how_met="worked_together")
    actions.community_join(person=bob, community=garden)
    post = post_publish(
        author=alice, body="For my connections", visibility="connections", community=garden
    )
    actions.report_create(by=bob, post=post, reason="Rude")
    assert Notification.objects.filter(recipient=olga, kind=K.COMMUNITY_NEW_REPORT).exists()
    assert not Notification.objects.filter(recipient=max_, kind=K.COMMUNITY_NEW_REPORT).exists()


def test_each_kind_has_its_setting(garden, max_, mia, django_capture_on_commit_callbacks, settings):
    notification_settings_update(person=mia, changes={"community_sanction": "off"})
    actions.member_mute(by=max_, community=garden, person=mia)
    assert not Notification.objects.filter(recipient=mia, kind=K.COMMUNITY_SANCTION).exists()

    notification_settings_update(person=mia, changes={"community_role": "email"})
    with django_capture_on_commit_callbacks(execute=True):
        actions.member_unmute(by=max_, community=garden, person=mia)  # off: nothing
        olga = garden.created_by
        actions.member_set_role(by=olga, community=garden, person=mia, role="moderator")
    assert texts(mia, K.COMMUNITY_ROLE) == ["Olga made you a moderator of Gardeners."]
    assert [m.to for m in mail.outbox] == [["mia@example.com"]]
    assert "Olga made you a moderator of Gardeners." in mail.outbox[0].body


def test_a_failed_action_tells_nobody(garden, max_, olga):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.member_ban(by=max_, community=garden, person=olga)
    assert not Notification.objects.filter(recipient=olga).exists()


def test_web_and_api(client, api, token_for, garden, olga, max_, mia, alice, publish):
    post = publish(alice, "Buy my seeds", community=garden)
    client.force_login(max_)
    response = client.post(f"/c/garden/posts/{post.pk}/remove", {"reason": "Spam"})
    assert response.status_code == 302
    client.force_login(alice)
    page = client.get("/notifications/").content.decode()
    assert "Max removed your post from Gardeners: Spam" in page
    assert 'data-kind="community_removed"' in page

    settings_page = client.get("/settings/notifications/").content.decode()
    for kind in ("community_invite", "community_removed", "community_new_report"):
        assert f'name="kind_{kind}"' in settings_page
    assert "Your post removed by a moderator" in settings_page

    token = token_for(mia)
    response = api(
        "post",
        "/communities/garden/members/mia/mute",
        token=token_for(max_),
        json={"reason": "Calm down", "days": None},
    )
    assert response.status_code == 200, response.content
    [item] = api("get", "/notifications", token=token).json()
    assert item["kind"] == "community_sanction"
    assert item["community"] == "garden"
    assert item["text"] == "You were muted in Gardeners: Calm down"
    changed = api(
        "patch",
        "/notification-settings",
        token=token,
        json={"kinds": {"community_sanction": "off", "community_join_request": "email"}},
    )
    assert changed.status_code == 200
    assert changed.json()["kinds"]["community_sanction"] == "off"
    api("post", "/communities/garden/members/mia/unmute", token=token_for(max_))
    assert len(api("get", "/notifications", token=token).json()) == 1


def test_notifications_query_count_is_fixed_with_community_events(
    api, token_for, client, club, olga
):
    """The notifications list (API and page) costs the same however many community events
    and communities it carries."""
    token = token_for(olga)
    client.force_login(olga)

    def counts():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as api_queries:
            assert api("get", "/notifications", token=token).status_code == 200
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get("/notifications/").status_code == 200
        return len(api_queries.captured_queries), len(page_queries.captured_queries)

    actions.community_join(person=make_person("joiner0"), community=club)
    api("get", "/notifications", token=token)
    before = counts()
    for n in range(1, 5):
        community = actions.community_create(
            by=olga, slug=f"club{n}", name=f"Club {n}", policy="approval"
        )
        for m in range(2):
            actions.community_join(person=make_person(f"joiner{n}{m}"), community=community)
    assert counts() == before == (2, 4)
