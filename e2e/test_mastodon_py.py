"""Kith through Mastodon.py, the Python client library from PyPI, unchanged: an app is
created, a person signs up, confirms their address and logs in through the authorize page in
Chromium, then uses the API the way a bot or an app does. Kith runs as `kith.asgi` under
uvicorn on a free loopback port (`uvicorn_server`), so the live stream is the real one."""

from __future__ import annotations

import io
import queue
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect
from tests.conftest import PASSWORD, make_person
from tests.mastodon.oauth_helpers import user_token

from mastodon import Mastodon, MastodonAPIError, MastodonNotFoundError, StreamListener

OOB = "urn:ietf:wg:oauth:2.0:oob"
SCOPES = ["read", "write", "follow", "push"]
TIMEOUT_S = 20

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(uvicorn_server, settings):
    """The live server's URL, which is also the site's own (links, the streaming URL)."""
    settings.BASE_URL = uvicorn_server.url
    return uvicorn_server.url


@pytest.fixture
def tab(browser, site):
    context = browser.new_context(base_url=site)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def client(site: str, **kwargs) -> Mastodon:
    return Mastodon(
        api_base_url=site, version_check_mode="none", request_timeout=TIMEOUT_S, **kwargs
    )


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(out, format="PNG")
    out.seek(0)
    return out


class Collect(StreamListener):
    def __init__(self) -> None:
        self.updates: queue.Queue = queue.Queue()
        self.notifications: queue.Queue = queue.Queue()

    def on_update(self, status) -> None:
        self.updates.put(status)

    def on_notification(self, notification) -> None:
        self.notifications.put(notification)


def sign_up_and_log_in(site: str, tab) -> Mastodon:
    """Create an app, register quinn, confirm the address, log in on the authorize page."""
    client_id, client_secret = Mastodon.create_app(
        "Pocket Bot", scopes=SCOPES, redirect_uris=OOB, api_base_url=site
    )
    app = client(site, client_id=client_id, client_secret=client_secret)

    mail.outbox.clear()
    first_token = app.create_account("quinn", PASSWORD, "quinn@example.org", agreement=True)
    assert first_token
    # The token answered by sign-up works only once the address is confirmed.
    with pytest.raises(MastodonAPIError):
        client(site, access_token=first_token).account_verify_credentials()
    (message,) = [m for m in mail.outbox if "quinn@example.org" in m.to]
    link = re.search(r"https?://\S+/confirm/\S+/", message.body).group(0)
    tab.goto(link)
    assert client(site, access_token=first_token).account_verify_credentials()["acct"] == "quinn"

    # A second device logs in the usual way: the authorize page, out of band.
    tab.goto(
        app.auth_request_url(redirect_uris=OOB, scopes=SCOPES, force_login=True, allow_http=True)
    )
    tab.locator("input[name=username]").fill("quinn")
    tab.locator("input[name=password]").fill(PASSWORD)
    tab.get_by_role("button", name="Log in", exact=True).click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(
        "Let Pocket Bot use your Kith account?"
    )
    tab.get_by_role("button", name="Authorize").click()
    code = tab.get_by_label("Authorization code").input_value()
    token = app.log_in(code=code, redirect_uri=OOB, scopes=SCOPES, allow_http=True)
    assert token and token != first_token
    quinn = client(site, access_token=token)
    assert quinn.app_verify_credentials()["name"] == "Pocket Bot"
    return quinn


