"""Upload a LinkedIn export in the browser, watch the import's progress, see the figures.

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
