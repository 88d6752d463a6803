"""A new person signs up, confirms their email, fills their contact card, and three viewers
(a connection, a stranger and an anonymous visitor) each see only what they are allowed to.

Everything goes through the real UI in Chromium, except creating the two other people and the
connection itself (the invitation UI does not exist yet).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect
from tests.conftest import PASSWORD, make_person

from e2e.helpers import log_in
from kith.people.models import Person
from kith.relationships.actions.connections import connection_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HANDLE = "hazel"
ORGANISATION = "Hedgerow Pottery"  # public
ORGANISATION_EDITED = "Hedgerow Pottery Co-op"  # the same line after the inline edit
PHONE = "+44 7700 900123"  # connections
LOCATION = "12 Quiet Lane, Frome"  # only me


def add_line(page, kind: str, value: str, visibility: str) -> None:
    form = page.locator("form#add-field")
    form.get_by_label("Kind").select_option(label=kind)
    form.get_by_label("Value").fill(value)
    form.get_by_label("Visibility").select_option(label=visibility)
    form.get_by_role("button", name="Add to card").click()
    expect(page.get_by_role("status")).to_contain_text("Field added to your card.")


def expect_row(page, label: str, value: str, visibility: str) -> None:
    row = page.get_by_role("region", name=label, exact=True)
    expect(row.get_by_label("Value")).to_have_value(value)
    expect(row.get_by_label("Visibility")).to_have_value(visibility)


def test_sign_up_fill_card_and_see_it_as_others(open_tab, live_server, settings):
    # Confirmation links point at BASE_URL: make it the live server, so the mailed link works as is.
    settings.BASE_URL = live_server.url
    mail.outbox.clear()

    # 1. Sign up.
    me = open_tab()
    page = me.page
    page.goto("/signup/")
    page.get_by_label("Handle").fill(HANDLE)
    page.get_by_label("Name", exact=True).fill("Hazel Brook")
    page.get_by_label("Email").fill("hazel@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    me.screenshot("01-signup.png")
    page.get_by_role("button", name="Sign up", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/signup/sent/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.locator("main")).to_contain_text("hazel@example.com")
    me.screenshot("01-signup-sent.png")

    # 2. Open the link from the confirmation mail: logged in, on the card settings page.
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    message = mail.outbox[0]
    assert message.to == ["hazel@example.com"]
    links = re.findall(r"https?://\S+/confirm/\S+/", message.body)
    assert len(links) == 1, message.body
    assert links[0].startswith(live_server.url)
    page.goto(links[0])
    expect(page).to_have_url(f"{live_server.url}/settings/card/")
    expect(page.get_by_role("status")).to_contain_text("Your email is confirmed")
    expect(page.get_by_role("button", name=f"Log out @{HANDLE}")).to_be_visible()
    expect(page.locator("#card-rows")).to_contain_text("Your card is empty.")

    # 3. Fill the card with one line per audience.
    add_line(page, "Organisation", ORGANISATION, "Public")
    add_line(page, "Phone", PHONE, "Connections")
    add_line(page, "Location", LOCATION, "Only me")
    expect_row(page, "Organisation", ORGANISATION, "public")
    expect_row(page, "Phone", PHONE, "connections")
    expect_row(page, "Location", LOCATION, "only_me")

    # Edit one line in place: htmx (served from /static/) posts the row form and swaps the row.
    expect(page.locator('script[src^="/static/"][src*="htmx"]')).to_have_count(1)
    assert page.evaluate("typeof window.htmx") == "object"
    page.evaluate("window.__kithNoReload = true")
    row = page.get_by_role("region", name="Organisation", exact=True)
    row.get_by_label("Value").fill(ORGANISATION_EDITED)
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/settings/card/" in r.url
    ) as saved:
        row.get_by_role("button", name="Save", exact=True).click()
    assert saved.value.status == 200
    assert saved.value.request.headers.get("hx-request") == "true"
    expect(row.get_by_role("status")).to_have_text("Saved")
    expect(row.get_by_label("Value")).to_have_value(ORGANISATION_EDITED)
    assert page.evaluate("window.__kithNoReload") is True, "the row save reloaded the page"
    expect(page.get_by_role("region", name="Organisation", exact=True)).to_have_count(1)
    me.screenshot("02-card.png")

    # The owner's own profile shows every line, each with its audience.
    page.goto(f"/@{HANDLE}")
    card = page.get_by_test_id("card")
    for value in (ORGANISATION_EDITED, PHONE, LOCATION):
        expect(card).to_contain_text(value)
    expect(card.locator(".badge")).to_have_text(["Public", "Connections", "Only me"])

    # 4. A connection sees the public and connections lines, never the only-me one.
    hazel = Person.objects.get(handle=HANDLE)
    friend = make_person("fern")
    make_person("gus")
    connection_create(person=hazel, other=friend, how_met="in_person")

    as_friend = open_tab()
    log_in(as_friend, "fern")
    as_friend.page.goto(f"/@{HANDLE}")
    expect(as_friend.page.get_by_role("heading", level=1)).to_have_text("Hazel Brook")
    expect(as_friend.page.locator("main")).to_contain_text("Connected since")
    card = as_friend.page.get_by_test_id("card")
    expect(card).to_contain_text(ORGANISATION_EDITED)
    expect(card).to_contain_text(PHONE)
    expect(as_friend.page.locator("body")).not_to_contain_text(LOCATION)
    expect(card.locator(".badge")).to_have_count(0)
    as_friend.screenshot("03-as-connection.png")

    # 5. A stranger, and an anonymous visitor, see only the public line.
    as_stranger = open_tab()
    log_in(as_stranger, "gus")
    anonymous = open_tab()
    for tab, shot in ((as_stranger, "04-as-stranger.png"), (anonymous, "05-anonymous.png")):
        tab.page.goto(f"/@{HANDLE}")
        expect(tab.page.get_by_role("heading", level=1)).to_have_text("Hazel Brook")
        card = tab.page.get_by_test_id("card")
        expect(card).to_contain_text(ORGANISATION_EDITED)
        body = tab.page.locator("body")
        for hidden in (PHONE, LOCATION, "Connected since"):
            expect(body).not_to_contain_text(hidden)
        expect(card.locator(".card-row")).to_have_count(1)
        tab.screenshot(shot)

    # No page broke the Content-Security-Policy (an inline script or style), threw, or logged
    # any other console error (such as a missing static file).
    for tab in (me, as_friend, as_stranger, anonymous):
        assert tab.csp_violations() == []
        assert tab.errors == []
