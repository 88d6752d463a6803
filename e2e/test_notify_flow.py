"""Notification settings, email digests and suggestions, through the real UI in Chromium.

1. alice turns "New follower" off and "Reply" to email on the settings page: a follow no
   longer shows on her notifications page, a reply does and arrives by email; set to off,
   the next reply is not stored at all.
2. alice chooses a daily digest; the digest task runs; the mail arrives (both parts, the
   RFC 8058 headers); its unsubscribe link works once, in a browser that is not logged in.
3. carol's Suggestions page: people she may want to meet lead to an invitation (or to an
   intro call for someone who meets people that way), never to a follow.

The live server runs in the test process with the locmem mail backend and inline tasks
(tests/settings.py), so `mail.outbox` holds what it sent.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from tests.conftest import make_person

from e2e.helpers import log_in
from kith.conversations.actions import post_publish, post_reply
from kith.conversations.models import PostKind
from kith.feeds.models import Notification
from kith.notify.models import Digest, DigestStatus
from kith.notify.preferences import digest_frequency
from kith.notify.tasks import send_digests
from kith.people.actions import person_update_profile
from kith.people.models import InvitationPolicy
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.follows import follow_create
from kith.relationships.models import Follow, IntroCall, Invitation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, kind_label: str, delivery_label: str) -> None:
    """Pick a delivery for one kind in the settings table (each radio is labelled)."""
    page.get_by_label(f"{kind_label}: {delivery_label}", exact=True).check()


def test_notification_settings_change_what_arrives(open_tab, live_server, settings):
    settings.BASE_URL = live_server.url
    alice, bob, carol = make_person("alice"), make_person("bob"), make_person("carol")
    post = post_publish(author=alice, body="Which clay for mugs?")

    tab = open_tab()
    page = tab.page
    log_in(tab, "alice")
    page.goto("/settings/notifications/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    # Community events are listed with every other kind.
    expect(page.get_by_role("rowheader", name="Your post removed by a moderator")).to_be_visible()
    choose(page, "New follower", "Off")
    choose(page, "Reply", "In app and by email")
    tab.screenshot("40-notification-settings.png")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Notification settings saved.")
    expect(page.get_by_label("New follower: Off", exact=True)).to_be_checked()
    expect(page.get_by_label("Reply: In app and by email", exact=True)).to_be_checked()

    mail.outbox.clear()
    follow_create(follower=bob, target=alice)
    post_reply(author=carol, to=post, body="Stoneware, every time")
    page.goto("/notifications/")
    items = page.locator("ul.notifications > li")
    expect(items).to_have_count(1)
    expect(items.first).to_have_attribute("data-kind", "reply")
    expect(items.first).to_contain_text("Carol")
    expect(page.locator('li[data-kind="follow"]')).to_have_count(0)
    tab.screenshot("41-notifications-after-settings.png")
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert "Carol" in mail.outbox[0].subject
    assert f"{live_server.url}/settings/notifications/" in mail.outbox[0].body

    # Replies off: the next one is not stored, not shown, not mailed.
    page.goto("/settings/notifications/")
    choose(page, "Reply", "Off")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Notification settings saved.")
    post_reply(author=bob, to=post, body="Porcelain")
    page.goto("/notifications/")
    expect(page.locator("ul.notifications > li")).to_have_count(1)
    assert Notification.objects.filter(recipient=alice).count() == 1
    assert len(mail.outbox) == 1


def test_daily_digest_arrives_and_unsubscribes_once(open_tab, live_server, settings):
    settings.BASE_URL = live_server.url
    alice, bob, carol = make_person("alice"), make_person("bob"), make_person("carol")
    connection_create(person=alice, other=bob, how_met="worked_together")
    question = post_publish(author=alice, body="Best kiln shelf wash?", kind=PostKind.QUESTION)
    post_reply(author=carol, to=question, body="Alumina hydrate and kaolin")
    talk = post_publish(author=bob, body="Wood firing this weekend")
    post_reply(author=carol, to=talk, body="Count me in")

    tab = open_tab()
    page = tab.page
    log_in(tab, "alice")
    page.goto("/settings/notifications/")
    page.get_by_role("group", name="Email digest").get_by_label("Daily").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Notification settings saved.")
    assert digest_frequency(alice) == "daily"

    # The scheduler's task, as it runs after midnight: today's activity is "yesterday" then.
    mail.outbox.clear()
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    send_digests.enqueue(now=tomorrow)
    send_digests.enqueue(now=tomorrow)  # a second run sends nothing more
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "Alumina hydrate" in message.body and "Alumina hydrate" in html
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [link] = re.findall(r"<(https?://[^>]+)>", message.extra_headers["List-Unsubscribe"])
    assert link.startswith(live_server.url)
    assert link in message.body
    assert Digest.objects.get(person=alice).status == DigestStatus.SENT

    # What alice reads in her mail client.
    page.set_content(html)
    expect(page.locator("body")).to_contain_text("Wood firing this weekend")
    tab.screenshot("42-digest-email.png")

    # The link, from a browser that is not logged in: one button, then done; only once.
    reader = open_tab()
    response = reader.page.goto(link)
    assert response.status == 200
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("Unsubscribe from digests?")
    reader.page.get_by_role("button", name="Unsubscribe").click()
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    reader.screenshot("43-digest-unsubscribed.png")
    assert digest_frequency(alice) == "off"
    again = reader.page.goto(link)
    assert again.status == 410
    expect(reader.page.get_by_role("heading", level=1)).to_have_text("Already unsubscribed")
    reader.screenshot("44-digest-link-used.png")


def test_people_to_meet_lead_to_an_invitation_or_an_intro_call(open_tab, live_server):
    carol, bob = make_person("carol"), make_person("bob")
    dana, ines = make_person("dana"), make_person("ines")
    ines.invitation_policy = InvitationPolicy.INTRO_CALL
    ines.save(update_fields=["invitation_policy"])
    connection_create(person=carol, other=bob, how_met="in_person")
    connection_create(person=bob, other=dana, how_met="in_person")
    for person in (carol, ines):
        person_update_profile(person=person, interests=["gardening", "compost"])

    tab = open_tab()
    page = tab.page
    log_in(tab, "carol")
    page.goto("/suggestions/")
    expect(page.get_by_role("heading", name="People you may want to meet")).to_be_visible()
    people = page.get_by_test_id("person-suggestion")
    expect(people).to_have_count(2)
    dana_row = people.filter(has_text="@dana")
    ines_row = people.filter(has_text="@ines")
    expect(dana_row).to_contain_text("1 mutual connection: Bob")
    expect(ines_row).to_contain_text("you both like")
    expect(ines_row.get_by_role("link", name="Request an intro call")).to_be_visible()
    tab.screenshot("45-suggestions.png")

    # dana: an invitation, with how they know each other.
    dana_row.get_by_role("link", name="Invite to connect").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Connect with Dana")
    page.get_by_label("How do you know each other?").select_option(label="Other")
    page.get_by_label("In a few words").fill("Bob says we should talk about seed swaps")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert Invitation.objects.filter(sender=carol, recipient=dana).exists()

    # ines meets people on an intro call first: the suggestion leads there.
    page.goto("/suggestions/")
    people.filter(has_text="@ines").get_by_role("link", name="Request an intro call").click()
    expect(page.locator("main")).to_contain_text("short intro call")
    page.get_by_label("How do you know each other?").select_option(label="Other")
    page.get_by_label("In a few words").fill("We both compost on balconies")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("intro call is offered")
    tab.screenshot("46-suggestion-intro-call.png")
    assert IntroCall.objects.filter(guest=carol, host=ines).exists()

    # Never a follow, and neither suggestion is shown again (an open invitation each).
    assert not Follow.objects.filter(follower=carol).exists()
    page.goto("/suggestions/")
    expect(page.get_by_test_id("person-suggestion")).to_have_count(0)
