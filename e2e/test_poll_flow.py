"""A poll from the compose box to its results.

Anna opens "Add a poll" in the compose box, writes three options, lets voters choose
several and publishes; Ben sees the voting form on her post, votes for two options (htmx
swaps in the results: the share of voters per option, his choices marked); Anna sees the
counts of her poll.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.conftest import make_person

from e2e.helpers import log_in
from kith.conversations.models import Poll, PollVote

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_compose_a_poll_vote_and_see_the_results(open_tab, live_server, settings):
    settings.BASE_URL = live_server.url
    for handle in ["anna", "ben"]:
        make_person(handle)

    # 1. Anna writes a post with a poll.
    anna_tab = open_tab()
    anna = anna_tab.page
    log_in(anna_tab, "anna")
    anna.goto("/")
    anna.get_by_label("Write", exact=True).fill("Which glaze for the new mugs?")
    anna.get_by_text("Add a poll").click()
    anna.get_by_label("Option 1", exact=True).fill("Celadon")
    anna.get_by_label("Option 2", exact=True).fill("Tenmoku")
    anna.get_by_label("Option 3 (optional)").fill("Shino")
    anna.get_by_label("Poll open for").select_option(label="1 day")
    anna.get_by_label("Voters may choose several options").check()
    anna.get_by_role("button", name="Publish").click()
    expect(anna.get_by_role("status")).to_contain_text("Posted.")
    poll = Poll.objects.get()
    assert poll.options == ["Celadon", "Tenmoku", "Shino"] and poll.multiple
    expect(anna.get_by_test_id("poll")).to_contain_text("0 people voted")
    post_url = poll.post.get_absolute_url()

    # 2. Ben votes for two options; the results replace the form in place.
    ben_tab = open_tab()
    ben = ben_tab.page
    log_in(ben_tab, "ben")
    ben.goto(post_url)
    form = ben.get_by_role("group", name="Choose one or more")
    form.get_by_label("Celadon").check()
    form.get_by_label("Shino").check()
    ben.get_by_role("button", name="Vote").click()
    expect(ben.get_by_test_id("poll-percent")).to_have_text(["100%", "0%", "100%"])
    expect(ben.get_by_test_id("poll")).to_contain_text("1 person voted")
    expect(ben.get_by_role("meter", name="Celadon: 100%, 1 vote")).to_be_visible()
    assert sorted(PollVote.objects.values_list("choice", flat=True)) == [0, 2]
    ben_tab.screenshot("60-poll-voted.png")
    assert not ben_tab.errors and not ben_tab.csp_violations()

    # 3. Anna sees the counts of her poll.
    anna.reload()
    expect(anna.get_by_test_id("poll-percent")).to_have_text(["100%", "0%", "100%"])
    assert not anna_tab.errors
