"""Each network's archive format, read into figures worked out by hand from the samples."""

from __future__ import annotations

from datetime import UTC, datetime

from kith.archives import samples
from kith.archives.actions import archive_delete, archive_import
from kith.archives.models import ArchiveContact, ArchiveMessage, ArchivePost
from tests.archives.conftest import NOTHING, stored


def _import(owner, network, path, **kwargs):
    archive, imported = archive_import(owner=owner, network=network, path=path, **kwargs)
    assert imported
    return archive


def test_linkedin_zip_with_the_notes_preamble(alice, tmp_path):
    path = samples.linkedin_zip(tmp_path / "Basic_LinkedInDataExport.zip")
    archive = _import(alice, "linkedin", path)
    f = archive.figures
    # 5 connections; Sam wrote to connections 0 and 1, and connection 0 answered once
    assert (f["connections"], f["messages_sent"], f["messages_received"]) == (5, 2, 1)
    assert (f["people_messaged"], f["connections_messaged"]) == (2, 2)
    assert (f["invitations_sent"], f["invitations_received"]) == (1, 1)
    assert f["headline"] == "On LinkedIn: 5 connections, messaged 2."
    assert archive.account == "linkedin.com/in/sam-sample"
    assert f["talked_with"][0] == {"who": "Ada Alvarez0", "messages": 2, "replies": 0}
    first = ArchiveContact.objects.get(archive=archive, external_id="linkedin.com/in/ada-alvarez0")
    assert first.connected_at == datetime(2021, 1, 4, tzinfo=UTC)  # "04 Jan 2021"
    assert first.email == "ada.alvarez0@example.com"
    assert ArchiveContact.objects.filter(archive=archive).exclude(email="").count() == 3
    # message texts are not kept: only with whom and when
    assert not hasattr(ArchiveMessage, "text")


def test_linkedin_loose_csv_with_a_bom(alice, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_bytes(
        b"\xef\xbb\xbf" + samples.linkedin_files(connections=3)["Connections.csv"].encode()
    )
    archive = _import(alice, "linkedin", path)
    assert archive.figures["connections"] == 3
    assert archive.figures["headline"] == "On LinkedIn: 3 connections, messaged 0."


def test_linkedin_folder_of_csv_files_reads_as_the_zip_does(alice, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in samples.linkedin_files().items():
        (folder / name).write_text(text)
    (folder / "Profile.csv").write_text("First Name\nSam\n")  # not read
    archive = _import(alice, "linkedin", folder)
    zipped = _import(alice, "linkedin", samples.linkedin_zip(tmp_path / "export.zip"))
    assert archive.figures == zipped.figures


def test_mastodon_archive(alice, tmp_path):
    path = samples.write_zip(tmp_path / "archive.zip", samples.mastodon_files())
    f = _import(alice, "mastodon", path).figures
    # 3 posts and 1 reply to oneself (a thread) are posts; 2 replies to others; 1 boost
    assert (f["posts"], f["replies"], f["reposts"]) == (4, 2, 1)
    assert f["reply_targets"] == 2
    # the direct (mentioned-only) note is a message to ines, not a post
    assert (f["messages_sent"], f["people_messaged"]) == (1, 1)
    assert (f["likes"], f["bookmarks"]) == (1, 0)
    assert f["account"] == "sam@social.example"
    assert f["headline"] == "On Mastodon: 7 posts (2 replies to 2 people, 1 boost)."
    assert f["talked_with"][0] == {"who": "@ines@other.example", "messages": 1, "replies": 1}
    assert set(ArchivePost.objects.filter(kind="reply").values_list("target", flat=True)) == {
        "ines@other.example",
        "jonas@other.example",
    }


def test_x_archive_with_the_window_ytd_prefix(alice, tmp_path):
    files = samples.x_files()
    assert files["data/tweets.js"].startswith("window.YTD.tweets.part0 = [")
    f = _import(alice, "x", samples.write_zip(tmp_path / "twitter.zip", files)).figures
    # tweets 0..5 cycle post, reply, retweet, reply-to-self: posts 0, 3, 4; replies 1, 5
    assert (f["posts"], f["replies"], f["reposts"]) == (3, 2, 1)
    assert (f["followers"], f["following"], f["connections"]) == (3, 4, 3)
    assert (f["messages_sent"], f["messages_received"], f["connections_messaged"]) == (1, 1, 1)
    assert f["account"] == "@sam"
    assert f["headline"] == "On X: 6 posts (2 replies, 1 repost), following 4, messaged 1 person."
    retweet = ArchivePost.objects.get(kind="repost")
    assert retweet.target == "friend2"
    assert retweet.created_at == datetime(2021, 1, 4, 9, 32, tzinfo=UTC)


def test_x_archive_in_parts_and_a_tweet_in_two_parts_is_stored_once(alice, tmp_path):
    files = samples.x_files(tweets=0)
    del files["data/tweets.js"]
    files["data/tweets-part1.js"] = samples.ytd("tweets", [samples.tweet(i) for i in range(3)])
    files["data/tweets-part2.js"] = samples.ytd(
        "tweets", [samples.tweet(i) for i in range(2, 5)]
    ).replace("part0", "part1")
    f = _import(alice, "x", samples.write_zip(tmp_path / "x.zip", files)).figures
    assert f["posts"] == 5


def test_importing_the_same_archive_twice_changes_nothing(alice, tmp_path):
    path = samples.write_zip(tmp_path / "x.zip", samples.x_files())
    archive = _import(alice, "x", path)
    before = stored()
    again, imported = archive_import(owner=alice, network="x", path=path)
    assert (again.pk, imported) == (archive.pk, False)
    assert stored() == before


def test_two_people_may_import_the_same_archive_each_their_own(alice, carol, tmp_path):
    path = samples.write_zip(tmp_path / "x.zip", samples.x_files())
    mine, theirs = _import(alice, "x", path), _import(carol, "x", path)
    assert mine.pk != theirs.pk
    assert mine.figures == theirs.figures


def test_deleting_an_archive_deletes_everything_imported_with_it(alice, tmp_path):
    archive = _import(alice, "linkedin", samples.linkedin_zip(tmp_path / "l.zip"))
    archive_delete(archive=archive)
    assert stored() == NOTHING


def test_progress_is_reported_and_never_goes_back(alice, tmp_path):
    path = samples.large_x_zip(tmp_path / "x.zip", tweets=3000, per_part=1000)
    seen = []
    _import(alice, "x", path, progress=seen.append)
    assert len(seen) > 3
    assert seen == sorted(seen)
    assert seen[0] >= 0 and seen[-1] <= 1


def test_nul_characters_and_overlong_values_are_cut_to_what_the_database_takes(alice, tmp_path):
    files = samples.x_files(tweets=0)
    long_id = "9" * 100
    files["data/tweets.js"] = samples.ytd(
        "tweets",
        [{"tweet": {"id_str": long_id, "full_text": "nul \u0000 here", "created_at": ""}}],
    )
    archive = _import(alice, "x", samples.write_zip(tmp_path / "x.zip", files))
    post = ArchivePost.objects.get(archive=archive)
    assert post.external_id == "9" * 64 and post.text == "nul  here"
