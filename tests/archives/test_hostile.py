"""Hostile and broken archives are refused with a clear message, and nothing is written."""

from __future__ import annotations

import os
import stat
import zipfile

import pytest

from kith.archives import samples
from kith.archives.actions import archive_import
from kith.archives.sources import ArchiveError

pytestmark = pytest.mark.usefixtures("nothing_stored")


def _refused(owner, network, path) -> str:
    with pytest.raises(ArchiveError) as caught:
        archive_import(owner=owner, network=network, path=path)
    return str(caught.value)


def _linkedin_with(tmp_path, name: str, content: bytes, **extra: bytes):
    files = {**samples.linkedin_files(), name: content, **extra}
    return samples.write_zip(tmp_path / "export.zip", files)


def test_a_parent_directory_name_is_refused_and_nothing_is_extracted(alice, tmp_path):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    path = _linkedin_with(work, "../../evil.csv", b"boom")
    assert _refused(alice, "linkedin", path) == (
        "../../evil.csv: '..' is not allowed in an archive entry's name"
    )
    assert not (tmp_path / "evil.csv").exists()


@pytest.mark.parametrize("name", ["/etc/cron.d/evil", "C:/Windows/evil.csv", "\\\\server\\x"])
def test_absolute_names_are_refused(alice, tmp_path, name):
    path = _linkedin_with(tmp_path, name, b"boom")
    assert "absolute paths are not allowed" in _refused(alice, "linkedin", path)


def test_a_symbolic_link_entry_is_refused(alice, tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        link = zipfile.ZipInfo("Connections.csv")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    assert _refused(alice, "linkedin", path) == (
        "Connections.csv: symbolic links are not allowed in an archive"
    )


def test_a_symbolic_link_given_as_the_file_is_not_followed(alice, tmp_path):
    target = samples.linkedin_zip(tmp_path / "real.zip")
    link = tmp_path / "link.zip"
    link.symlink_to(target)
    assert _refused(alice, "linkedin", link) == "link.zip: symbolic links are not read"


def test_a_zip_bomb_is_refused_before_it_is_inflated(alice, tmp_path):
    path = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("Connections.csv", "w") as out,
    ):
        for _ in range(64):
            out.write(b"\0" * (1 << 20))  # 64 MiB of zeros: about 64 KiB compressed
    assert _refused(alice, "linkedin", path) == (
        "Connections.csv: compressed too densely (a zip bomb?)"
    )


def test_too_many_entries_are_refused(alice, tmp_path, settings):
    settings.KITH_ARCHIVE_MAX_ENTRIES = 5
    extra = {f"media/{i}.jpg": b"x" for i in range(5)}
    path = samples.write_zip(tmp_path / "x.zip", {**samples.x_files(), **extra})
    assert _refused(alice, "x", path) == "x.zip: has 10 entries; at most 5 are accepted"


def test_too_large_uncompressed_is_refused(alice, tmp_path, settings):
    settings.KITH_ARCHIVE_MAX_UNCOMPRESSED_BYTES = 1000
    path = samples.write_zip(tmp_path / "x.zip", samples.x_files(tweets=20))
    assert "uncompresses to more than the limit of 1,000 bytes" in _refused(alice, "x", path)


def test_a_10_mb_csv_line_is_refused_naming_its_line(alice, tmp_path):
    text = samples.linkedin_files()["Connections.csv"]
    noise = os.urandom(5 * 1024 * 1024).hex()  # 10 MB that does not compress away
    huge = f"Ada,Long,https://www.linkedin.com/in/long,,Co,{noise},03 Nov 2021\n"
    path = _linkedin_with(tmp_path, "Connections.csv", (text + huge).encode())
    # lines: Notes, the note, a blank line, the header, 5 connections, then the long one
    assert _refused(alice, "linkedin", path) == (
        "Connections.csv, line 10: the line is longer than 1,048,576 bytes"
    )


def test_invalid_utf8_in_a_csv_is_refused_naming_its_line(alice, tmp_path):
    text = samples.linkedin_files()["Connections.csv"].encode()
    bad = text + b"Bad,Byte\xff,https://www.linkedin.com/in/bad,,Co,Eng,03 Nov 2021\n"
    path = _linkedin_with(tmp_path, "Connections.csv", bad)
    assert _refused(alice, "linkedin", path) == (
        "Connections.csv, line 10: not valid UTF-8 (byte 9 of the line)"
    )


def test_invalid_utf8_in_json_is_refused(alice, tmp_path):
    files = samples.x_files()
    files["data/tweets.js"] = (
        files["data/tweets.js"].encode().replace(b"Synthetic", b"Synth\xc3\x28")
    )
    path = samples.write_zip(tmp_path / "x.zip", files)
    assert _refused(alice, "x", path) == "data/tweets.js: not valid UTF-8"


