"""A community from its creation to a moderated post, in two browsers.

Olga starts an approval-only community; Pia asks to join (htmx, no reload) and Olga approves
her on the members page. Pia posts a question in the community from its page, follows
#compost from the tag page, and reports another post; Olga removes it from the reports
queue; Pia reads the moderation log.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.conftest import make_person

from e2e.helpers import log_in
from kith.communities.models import PostRemoval, TopicFollow
from kith.conversations import actions as post_actions
from kith.conversations.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_community_join_post_report_and_remove(open_tab, live_server, settings):
    settings.BASE_URL = live_server.url
    olga, pia = make_person("olga"), make_person("pia")

    # 1. Olga starts a community that needs approval.
    olga_tab = open_tab()
    owner = olga_tab.page
    log_in(olga_tab, "olga")
    owner.goto("/c/")
    owner.get_by_role("link", name="Start a community").click()
    owner.get_by_label("Address").fill("balcony")
    owner.get_by_label("Name").fill("Balcony gardeners")
    owner.get_by_label("Rules").fill("Be kind\nNo adverts")
    owner.get_by_label("Who can join").select_option("approval")
    owner.get_by_role("button", name="Create").click()
    expect(owner.get_by_role("status")).to_contain_text("You are its owner")
    expect(owner.get_by_text("No adverts")).to_be_visible()

    # 2. Pia asks to join: the box changes in place.
    pia_tab = open_tab()
    member = pia_tab.page
    log_in(pia_tab, "pia")
    member.goto("/c/balcony")
    member.get_by_test_id("community-join").click()
    expect(member.get_by_test_id("membership-state")).to_have_text("Asked to join")

    # 3. Olga approves her.
    owner.goto("/c/balcony/members?status=requested")
    owner.get_by_role("button", name="Approve").click()
    expect(owner.get_by_role("status")).to_contain_text("Done.")

    # 4. Pia asks a question in the community, from its page.
    member.goto("/c/balcony")
    expect(member.get_by_test_id("membership-state")).to_have_text("Member")
    member.get_by_test_id("community-compose").click()
    expect(member.get_by_label("Community")).to_have_value("balcony")
    member.get_by_label("Write", exact=True).fill("Which tomatoes grow in pots? #compost")
    member.get_by_role("radio", name="Question").check()
    member.get_by_role("button", name="Publish").click()
    expect(member.get_by_role("status")).to_contain_text("Question asked.")
    question = Post.objects.get(author=pia)
    assert question.community.slug == "balcony"
    member.goto("/c/balcony/questions?unanswered=1")
    expect(member.get_by_text("Which tomatoes grow in pots?")).to_be_visible()
    pia_tab.screenshot("60-community-questions.png")

    # 5. Pia follows #compost from the tag page.
    member.goto("/tags/compost")
    member.get_by_test_id("tag-follow").click()
    expect(member.get_by_test_id("tag-unfollow")).to_be_visible()
    assert TopicFollow.objects.filter(person=pia, hashtag__name="compost").exists()

    # 6. An advert appears; Pia reports it, Olga removes it from the queue.
    advert = post_actions.post_publish(
        author=olga, body="Buy my plant food!", community=question.community
    )
    member.goto(advert.get_absolute_url())
    member.get_by_test_id("community-report").click()
    member.get_by_label("What is wrong with this post?").fill("An advert")
    member.get_by_role("button", name="Report").click()
    expect(member.get_by_role("status")).to_contain_text("Reported.")
    owner.goto("/c/balcony/moderation")
    expect(owner.get_by_text("An advert")).to_be_visible()
    olga_tab.screenshot("61-community-reports.png")
    owner.get_by_test_id("report-remove").click()
    expect(owner.get_by_text("No open reports.")).to_be_visible()
    assert PostRemoval.objects.filter(post=advert).exists()

    # 7. The advert is gone from the feed; the log says why.
    member.goto("/c/balcony")
    expect(member.get_by_text("Which tomatoes grow in pots?")).to_be_visible()
    expect(member.get_by_text("Buy my plant food!")).to_have_count(0)
    member.goto("/c/balcony/log")
    expect(member.get_by_test_id("log-entry").first).to_contain_text("resolved a report")
    expect(member.get_by_test_id("moderation-log")).to_contain_text("removed a post")
    pia_tab.screenshot("62-community-log.png")
    assert not olga_tab.csp_violations() and not pia_tab.csp_violations()
