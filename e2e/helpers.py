"""Steps shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import expect
from tests.conftest import PASSWORD


def log_in(tab, handle: str) -> None:
    """Log in as `handle` through the log-in form."""
    page = tab.page
    page.goto("/login/")
    page.locator("input[name=username]").fill(handle)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("button", name=f"Log out @{handle}")).to_be_visible()
