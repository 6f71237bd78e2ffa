"""`tf-migrate report --verify`: the report runs verify on the fixture folders under its paths
and shows the proof (needs the provisioned runtimes, as every verify run)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from verify_helpers import DATA

from tf_migrate.cli import cli


def test_report_verifies_the_fixtures_it_finds(
    runtimes: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(DATA / "constants", tmp_path / "fixtures" / "constants")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli, ["report", "fixtures", "--html", "r.html", "--markdown", "r.md", "--verify"]
    )
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "r.md").read_text("utf-8")
    assert "| constants | pass | 4/4 |" in markdown
    assert "(tf-migrate verify (run by --verify)): before TensorFlow " in markdown
    page = (tmp_path / "r.html").read_text("utf-8")
    assert '<td rowspan="4">constants</td>' in page and "before on CPU" in page
