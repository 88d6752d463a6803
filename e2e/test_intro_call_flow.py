"""A stranger invites someone whose policy is “intro call first”: the invitation is answered
with an intro call, the host offers a time, the stranger picks it, both see the call, they say
“we talked”, and the new connection sees the host's connections-only card line.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.conftest import make_person

from e2e.helpers import log_in
from kith.people.actions import contact_field_add
from kith.people.models import InvitationPolicy
from kith.relationships.models import IntroCall

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "+351 912 345 678"  # visible to connections only


def test_intro_call_first(open_tab):
    host = make_person("ines")
    host.invitation_policy = InvitationPolicy.INTRO_CALL
    host.save()
    contact_field_add(person=host, kind="phone", value=PHONE, visibility="connections")
    make_person("tomas")

    # 1. The stranger sees no phone, and invites.
    guest_tab = open_tab()
    guest = guest_tab.page
    log_in(guest_tab, "tomas")
    guest.goto("/@ines")
    expect(guest.locator("main")).not_to_contain_text(PHONE)
    guest.get_by_role("link", name="Connect", exact=True).click()
    expect(guest.locator("main")).to_contain_text("short intro call")
    guest.get_by_label("How do you know each other?").select_option(label="Other")
    guest.get_by_label("In a few words").fill("I read your talk on community gardens")
    guest.get_by_role("button", name="Send invitation").click()
    expect(guest.get_by_role("status")).to_contain_text("intro call is offered")
    expect(guest.get_by_test_id("call-status")).to_have_text("Times proposed")
    guest_tab.screenshot("10-intro-offered.png")
    call = IntroCall.objects.get()

    # 2. The host is told, opens the call and offers a time.
    host_tab = open_tab()
    page = host_tab.page
    log_in(host_tab, "ines")
    page.goto("/notifications/")
    page.get_by_role("link", name="Offer Tomas a few times for an intro call.").click()
    day = (timezone.now() + timedelta(days=3)).date()
    page.get_by_label("Time 1").fill(datetime.combine(day, time(15, 30)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Time zone").select_option("Europe/Lisbon")
    page.get_by_label("Video link (https://…)").fill("https://meet.example.org/ines-tomas")
    page.get_by_role("button", name="Offer these times").click()
    expect(page.get_by_role("status")).to_contain_text("Times offered.")
    host_tab.screenshot("11-times-offered.png")

    # 3. The stranger picks the time; both see the scheduled call and can get the invite.
    guest.goto(f"/intro-calls/{call.pk}/")
    guest.get_by_role("radio").first.check()
    guest.get_by_role("button", name="Pick this time").click()
    expect(guest.get_by_test_id("call-status")).to_have_text("Scheduled")
    expect(guest.locator("main")).to_contain_text("15:30")
    expect(guest.get_by_role("link", name="Download calendar invite (.ics)")).to_be_visible()
    guest_tab.screenshot("12-scheduled-guest.png")
    page.reload()
    expect(page.get_by_test_id("call-status")).to_have_text("Scheduled")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download calendar invite (.ics)").click()
    with open(download.value.path(), "rb") as ics:
        assert b"BEGIN:VCALENDAR" in ics.read()
    host_tab.screenshot("13-scheduled-host.png")

    # 4. Time passes; after the call the stranger says they talked and the host confirms.
    IntroCall.objects.filter(pk=call.pk).update(starts_at=timezone.now() - timedelta(minutes=25))
    guest.reload()
    guest.get_by_role("button", name="We talked").click()
    expect(guest.get_by_test_id("call-status")).to_contain_text("Waiting for confirmation")
    page.reload()
    page.get_by_role("button", name="Yes, we talked — connect").click()
    expect(page.get_by_role("status")).to_contain_text("You are connected.")
    host_tab.screenshot("14-connected.png")

    # 5. The new connection sees the connections-only line of the card.
    guest.goto("/@ines")
    expect(guest.locator("main")).to_contain_text("Connected since")
    expect(guest.locator("main")).to_contain_text(PHONE)
    guest_tab.screenshot("15-card-as-new-connection.png")
    assert not guest_tab.csp_violations() and not host_tab.csp_violations()
