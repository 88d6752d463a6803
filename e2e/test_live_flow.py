"""Live updates in two browsers, against Kith's own ASGI app under uvicorn (kith.asgi), since
the live stream is not served by Django's WSGI live server.

alice and bob are connected. bob answers alice's message: alice's Messages count changes
without a reload; alice replies from the thread: bob's open thread shows it without a
reload; a notification and a new feed entry for alice update her page live too.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.conftest import ServedApp, make_person

from e2e.conftest import TIMEOUT_MS, Tab
from e2e.helpers import log_in
from kith.conversations.actions import post_publish
from kith.feeds.actions import notify
from kith.feeds.models import NotificationKind
from kith.live.broker import InProcessBroker, set_broker
from kith.messaging.actions import thread_start
from kith.relationships.actions.connections import connection_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def asgi_server(django_db_setup, django_db_blocker):
    from kith.asgi import application

    served = ServedApp(application).start()
    yield served
    served.stop()


@pytest.fixture
def open_asgi_tab(browser, asgi_server):
    contexts = []
    old = set_broker(InProcessBroker())

    def open_() -> Tab:
        context = browser.new_context(base_url=asgi_server.url)
        context.set_default_timeout(TIMEOUT_MS * 3)  # uvicorn in a thread of a busy process
        contexts.append(context)
        tab = Tab(page=context.new_page())
        tab.page.on(
            "console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None
        )
        return tab

    yield open_
    for context in contexts:
        context.close()
    set_broker(old)


def wait_for_stream(tab: Tab) -> None:
    """The page's EventSource is open (live.js marks #live when htmx reports it)."""
    expect(tab.page.locator("#live[data-live-connected]")).to_be_attached()


def test_messages_notifications_and_new_posts_arrive_without_reloading(open_asgi_tab):
    alice, bob = make_person("alice"), make_person("bob")
    connection_create(person=alice, other=bob, how_met="in_person")
    message = thread_start(sender=alice, to=["bob"], body="Are you coming on Saturday?")
    a, b = open_asgi_tab(), open_asgi_tab()
    log_in(a, "alice")
    log_in(b, "bob")
    b.page.goto(f"/messages/{message.thread_id}/")
    expect(b.page.get_by_text("Are you coming on Saturday?")).to_be_visible()
    wait_for_stream(b)
    a.page.goto("/")
    wait_for_stream(a)
    messages_count = a.page.locator('[data-live-count="messages"]').first
    expect(messages_count).to_have_text("")

    b.page.locator("textarea[name=body]").fill("Yes, **with cake**")
    b.page.get_by_role("button", name="Send").click()
    expect(b.page.locator("#message-list strong", has_text="with cake")).to_be_visible()
    expect(messages_count).to_have_text("1")  # live, alice did not reload
    a.screenshot("live-1-message-count.png")

    a.page.goto(f"/messages/{message.thread_id}/")
    expect(a.page.get_by_text("with cake")).to_be_visible()
    wait_for_stream(b)
    a.page.locator("textarea[name=body]").fill("Great, see you there")
    a.page.get_by_role("button", name="Send").click()
    expect(b.page.get_by_text("Great, see you there")).to_be_visible()  # bob's open thread
    expect(b.page.locator('[data-live-count="messages"]')).to_have_text("")  # and it is read
    b.screenshot("live-2-thread-updated.png")

    notify(recipient=alice, kind=NotificationKind.FOLLOW, actor=bob, text="Bob follows you.")
    expect(a.page.locator('[data-live-count="notifications"]').first).to_have_text("1")
    post_publish(author=bob, body="Saturday's plan", visibility="connections")  # fan-out
    expect(a.page.get_by_role("link", name="1 new post")).to_be_visible()
    a.screenshot("live-3-new-post.png")
    assert not a.csp_violations() and not b.csp_violations(), a.errors + b.errors