def test_a_row_with_too_many_fields_is_refused(alice, tmp_path):
    text = samples.linkedin_files()["Connections.csv"] + "A,B,C,D,E,F,G,H\n"
    path = _linkedin_with(tmp_path, "Connections.csv", text.encode())
    assert _refused(alice, "linkedin", path) == (
        "Connections.csv, line 10: has 8 fields where the header has 7"
    )


def test_an_unterminated_quote_is_refused(alice, tmp_path):
    text = samples.linkedin_files()["messages.csv"] + 'c,,"Never closed\n'
    path = _linkedin_with(tmp_path, "messages.csv", text.encode())
    message = _refused(alice, "linkedin", path)
    # header, two messages (one of two lines), then the broken one
    assert message == "messages.csv, line 6: malformed CSV (unexpected end of data)"


def test_a_bad_date_late_in_a_file_leaves_nothing_behind(alice, tmp_path):
    text = samples.linkedin_files()["Invitations.csv"] + "A,B,yesterday,,OUTGOING,,\n"
    path = _linkedin_with(tmp_path, "Invitations.csv", text.encode())
    assert _refused(alice, "linkedin", path) == (
        "Invitations.csv, line 4: cannot read the date 'yesterday'"
    )


def test_unknown_columns_are_refused_naming_what_is_missing(alice, tmp_path):
    text = "First Name,Surname,Profile,Mail\nAda,Alvarez,x,y\n"
    path = _linkedin_with(tmp_path, "Connections.csv", text.encode())
    assert _refused(alice, "linkedin", path) == (
        "Connections.csv, line 1: the header lacks the columns Connected On, Last Name, URL; "
        "unknown columns: Mail, Profile, Surname"
    )


def test_malformed_json_is_refused(alice, tmp_path):
    files = samples.mastodon_files()
    files["outbox.json"] = files["outbox.json"][:-40]
    path = samples.write_zip(tmp_path / "m.zip", files)
    assert _refused(alice, "mastodon", path).startswith("outbox.json: malformed JSON (")


def test_json_of_the_wrong_shape_is_refused(alice, tmp_path):
    files = {**samples.mastodon_files(), "outbox.json": '{"orderedItems": [1, 2]}'}
    path = samples.write_zip(tmp_path / "m.zip", files)
    assert _refused(alice, "mastodon", path) == (
        "outbox.json: an item of orderedItems has an unexpected shape"
    )


def test_an_x_file_without_the_window_ytd_prefix_is_refused(alice, tmp_path):
    files = {**samples.x_files(), "data/tweets.js": "[]"}
    path = samples.write_zip(tmp_path / "x.zip", files)
    assert _refused(alice, "x", path) == (
        "data/tweets.js, line 1: does not start with 'window.YTD.<name>.part<n> = ' "
        "(not an X archive file)"
    )


@pytest.mark.parametrize(
    ("network", "drop", "message"),
    [
        ("x", "data/tweets.js", "x.zip: data/tweets.js is missing from the archive"),
        ("x", "data/account.js", "x.zip: data/account.js is missing from the archive"),
        ("mastodon", "actor.json", "x.zip: actor.json is missing from the archive"),
        ("mastodon", "outbox.json", "x.zip: outbox.json is missing from the archive"),
    ],
)
def test_missing_files_are_named(alice, tmp_path, network, drop, message):
    files = samples.x_files() if network == "x" else samples.mastodon_files()
    del files[drop]
    assert _refused(alice, network, samples.write_zip(tmp_path / "x.zip", files)) == message


def test_a_linkedin_zip_without_its_csv_files_is_refused(alice, tmp_path):
    path = samples.write_zip(tmp_path / "l.zip", {"Profile.csv": "First Name\nSam\n"})
    assert _refused(alice, "linkedin", path) == (
        "l.zip: none of Connections.csv, messages.csv, Invitations.csv is in the archive"
    )


@pytest.mark.parametrize(
    ("network", "name", "content", "message"),
    [
        (
            "linkedin",
            "photo.png",
            b"\x89PNG\r\n\x1a\n",
            "photo.png: not a zip archive or one of its CSV files",
        ),
        ("x", "tweets.js", b"window.YTD.tweets.part0 = []", "tweets.js: not a zip archive"),
        ("mastodon", "archive.zip", b"PK\x03\x04 truncated", "archive.zip: not a zip archive"),
    ],
)
def test_wrong_file_types_are_refused(alice, tmp_path, network, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    assert _refused(alice, network, path) == message


def test_an_encrypted_entry_is_refused(alice, tmp_path):
    path = samples.linkedin_zip(tmp_path / "l.zip")
    data = bytearray(path.read_bytes())
    # set the "encrypted" flag bit in the central directory entry of the first file
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1
    path.write_bytes(bytes(data))
    assert "encrypted entries are not supported" in _refused(alice, "linkedin", path)