def test_a_person_uses_kith_through_mastodon_py(site, tab):
    alice_person = make_person("alice")
    quinn = sign_up_and_log_in(site, tab)
    me = quinn.me()
    assert me["acct"] == "quinn"
    alice = client(site, access_token=user_token(alice_person, scope=" ".join(SCOPES)))
    alice_id = alice.me()["id"]

    # Follow, and what the followed person posts reaches the home timeline.
    relationship = quinn.account_follow(alice_id)
    assert relationship["following"] is True
    hello = alice.status_post("Hello from Alice, who likes #gardening")
    assert hello["id"] in [s["id"] for s in quinn.timeline_home()]

    # Post with media, and a post with a poll.
    media = quinn.media_post(png(), mime_type="image/png", description="A blue square")
    assert media["type"] == "image" and media["description"] == "A blue square"
    pictured = quinn.status_post("A picture", media_ids=[media["id"]])
    assert [m["id"] for m in pictured["media_attachments"]] == [media["id"]]
    polled = quinn.status_post(
        "Tea or coffee?", poll=quinn.make_poll(["Tea", "Coffee"], expires_in=3600)
    )
    assert [o["title"] for o in polled["poll"]["options"]] == ["Tea", "Coffee"]
    voted = alice.poll_vote(polled["poll"]["id"], [1])
    assert voted["voted"] is True and voted["votes_count"] == 1

    # Reply, and the thread's context.
    reply = alice.status_post("Coffee, always", in_reply_to_id=polled["id"])
    context = quinn.status_context(polled["id"])
    assert [s["id"] for s in context["descendants"]] == [reply["id"]]
    assert quinn.status_context(reply["id"])["ancestors"][0]["id"] == polled["id"]

    # Favourite and reblog; Alice is told.
    assert quinn.status_favourite(hello["id"])["favourited"] is True
    reblog = quinn.status_reblog(hello["id"])
    assert reblog["reblog"]["id"] == hello["id"]
    assert [a["id"] for a in alice.status_favourited_by(hello["id"])] == [me["id"]]
    kinds = {(n["type"], n["account"]["id"]) for n in alice.notifications()}
    assert {("follow", me["id"]), ("favourite", me["id"]), ("reblog", me["id"])} <= kinds
    assert ("mention", alice_id) in {(n["type"], n["account"]["id"]) for n in quinn.notifications()}

    # Lists.
    close = quinn.list_create("Close friends")
    quinn.list_accounts_add(close["id"], [alice_id])
    assert [a["id"] for a in quinn.list_accounts(close["id"])] == [alice_id]
    assert hello["id"] in [s["id"] for s in quinn.timeline_list(close["id"])]

    # Search.
    found = quinn.search_v2("alice", result_type="accounts")
    assert alice_id in [a["id"] for a in found["accounts"]]
    found = quinn.search_v2("gardening", result_type="hashtags")
    assert "gardening" in [t["name"] for t in found["hashtags"]]

    # Markers.
    quinn.markers_set("home", hello["id"])
    assert quinn.markers_get("home")["home"]["last_read_id"] == str(hello["id"])

    # Edit, with its history; delete, which answers the source text.
    edited = quinn.status_update(pictured["id"], "A picture of a blue square")
    assert "blue square" in edited["content"] and edited["edited_at"] is not None
    assert len(quinn.status_history(pictured["id"])) == 2
    deleted = quinn.status_delete(pictured["id"])
    assert deleted["text"] == "A picture of a blue square"
    with pytest.raises(MastodonNotFoundError):
        quinn.status(pictured["id"])

    # Live: the user stream receives a new status from someone followed, and a notification.
    listener = Collect()
    handle = quinn.stream_user(listener, run_async=True, timeout=TIMEOUT_S)
    try:
        assert handle.is_alive()
        fresh = alice.status_post("Live from the garden")
        assert listener.updates.get(timeout=TIMEOUT_S)["id"] == fresh["id"]
        alice.status_favourite(polled["id"])
        notification = listener.notifications.get(timeout=TIMEOUT_S)
        assert (notification["type"], notification["status"]["id"]) == ("favourite", polled["id"])
    finally:
        handle.close()

    # Filters (v2): a warning filter marks matching statuses in the home timeline.
    made = quinn.create_filter_v2(
        "Gardening",
        context=["home"],
        filter_action="warn",
        keywords_attributes=[{"keyword": "gardening", "whole_word": True}],
    )
    assert [f["id"] for f in quinn.filters_v2()] == [made["id"]]
    home = {s["id"]: s for s in quinn.timeline_home()}
    assert [r["filter"]["id"] for r in home[hello["id"]]["filtered"]] == [made["id"]]
