"""`tf-migrate report` and `tf-migrate fix --report` from the command line."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tests.report_tree import verify_json, write_tree
from tf_migrate.cli import cli
from tf_migrate.cli_report import fixture_folders


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_tree(tmp_path / "src")


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_report_writes_html_and_markdown_and_never_a_source_file(tree: Path) -> None:
    before = digest(tree)
    (tree.parent / "verify.json").write_text(verify_json())
    result = invoke(
        "report", "src", "--html", "r.html", "--markdown", "r.md", "--verify-json", "verify.json"
    )
    assert result.exit_code == 0, result.output
    assert digest(tree) == before
    page = (tree.parent / "r.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "nothing written (a preview)" in page
    assert page.count('<details class="file"') == 6  # every file but the clean one
    assert 'id="rule-TFM401"' in page and "rmsprop" in page  # rule pages and the proof
    markdown = (tree.parent / "r.md").read_text("utf-8")
    assert markdown.startswith("## tf-migrate report")
    assert "@@ -2,9 +2,9 @@ TFM401 tf1-symbol-name, TFM402" in markdown
    assert "Report written to r.html" in result.stderr


def test_report_to_standard_output_for_a_job_summary(tree: Path) -> None:
    result = invoke("report", "src", "--markdown", "-", "--html-link", "https://ci/artifact")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("## tf-migrate report")
    assert "<code>src/model/renames.py</code>" in result.stdout


def test_report_needs_somewhere_to_write(tree: Path) -> None:
    result = invoke("report", "src")
    assert result.exit_code == 2 and "--html FILE and/or --markdown FILE" in result.stderr
    bad = tree.parent / "bad.json"
    bad.write_text("[]")
    wrong = invoke("report", "src", "--html", "r.html", "--verify-json", str(bad))
    assert wrong.exit_code == 2 and "not the JSON of `tf-migrate verify" in wrong.stderr
    assert invoke("report", "src", "--html", "r.html", "--verify").exit_code == 2


def test_unsafe_fixes_show_the_unsafe_rewrite(tree: Path) -> None:
    assert invoke("report", "src", "--markdown", "safe.md").exit_code == 0
    assert invoke("report", "src", "--markdown", "unsafe.md", "--unsafe-fixes").exit_code == 0
    safe = (tree.parent / "safe.md").read_text("utf-8")
    unsafe = (tree.parent / "unsafe.md").read_text("utf-8")
    rewrite = "\n+optimizer = tf.keras.optimizers.RMSprop(\n"
    assert rewrite not in safe and rewrite in unsafe


def test_fix_writes_the_report_of_what_it_wrote(tree: Path) -> None:
    result = invoke("src", "--report", "fixed.html")
    assert result.exit_code == 1, result.output  # manual findings remain
    assert "tf.math.log" in (tree / "model" / "renames.py").read_text("utf-8")
    page = (tree.parent / "fixed.html").read_text("utf-8")
    assert "fixes written to the files" in page and "model/renames.py" in page
    assert "Report written to fixed.html" in result.stderr


def test_fixture_folders_are_found_under_the_paths(tmp_path: Path) -> None:
    for name in ("fixtures/a", "fixtures/nested/b", "other"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "fixtures/a/fixture.toml").write_text("")
    (tmp_path / "fixtures/nested/b/fixture.toml").write_text("")
    found = fixture_folders((str(tmp_path / "fixtures"), str(tmp_path / "other")))
    assert found == [tmp_path / "fixtures/a", tmp_path / "fixtures/nested/b"]
