"""A Mastodon app signs someone in through Kith's authorize page: the visitor logs in, sees
what the app asks for, approves, and (out of band) copies the code, or is sent back to the
app. The code is then exchanged for a token that works on the API."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from playwright.sync_api import expect
from tests.conftest import PASSWORD, make_person

OOB = "urn:ietf:wg:oauth:2.0:oob"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def register(tab, redirect_uri: str) -> dict:
    response = tab.page.request.post(
        "/api/v1/apps",
        data={
            "client_name": "Pocket Toot",
            "redirect_uris": redirect_uri,
            "scopes": "read write",
            "website": "https://pocket.example",
        },
    )
    assert response.status == 200, response.text()
    return response.json()


def exchange(tab, app: dict, code: str, redirect_uri: str) -> str:
    response = tab.page.request.post(
        "/oauth/token",
        form={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert response.status == 200, response.text()
    return response.json()["access_token"]


def test_log_in_approve_and_copy_the_oob_code(open_tab):
    make_person("hazel")
    tab = open_tab()
    page = tab.page
    app = register(tab, OOB)
    query = {
        "client_id": app["client_id"],
        "response_type": "code",
        "redirect_uri": OOB,
        "scope": "read write",
    }
    page.goto("/oauth/authorize?" + urlencode(query))

    # 1. Not signed in: the log-in page first, which comes back to the consent page.
    expect(page).to_have_url(re.compile(r"/login/\?next=/oauth/authorize"))
    page.locator("input[name=username]").fill("hazel")
    page.locator("input[name=password]").fill(PASSWORD)
    tab.screenshot("oauth-01-login.png")
    page.get_by_role("button", name="Log in", exact=True).click()

    # 2. The consent page names the app, the account and what it may do.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Let Pocket Toot use your Kith account?"
    )
    scopes = page.get_by_role("list", name="What the app may do")
    expect(scopes).to_contain_text("read")
    expect(scopes).to_contain_text("write")
    expect(page.get_by_text("wants to act as @hazel")).to_be_visible()
    tab.screenshot("oauth-02-consent.png")
    page.get_by_role("button", name="Authorize").click()

    # 3. Out of band: the code is shown to copy into the app.
    expect(page.get_by_role("heading", level=1)).to_have_text("Copy this code into Pocket Toot")
    code = page.get_by_label("Authorization code").input_value()
    assert len(code) >= 20
    tab.screenshot("oauth-03-oob-code.png")

    token = exchange(tab, app, code, OOB)
    who = page.request.get(
        "/api/v1/apps/verify_credentials", headers={"Authorization": f"Bearer {token}"}
    )
    assert who.status == 200 and who.json()["name"] == "Pocket Toot"
    assert tab.csp_violations() == []


def test_approve_sends_the_code_back_to_the_app_on_another_origin(open_tab, live_server):
    make_person("hazel")
    tab = open_tab()
    page = tab.page
    # Another origin than the site's (localhost vs 127.0.0.1): the redirect that follows the
    # consent form must not be blocked by the page's Content-Security-Policy form-action.
    callback = live_server.url.replace("127.0.0.1", "localhost") + "/app-callback"
    app = register(tab, callback)
    page.goto("/login/")
    page.locator("input[name=username]").fill("hazel")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page.get_by_role("button", name="Log out @hazel")).to_be_visible()

    query = {
        "client_id": app["client_id"],
        "response_type": "code",
        "redirect_uri": callback,
        "scope": "read",
        "state": "xyz",
    }
    page.goto("/oauth/authorize?" + urlencode(query))
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(re.compile(r"/app-callback\?"))
    back = parse_qs(urlsplit(page.url).query)
    assert back["state"] == ["xyz"]
    token = exchange(tab, app, back["code"][0], callback)
    assert (
        page.request.get(
            "/api/v1/endorsements", headers={"Authorization": f"Bearer {token}"}
        ).status
        == 200
    )
    assert tab.csp_violations() == []
