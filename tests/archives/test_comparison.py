"""An archive side by side with Kith (Kith's side from kith.insights, since one joined)."""

from __future__ import annotations

from kith.archives import samples
from kith.archives.actions import archive_import
from kith.archives.comparison import compare
from kith.messaging.actions import thread_start


def test_the_archive_next_to_kith(alice, bob, carol, tmp_path):
    archive, _ = archive_import(
        owner=alice, network="linkedin", path=samples.linkedin_zip(tmp_path / "l.zip")
    )
    # on Kith alice has one connection (bob) and has not exchanged a word with him yet
    side = compare(archive, alice)
    assert side["archive"] == "On LinkedIn: 5 connections, messaged 2."
    assert side["kith"] == "On Kith: 1 connection, talked with 0."
    thread_start(sender=alice, to=["bob"], body="Coffee next week?")
    side = compare(archive, alice)
    assert side["kith"] == "On Kith: 1 connection, talked with 1."
    rows = {row["label"].split(" (")[0]: (row["archive"], row["kith"]) for row in side["rows"]}
    assert rows == {
        "Connections": (5, 1),
        "Connections you talked with": (2, 1),
        "Posts of your own": (0, 0),
        "Replies to others": (0, 0),
    }


def test_the_comparison_on_the_web_and_in_the_api(client, alice, bob, token_for, tmp_path):
    archive, _ = archive_import(
        owner=alice, network="x", path=samples.write_zip(tmp_path / "x.zip", samples.x_files())
    )
    client.force_login(alice)
    page = client.get(f"/archives/{archive.pk}/").content.decode()
    assert "On Kith: 1 connection, talked with 0." in page
    assert "Side by side" in page
    headers = {"Authorization": f"Bearer {token_for(alice)}"}
    body = client.get(f"/api/kith/v1/archives/{archive.pk}/comparison", headers=headers).json()
    assert body["archive"].startswith("On X: 6 posts")
    assert body["kith"] == "On Kith: 1 connection, talked with 0."
    assert body["rows"][0] == {"label": "Mutual follows / connections", "archive": 3, "kith": 1}
