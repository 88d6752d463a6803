"""A question from the compose box to an accepted answer and a story of how it was used.

Anna asks (with a link and an image) through the compose box, watching the live count and
the preview; Ben answers on the thread page; Anna accepts; Cleo follows the link, marks
"how I used it" with a public story; Anna sees the story and the link's click count.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect
from tests.conftest import make_person

from e2e.helpers import log_in
from kith.conversations.models import Post, ShortLink

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = "https://example.org/compost-guide"
QUESTION = f"How do I start a **compost** heap on a balcony? #compost\n\nI read {LINK} already."


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (90, 140, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_question_answer_accept_and_used_it(open_tab, live_server, settings):
    # Stored post HTML links to BASE_URL (short links, tags): make it the live server.
    settings.BASE_URL = live_server.url
    for handle in ["anna", "ben", "cleo"]:
        make_person(handle)

    # 1. Anna writes a question in the compose box: live count, preview, image, publish.
    anna_tab = open_tab()
    anna = anna_tab.page
    log_in(anna_tab, "anna")
    anna.goto("/")
    anna.get_by_label("Write", exact=True).fill(QUESTION)
    expect(anna.get_by_test_id("char-count")).to_have_text(f"{len(QUESTION)} / 5,000")
    anna.get_by_role("radio", name="Question").check()
    anna.get_by_label("Image 1", exact=True).set_input_files(
        {"name": "heap.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    anna.get_by_label("Description (alt text) of image 1").fill("A wooden compost box")
    anna.get_by_role("button", name="Preview").click()
    expect(anna.get_by_test_id("preview").locator("strong")).to_have_text("compost")
    expect(anna.get_by_test_id("preview-count")).to_contain_text(f"{len(QUESTION)} / 5000")
    anna_tab.screenshot("20-compose-preview.png")
    anna.get_by_role("button", name="Publish").click()
    expect(anna.get_by_role("status")).to_contain_text("Question asked.")
    expect(anna.get_by_test_id("question-state")).to_have_text("Open question")
    expect(anna.get_by_role("img", name="A wooden compost box")).to_be_visible()
    question = Post.objects.get(kind="question")
    assert anna.url.endswith(question.get_absolute_url())
    anna_tab.screenshot("21-question.png")

    # 2. Ben answers on the thread page.
    ben_tab = open_tab()
    ben = ben_tab.page
    log_in(ben_tab, "ben")
    ben.goto("/questions/")
    ben.get_by_role("link", name="Answer", exact=True).click()
    ben.get_by_label("Your answer").fill("Use a bokashi bin: small, sealed, no smell.")
    ben.get_by_role("button", name="Post answer").click()
    expect(ben.get_by_role("status")).to_contain_text("Answer posted.")
    expect(ben.locator("main")).to_contain_text("bokashi bin")
    ben_tab.screenshot("22-answered.png")

    # 3. Anna accepts it.
    anna.reload()
    anna.get_by_role("button", name="Accept this answer").click()
    expect(anna.get_by_role("status")).to_contain_text("Answer accepted.")
    expect(anna.get_by_test_id("accepted")).to_be_visible()
    expect(anna.get_by_test_id("question-state")).to_have_text("Answered")
    anna_tab.screenshot("23-accepted.png")

    # 4. Cleo follows the link (through its short link), then says how she used it, publicly.
    cleo_tab = open_tab()
    cleo = cleo_tab.page
    cleo.route(
        "https://example.org/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<title>Guide</title><p>Compost guide</p>"
        ),
    )
    log_in(cleo_tab, "cleo")
    cleo.goto(question.get_absolute_url())
    short = ShortLink.objects.get(post=question)
    link = cleo.get_by_role("link", name=LINK)
    expect(link).to_have_attribute("href", f"{live_server.url}/s/{short.code}")
    link.click()
    expect(cleo.locator("body")).to_contain_text("Compost guide")
    cleo.goto(question.get_absolute_url())
    cleo.get_by_text("I used this: tell Anna how").click()
    story = "Started a bokashi bin on my balcony. Tomatoes love it."
    cleo.get_by_label("How did you use it?").fill(story)
    cleo.get_by_label("Everyone who can see the post may read my story").check()
    cleo.get_by_role("button", name="Share how I used it").click()
    expect(cleo.get_by_role("status")).to_contain_text("the author will read how you used it")
    expect(cleo.get_by_test_id("story")).to_contain_text("Tomatoes love it.")
    cleo_tab.screenshot("24-story.png")

    # 5. Anna sees the story and how often the link was followed.
    anna.reload()
    expect(anna.get_by_test_id("story")).to_contain_text("Tomatoes love it.")
    links = anna.locator("section.post-links")
    expect(links).to_contain_text(LINK)
    expect(links.locator("tbody td").nth(1)).to_have_text("1")
    anna_tab.screenshot("25-author-sees-story-and-clicks.png")

    for tab in (anna_tab, ben_tab, cleo_tab):
        assert not tab.csp_violations(), tab.errors
