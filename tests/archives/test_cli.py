"""`kith import linkedin|mastodon|x FILE --as @handle`."""

from __future__ import annotations

from typer.testing import CliRunner

from kith.archives import samples
from kith.cli import app
from tests.archives.conftest import NOTHING, stored

runner = CliRunner()


def test_import_prints_the_figures_and_a_second_run_changes_nothing(alice, tmp_path):
    path = samples.linkedin_zip(tmp_path / "export.zip")
    result = runner.invoke(app, ["import", "linkedin", str(path), "--as", "@alice"])
    assert result.exit_code == 0, result.output
    assert "On LinkedIn: 5 connections, messaged 2." in result.output
    assert alice.archives.get().figures["connections"] == 5
    before = stored()
    again = runner.invoke(app, ["import", "linkedin", str(path), "--as", "alice"])
    assert again.exit_code == 0, again.output
    assert "Already imported" in again.output
    assert stored() == before


def test_a_refused_archive_says_why_and_writes_nothing(alice, tmp_path):
    files = {**samples.x_files(), "data/tweets.js": "[]"}
    path = samples.write_zip(tmp_path / "x.zip", files)
    result = runner.invoke(app, ["import", "x", str(path), "--as", "@alice"])
    assert result.exit_code == 1
    assert "Not imported" in result.output and "data/tweets.js" in result.output
    assert stored() == NOTHING


def test_an_unknown_person_or_network_is_refused(alice, tmp_path):
    path = samples.linkedin_zip(tmp_path / "export.zip")
    result = runner.invoke(app, ["import", "linkedin", str(path), "--as", "@nobody"])
    assert result.exit_code == 2 and "No such person" in result.output
    result = runner.invoke(app, ["import", "myspace", str(path), "--as", "@alice"])
    assert result.exit_code == 2
    assert stored() == NOTHING
