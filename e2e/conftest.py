"""Browser end-to-end fixtures: Debian's Chromium driven by Playwright against `live_server`.

Playwright's sync API runs an asyncio event loop in the test thread, which makes Django refuse
ORM calls from that thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The live server thread runs
in this same process, so django.core.mail.outbox sees the mail it sends.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.cache import cache
from tests.conftest import uvicorn_server  # noqa: F401  (kith.asgi under uvicorn, for streams)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TIMEOUT_MS = 10_000


@dataclass
class Tab:
    """A page in its own browser context (its own cookies), with the console errors it logged."""

    page: object
    errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)

    def csp_violations(self) -> list[str]:
        return [e for e in self.errors if "content security policy" in e.lower()]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def open_tab(browser, live_server) -> Iterator[Callable[[], Tab]]:
    """Return a function opening a fresh browser context; all are closed after the test."""
    contexts = []

    def open_() -> Tab:
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        tab = Tab(page=context.new_page())
        tab.page.on(
            "console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None
        )
        tab.page.on("pageerror", lambda error: tab.errors.append(f"pageerror: {error}"))
        return tab

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Log-in rate limits live in the cache; start every test with none."""
    cache.clear()
    yield
    cache.clear()
