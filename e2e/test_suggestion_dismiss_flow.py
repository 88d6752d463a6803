"""The "Not interested" button on the Suggestions page, in the browser.

Anna's connection Ben knows Cara and Dan, so both are among the people Anna may want to
meet. She says she is not interested in Cara: the card goes at once (htmx, no reload), and
Cara stays out of her suggestions after a reload while Dan is still there.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.conftest import make_person

from e2e.helpers import log_in
from kith.relationships.actions.connections import connection_create
from kith.relevance.models import SuggestionDismissal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_not_interested_removes_a_suggested_person(open_tab, live_server, settings):
    settings.BASE_URL = live_server.url
    anna, ben, cara, dan = (make_person(h) for h in ("anna", "ben", "cara", "dan"))
    connection_create(person=anna, other=ben, how_met="in_person")
    for friend in (cara, dan):
        connection_create(person=ben, other=friend, how_met="in_person")

    tab = open_tab()
    page = tab.page
    log_in(tab, "anna")
    page.goto("/suggestions/")
    people = page.get_by_test_id("person-suggestion")
    expect(people).to_have_count(2)
    card = people.filter(has_text="@cara")
    card.get_by_role("button", name="Not interested in Cara").click()
    expect(people).to_have_count(1)
    expect(people.first).to_contain_text("@dan")
    assert SuggestionDismissal.objects.filter(person=anna, dismissed=cara).exists()
    tab.screenshot("80-suggestion-dismissed.png")

    page.reload()
    expect(people).to_have_count(1)
    expect(page.get_by_test_id("people-to-meet")).not_to_contain_text("@cara")
    assert tab.csp_violations() == []
