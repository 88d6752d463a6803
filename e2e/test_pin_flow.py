"""Pinned posts and a muted conversation in the browser.

Anna pins an older post from her profile (htmx swaps the button and refreshes the pinned
posts above her list, no reload); Ben opens her profile and reads it first, marked Pinned.
Anna mutes the conversation under her post; Ben's reply then reaches her as no
notification; she unmutes it and hears of the next one.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.conftest import make_person

from e2e.helpers import log_in
from kith.conversations import actions
from kith.conversations.models import Pin, ThreadMute
from kith.feeds.models import Notification

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pin_a_post_and_mute_its_conversation(open_tab, live_server, settings):
    settings.BASE_URL = live_server.url
    anna, ben = make_person("anna"), make_person("ben")
    older = actions.post_publish(author=anna, body="My guide to wood firing")
    actions.post_publish(author=anna, body="What I had for lunch")

    # 1. Anna pins the older post from her profile: the pinned section appears in place.
    anna_tab = open_tab()
    page = anna_tab.page
    log_in(anna_tab, "anna")
    page.goto("/@anna")
    expect(page.locator("#pinned")).not_to_contain_text("My guide to wood firing")
    page.locator(f"#post-{older.pk}").get_by_role("button", name="Pin to profile").click()
    expect(page.locator(f"#post-{older.pk}").get_by_test_id("pin")).to_have_text("Pinned ✓ (unpin)")
    pinned = page.locator("#pinned")
    expect(pinned.get_by_role("heading", name="Pinned")).to_be_visible()
    expect(pinned.get_by_test_id("pinned-post")).to_contain_text("My guide to wood firing")
    assert Pin.objects.filter(person=anna, post=older).exists()
    anna_tab.screenshot("70-pinned-post.png")

    # 2. Ben reads it first on her profile, marked Pinned.
    ben_tab = open_tab()
    log_in(ben_tab, "ben")
    ben_tab.page.goto("/@anna")
    first = ben_tab.page.get_by_test_id("pinned-post").first
    expect(first).to_contain_text("My guide to wood firing")
    expect(first.get_by_test_id("pinned-badge")).to_have_text("Pinned")
    expect(ben_tab.page.get_by_test_id("pin")).to_have_count(0)  # not his posts

    # 3. Anna mutes the conversation under her post; Ben's reply does not reach her.
    page.goto(older.get_absolute_url())
    page.get_by_role("button", name="Mute conversation").click()
    expect(page.get_by_role("status")).to_contain_text("Conversation muted")
    assert ThreadMute.objects.filter(person=anna, thread_root=older).exists()
    actions.post_reply(author=ben, to=older, body="Which wood do you use?")
    assert not Notification.objects.filter(recipient=anna).exists()
    page.get_by_role("button", name="Conversation muted ✓ (unmute)").click()
    expect(page.get_by_role("button", name="Mute conversation")).to_be_visible()
    actions.post_reply(author=ben, to=older, body="And how long does it take?")
    assert Notification.objects.filter(recipient=anna, kind="reply").count() == 1
    assert not anna_tab.errors and not anna_tab.csp_violations()
    assert not ben_tab.errors
