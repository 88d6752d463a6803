"""Upload a LinkedIn export in the browser, watch the import's progress, see the figures;
then the whole acceptance flow of issue 7: dashboard, comparison and a post's journey.

The import task is held back until the page shows it waiting (so the progress is seen), then
run as the worker would; the page, polling with htmx, shows the figures without a reload.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.conftest import make_person

from e2e.helpers import log_in
from kith.archives import actions, samples
from kith.archives.models import Archive
from kith.archives.tasks import import_archive
from kith.conversations import actions as posts
from kith.conversations.models import ShortLink
from kith.people.actions import person_update_profile
from kith.relationships.actions.connections import connection_create
from kith.relationships.actions.follows import follow_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_upload_a_linkedin_export_watch_it_and_see_the_figures(open_tab, tmp_path, monkeypatch):
    make_person("hazel")
    held = []
    monkeypatch.setattr(actions, "_enqueue", held.append)
    export = samples.linkedin_zip(tmp_path / "Basic_LinkedInDataExport.zip", connections=40)
    tab = open_tab()
    page = tab.page
    log_in(tab, "hazel")

    page.goto("/archives/")
    page.get_by_label("Network").select_option(label="LinkedIn")
    page.get_by_label("Archive").set_input_files(str(export))
    page.get_by_role("button", name="Import").click()

    status = page.get_by_test_id("archive-status")
    expect(status).to_have_attribute("data-status", "pending")
    expect(page.get_by_test_id("archive-progress")).to_be_visible()
    tab.screenshot("archive-1-waiting.png")

    assert len(held) == 1
    import_archive.call(archive_id=held[0])  # what the worker does
    expect(status).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("archive-headline")).to_have_text(
        "On LinkedIn: 40 connections, messaged 2."
    )
    figures = page.get_by_test_id("archive-figures")
    expect(figures.get_by_role("row", name="Connections you ever messaged")).to_contain_text("2")
    expect(page.get_by_test_id("archive-talked-with")).to_contain_text("Ada Alvarez0")
    expect(page.get_by_test_id("kith-headline")).to_have_text(
        "On Kith: 0 connections, talked with 0."
    )
    expect(page.get_by_test_id("archive-comparison")).to_contain_text("Posts of your own")
    tab.screenshot("archive-2-figures.png")

    page.get_by_test_id("archive-delete").click()
    expect(page.get_by_role("status")).to_contain_text("deleted, all of it")
    assert not Archive.objects.exists()
    assert tab.errors == []


def test_the_acceptance_flow_upload_progress_dashboard_comparison_and_a_journey(
    open_tab, tmp_path, monkeypatch
):
    """Issue 7's Playwright acceptance: upload a LinkedIn export, watch the progress, see the
    dashboard, the comparison and a post's journey (its tree); screenshots at each step."""
    hazel, bob, dave, carol = (make_person(h) for h in ("hazel", "bob", "dave", "carol"))
    connection_create(person=hazel, other=bob, how_met="in_person")
    ada = make_person("ada")  # her address is in the export, and she may be found by it
    ada.email = "ada.alvarez0@example.com"
    ada.save(update_fields=["email"])
    person_update_profile(person=ada, findable_by_email=True)
    make_person("chiara")  # chiara.alvarez2@… is in it too, but not hers on Kith
    follow_create(follower=dave, target=bob)
    post = posts.post_publish(author=hazel, body="My kiln notes: https://example.org/kiln")
    bobs = posts.post_repost(person=bob, post=post)
    posts.post_repost(person=dave, post=bobs)  # dave shares what bob shared
    posts.post_quote(author=carol, post=post, body="Saving this for winter")
    question = posts.post_publish(author=hazel, body="Best glaze for mugs?", kind="question")
    answer = posts.post_reply(author=bob, to=question, body="A liner glaze")
    posts.post_reply(author=hazel, to=answer, body="Thanks, trying it")
    code = ShortLink.objects.get(post=post).code
    for referrer in ("https://news.example/a", "https://news.example/b", None):
        posts.short_link_follow(viewer=None, code=code, referrer=referrer)
    held = []
    monkeypatch.setattr(actions, "_enqueue", held.append)
    export = samples.linkedin_zip(tmp_path / "Basic_LinkedInDataExport.zip", connections=12)
    tab = open_tab()
    page = tab.page
    log_in(tab, "hazel")

    # Upload, and watch the import wait, then finish, without reloading the page.
    page.goto("/archives/")
    page.get_by_label("Network").select_option(label="LinkedIn")
    page.get_by_label("Archive").set_input_files(str(export))
    page.get_by_role("button", name="Import").click()
    status = page.get_by_test_id("archive-status")
    expect(status).to_have_attribute("data-status", "pending")
    expect(page.get_by_test_id("archive-progress")).to_be_visible()
    tab.screenshot("acceptance-1-upload-progress.png")
    archive_url = page.url
    import_archive.call(archive_id=held[0])  # what the worker does
    expect(status).to_have_attribute("data-status", "done")
    expect(page.get_by_test_id("archive-headline")).to_have_text(
        "On LinkedIn: 12 connections, messaged 2."
    )

    # The dashboard: its headline in words and its charts.
    page.goto("/insights/")
    expect(page.get_by_test_id("headline")).to_contain_text(
        "50% of your posts became conversations"
    )
    expect(page.get_by_role("img", name="Chart: week by week", exact=False)).to_be_visible()
    expect(
        page.get_by_role("img", name="Chart: echo and conversation", exact=False)
    ).to_be_visible()
    tab.screenshot("acceptance-2-dashboard.png")

    # The comparison, reached from the dashboard.
    page.get_by_test_id("insights-archives").click()
    page.get_by_role("link", name="LinkedIn").click()
    assert page.url == archive_url
    expect(page.get_by_test_id("kith-headline")).to_have_text(
        "On Kith: 1 connection, talked with 1."
    )
    expect(page.get_by_test_id("archive-comparison")).to_contain_text("Posts of your own")
    tab.screenshot("acceptance-3-comparison.png")

    # Optional: people from the export who are on Kith and allow being found by email.
    page.get_by_test_id("archive-people").click()
    suggestion = page.get_by_test_id("archive-suggestion")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("Ada Alvarez0 on LinkedIn")
    suggestion.get_by_role("link", name="Invite: how do you know each other?").click()
    expect(page.get_by_label("In a few words")).to_have_value(
        "We are connected on LinkedIn (Engineer, Example Co)."
    )
    tab.screenshot("acceptance-3b-invite-from-archive.png")

    # A post's journey, from the dashboard's drill-down of the posts mostly echoed.
    page.goto("/insights/")
    page.locator("[data-drill=echoed]").click()
    page.get_by_test_id("drill-journey").first.click()
    expect(page.get_by_role("heading", name="The journey of your post")).to_be_visible()
    expect(page.get_by_test_id("journey-summary")).to_have_text(
        "Echoed more than discussed: 6 echoes (2 reposts, 1 quote, 3 link clicks) against 0 in "
        "conversation (0 replies, 0 stories of how it was used)."
    )
    tree = page.get_by_test_id("journey-tree")
    expect(tree.get_by_test_id("journey-share")).to_have_count(3)
    expect(tree).to_contain_text("reposted it via @bob")
    expect(tree).to_contain_text("quoted it")
    expect(page.get_by_test_id("journey-clicks-chart")).to_be_visible()
    expect(page.get_by_test_id("journey-clicks-by-host")).to_contain_text("news.example")
    tab.screenshot("acceptance-4-journey.png")
    assert tab.errors == []
