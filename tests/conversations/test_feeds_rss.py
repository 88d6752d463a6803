"""RSS and Atom feeds of a person's and a tag's public posts: valid, linked, never private."""

from __future__ import annotations

import feedparser
import pytest

from kith.conversations import actions
from tests.conversations.visibility_cases import CASES, client_for, viewers  # noqa: F401

FEEDS = ["/@alice/feed.rss", "/@alice/feed.atom", "/tags/plots/feed.rss", "/tags/plots/feed.atom"]


@pytest.fixture
def posts(alice, bob, publish):
    shown = publish(alice, "Public <b>news</b> about #plots: https://example.org & more")
    hidden = {
        visibility: publish(alice, f"Hidden {visibility} #plots", visibility=visibility)
        for visibility in ("followers", "connections", "mentioned")
    }
    actions.post_reply(author=bob, to=shown, body="A reply #plots")  # public reply, by bob
    deleted = publish(alice, "Deleted #plots")
    actions.post_delete(post=deleted, by=alice)
    warned = publish(alice, "Spoiler text #plots", content_warning="Film ending")
    return {"shown": shown, "hidden": hidden, "warned": warned}


@pytest.mark.parametrize("path", FEEDS)
def test_feeds_parse_without_bozo_and_hold_only_public_posts(client, posts, path):
    response = client.get(path)
    assert response.status_code == 200
    kind = "rss" if path.endswith(".rss") else "atom"
    assert response["Content-Type"].startswith(f"application/{kind}+xml")
    parsed = feedparser.parse(response.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version.startswith(kind)
    text = response.content.decode()
    assert "Hidden" not in text and "Deleted" not in text
    links = [entry.link for entry in parsed.entries]
    assert f"http://testserver/@alice/{posts['shown'].pk}" in links
    assert "Spoiler text" not in text  # behind a content warning: the warning only
    shown = next(e for e in parsed.entries if e.link.endswith(str(posts["shown"].pk)))
    assert "news" in shown.get("content", [{"value": shown.get("summary", "")}])[0]["value"]


def test_signed_in_readers_get_the_same_public_feed(client, bob, posts):
    client.force_login(bob)  # bob could see the connections-only post on the page
    assert "Hidden" not in client.get("/@alice/feed.rss").content.decode()


def test_person_feed_leaves_out_replies_and_tag_feed_keeps_them(client, posts):
    assert "A reply" not in client.get("/@alice/feed.atom").content.decode()
    assert "A reply" in client.get("/tags/plots/feed.atom").content.decode()


def test_empty_and_missing_feeds(client, alice, carol):
    parsed = feedparser.parse(client.get("/@carol/feed.atom").content)
    assert not parsed.bozo and parsed.entries == []
    assert client.get("/@nobody/feed.rss").status_code == 404
    assert client.get("/tags/%20/feed.rss").status_code == 404
    assert client.get("/@alice/feed.json").status_code == 404


def test_profile_page_links_its_feeds(client, alice):
    html = client.get("/@alice").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/@alice/feed.atom"' in html


@pytest.mark.parametrize(("visibility", "relationship"), CASES)
@pytest.mark.parametrize("path", FEEDS)
def test_feed_truth_table(client, alice, viewers, publish, path, visibility, relationship):  # noqa: F811
    """Feeds are the anonymous view, whoever asks: only public posts, to every relationship.

    Feed readers fetch without a session, so a feed never depends on one; a signed-in reader
    (a connection, the mentioned, the author) still gets no followers-only or narrower post.
    """
    publish(alice, f"Secret plans #plots for {visibility}", visibility=visibility)
    client_for(client, viewers[relationship])
    response = client.get(path)
    assert response.status_code == 200
    assert ("Secret plans" in response.content.decode()) is (visibility == "public")
