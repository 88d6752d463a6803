"""Issue 6 acceptance, in two browsers against kith.asgi (the live stream is native ASGI).

Anna asks a question tagged #compost; Ben, who follows the topic, sees "1 new post" appear
without reloading, opens his feed, asks "why am I seeing this", and answers; Anna's
notification count changes live and she accepts the answer.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.conftest import make_person

from e2e.helpers import log_in
from e2e.test_live_flow import asgi_server, open_asgi_tab, wait_for_stream  # noqa: F401
from kith.communities.actions import tag_follow
from kith.conversations.models import Post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUESTION = "How wet should a #compost heap be?"


def test_a_topic_question_reaches_its_follower_live_and_gets_an_accepted_answer(open_asgi_tab):  # noqa: F811
    make_person("anna")
    ben_person = make_person("ben")
    tag_follow(person=ben_person, tag="compost")
    anna, ben = open_asgi_tab(), open_asgi_tab()
    log_in(anna, "anna")
    log_in(ben, "ben")
    ben.page.goto("/")
    wait_for_stream(ben)

    # 1. Anna asks; Ben's open page shows "1 new post" without a reload.
    anna.page.goto("/")
    wait_for_stream(anna)
    anna.page.get_by_label("Write", exact=True).fill(QUESTION)
    anna.page.get_by_role("radio", name="Question").check()
    anna.page.get_by_role("button", name="Publish").click()
    expect(anna.page.get_by_role("status")).to_contain_text("Question asked.")
    question = Post.objects.get(kind="question")
    new_posts = ben.page.get_by_role("link", name="1 new post")
    expect(new_posts).to_be_visible()
    ben.screenshot("70-topic-new-post-live.png")

    # 2. Ben follows the link: the question is in his feed; he asks why.
    new_posts.click()
    item = ben.page.get_by_test_id("feed-item").filter(has_text="How wet should a")
    expect(item).to_be_visible()
    item.get_by_text("Why am I seeing this?").click()
    expect(item.get_by_test_id("why")).to_contain_text("compost")
    ben.screenshot("71-why-am-i-seeing-this.png")

    # 3. Ben answers on the question's page; Anna's notification count changes live.
    count = anna.page.locator('[data-live-count="notifications"]').first
    expect(count).to_have_text("")
    ben.page.goto(question.get_absolute_url())
    ben.page.get_by_label("Your answer").fill("Like a wrung-out sponge.")
    ben.page.get_by_role("button", name="Post answer").click()
    expect(ben.page.get_by_role("status")).to_contain_text("Answer posted.")
    expect(count).to_have_text("1")
    anna.screenshot("72-answer-notification-live.png")

    # 4. Anna accepts it.
    anna.page.goto(question.get_absolute_url())
    anna.page.get_by_role("button", name="Accept this answer").click()
    expect(anna.page.get_by_text("Accepted answer")).to_be_visible()
    question.refresh_from_db()
    assert question.accepted_answer is not None
    assert question.accepted_answer.author == ben_person
    anna.screenshot("73-accepted.png")
    assert not anna.csp_violations() and not ben.csp_violations(), anna.errors + ben.errors
