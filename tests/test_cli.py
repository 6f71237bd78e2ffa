"""The command line as users drive it: exit codes, streams, formats and configuration."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from tf_migrate.cli import cli

FIXABLE = "import tensorflow as tf\ny = tf.log(x)\n"
MANUAL = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\n"
CLEAN = "import tensorflow as tf\ny = tf.math.log(x)\n"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def invoke(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def test_check_exit_codes(project: Path) -> None:
    write(project / "clean.py", CLEAN)
    assert invoke("check", "clean.py", "--no-cache").exit_code == 0
    write(project / "manual.py", MANUAL)
    result = invoke("check", "manual.py", "--no-cache")
    assert result.exit_code == 1
    assert "manual.py:2:5: TFM101" in result.stdout
    assert invoke("check", "manual.py", "--no-cache", "--exit-zero").exit_code == 0


def test_usage_and_config_errors_exit_2(project: Path) -> None:
    assert invoke("check", "--output-format", "xml").exit_code == 2
    assert invoke("check", "--select", "TFM999X", "--no-cache").exit_code == 2
    assert invoke("explain", "NOPE").exit_code == 2
    write(project / "pyproject.toml", '[tool.tf-migrate]\nselec = ["TFM1"]\n')
    write(project / "a.py", CLEAN)
    result = invoke("check", "a.py", "--no-cache")
    assert result.exit_code == 2
    assert "unknown key(s) in [tool.tf-migrate]: selec" in result.stderr


def test_default_command_fixes_in_place_and_summarises_on_stderr(project: Path) -> None:
    target = write(project / "model.py", FIXABLE + MANUAL.split("\n", 1)[1])
    result = invoke("model.py", "--no-cache")
    assert target.read_text("utf-8") == CLEAN + "x = tf.placeholder(tf.float32)\n"
    assert result.exit_code == 1, "the manual placeholder finding remains"
    assert "Fixed 1 finding" in result.stderr
    assert "TFM101" in result.stdout and "TFM401" not in result.stdout
    again = invoke("fix", "model.py", "--no-cache")
    assert target.read_text("utf-8") == CLEAN + "x = tf.placeholder(tf.float32)\n"
    assert "Fixed" not in again.stderr


def test_diff_writes_nothing_and_exits_on_the_diff_alone(project: Path) -> None:
    target = write(project / "model.py", FIXABLE)
    result = invoke("fix", "--diff", "model.py", "--no-cache")
    assert result.exit_code == 1
    assert "-y = tf.log(x)\n+y = tf.math.log(x)" in result.stdout
    assert target.read_text("utf-8") == FIXABLE
    write(project / "model.py", MANUAL)
    assert invoke("fix", "--diff", "model.py", "--no-cache").exit_code == 0


def test_output_dir_writes_a_migrated_copy(project: Path) -> None:
    (project / "src").mkdir()
    write(project / "src" / "model.py", FIXABLE)
    write(project / "src" / "notes.txt", "kept\n")
    result = invoke("fix", "src", "-o", "out", "--no-cache")
    assert result.exit_code == 0
    assert (project / "src" / "model.py").read_text("utf-8") == FIXABLE
    assert (project / "out" / "model.py").read_text("utf-8") == CLEAN
    assert (project / "out" / "notes.txt").read_text("utf-8") == "kept\n"


def test_stdin_check_and_fix(project: Path) -> None:
    checked = invoke("check", "-", "--stdin-filename", "m.py", stdin=MANUAL)
    assert checked.exit_code == 1 and "m.py:2:5: TFM101" in checked.stdout
    fixed = invoke("fix", "-", stdin=FIXABLE)
    assert fixed.stdout == CLEAN


@pytest.mark.parametrize("fmt", ["json", "sarif", "github", "concise", "full"])
def test_machine_formats_go_to_stdout_and_output_file(project: Path, fmt: str) -> None:
    write(project / "m.py", MANUAL)
    result = invoke("check", "m.py", "--output-format", fmt, "--no-cache")
    assert result.exit_code == 1
    if fmt == "json":
        assert json.loads(result.stdout)[0]["code"] == "TFM101"
    elif fmt == "sarif":
        assert json.loads(result.stdout)["version"] == "2.1.0"
    elif fmt == "github":
        assert result.stdout.startswith("::error file=m.py,line=2,col=5,")
    else:
        assert "TFM101" in result.stdout
    out = project / "report.txt"
    to_file = invoke("check", "m.py", "--output-format", fmt, "--output-file", str(out))
    assert to_file.exit_code == 1 and to_file.stdout == ""
    assert out.read_text("utf-8") == result.stdout


def test_statistics_counts_per_rule(project: Path) -> None:
    write(project / "m.py", MANUAL + "z = tf.placeholder(tf.int32)\n")
    result = invoke("check", "m.py", "--statistics", "--no-cache")
    assert result.stdout.split() == ["2", "TFM101", "[", "]", "placeholder"]


def test_statistics_print_the_counts_once(project: Path) -> None:
    write(project / "m.py", FIXABLE + "z = tf.placeholder(tf.int32)\n")
    result = invoke("check", "m.py", "--statistics", "--no-cache")
    assert [line.split("\t")[1] for line in result.stdout.splitlines()] == ["TFM101", "TFM401"]
    # stderr holds the legend and the sentence, not the per-rule table again.
    assert "TFM101" not in result.stderr and "placeholder" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Found 2 findings in 1 file")


def test_the_fix_markers_are_explained_where_they_are_shown(project: Path) -> None:
    write(project / "fixable.py", FIXABLE)
    write(project / "manual.py", MANUAL)
    legend = "[*] `tf-migrate fix` fixes it; [-] only `tf-migrate fix --unsafe-fixes` does"
    for args in (["check", "fixable.py"], ["check", "fixable.py", "--statistics"]):
        shown = invoke(*args, "--no-cache")
        assert "[*]" in shown.stdout and legend in shown.stderr
    unmarked = invoke("check", "manual.py", "--no-cache")
    assert "[*]" not in unmarked.stdout and legend not in unmarked.stderr
    machine = invoke("check", "fixable.py", "--no-cache", "--output-format", "json")
    assert legend not in machine.stderr
    for command in ("check", "fix"):
        assert "[*] marks what `tf-migrate fix` fixes" in invoke(command, "--help").stdout


def test_select_and_ignore(project: Path) -> None:
    write(project / "m.py", FIXABLE + "x = tf.placeholder(tf.float32)\n")
    only_renames = invoke("check", "m.py", "--select", "TFM4", "--output-format", "concise")
    assert "TFM401" in only_renames.stdout and "TFM101" not in only_renames.stdout
    ignored = invoke("check", "m.py", "--ignore", "TFM401,placeholder", "--no-cache")
    assert "TFM401" not in ignored.stdout and "TFM101" not in ignored.stdout


def test_add_noqa_then_check_is_clean(project: Path) -> None:
    write(project / "m.py", MANUAL)
    assert invoke("check", "m.py", "--add-noqa", "--no-cache").exit_code == 0
    assert "# tf-migrate: ignore[TFM101]" in (project / "m.py").read_text("utf-8")
    assert invoke("check", "m.py", "--no-cache").exit_code == 0


def test_color_follows_no_color_and_force_color(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(project / "m.py", MANUAL)
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = invoke("check", "m.py", "--no-cache").stdout
    assert ANSI.search(coloured)
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    plain = invoke("check", "m.py", "--no-cache").stdout
    assert not ANSI.search(plain)
    assert ANSI.sub("", coloured) == plain


def test_rules_and_explain(project: Path) -> None:
    listed = invoke("rules")
    assert listed.exit_code == 0 and "TFM101" in listed.stdout and "TFM401" in listed.stdout
    explained = invoke("explain", "TFM401")
    assert explained.exit_code == 0
    assert "tf.math.log" in explained.stdout and "What it does" in explained.stdout


@pytest.mark.parametrize("command", ["check", "fix"])
def test_a_missing_path_is_a_usage_error_even_with_exit_zero(project: Path, command: str) -> None:
    write(project / "m.py", MANUAL)
    extra = ["--exit-zero"] if command == "check" else []
    result = invoke(command, "missing/", "m.py", "--no-cache", *extra)
    assert result.exit_code == 2
    assert "no such file or folder: missing/" in result.stderr
    assert result.stdout == ""
    assert (project / "m.py").read_text("utf-8") == MANUAL


def test_force_exclude_applies_exclude_to_files_named_on_the_command_line(project: Path) -> None:
    write(project / "pyproject.toml", '[tool.tf-migrate]\nexclude = ["generated/"]\n')
    (project / "generated").mkdir()
    write(project / "generated" / "m.py", MANUAL)
    named = invoke("check", "generated/m.py", "--no-cache", "--output-format", "concise")
    assert named.exit_code == 1 and "generated/m.py:2:5: TFM101" in named.stdout
    forced = invoke("check", "generated/m.py", "generated", "--no-cache", "--force-exclude")
    assert (forced.exit_code, forced.stdout) == (0, "")
    piped = invoke(
        "check", "-", "--stdin-filename", "generated/m.py", "--force-exclude", stdin=MANUAL
    )
    assert (piped.exit_code, piped.stdout) == (0, "")
    fixed = invoke(
        "fix", "-", "--stdin-filename", "generated/m.py", "--force-exclude", stdin=FIXABLE
    )
    assert fixed.stdout == FIXABLE, "an excluded file passes through unchanged"


def test_the_pre_commit_hooks_force_exclude() -> None:
    hooks = (Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text("utf-8")
    entries = [line.split(":", 1)[1].split() for line in hooks.splitlines() if "entry:" in line]
    assert len(entries) == 2 and all("--force-exclude" in entry for entry in entries)


def test_memory_limit_flag_and_setting(project: Path) -> None:
    write(project / "m.py", MANUAL)
    small = invoke("check", "m.py", "--no-cache", "--memory-limit", "1KiB")
    assert small.exit_code == 1
    assert "more than the memory limit of 1 MiB" in small.stdout
    assert "--memory-limit 1GiB" in small.stdout
    assert invoke("check", "m.py", "--memory-limit", "lots").exit_code == 2
    write(project / "pyproject.toml", '[tool.tf-migrate]\nmemory-limit = "2KB"\n')
    configured = invoke("check", "m.py", "--no-cache")
    assert "more than the memory limit" in configured.stdout
    raised = invoke("check", "m.py", "--no-cache", "--memory-limit", "1GiB")
    assert "memory limit" not in raised.stdout and "TFM101" in raised.stdout


def _command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """`tf-migrate ARGS` as the installed command runs it (its exit skips interpreter teardown)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run(
        [sys.executable, "-m", "tf_migrate", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_command_exits_with_its_code_and_all_its_output(project: Path) -> None:
    write(project / "manual.py", MANUAL)
    write(project / "clean.py", CLEAN)
    found = _command("check", "manual.py", "--no-cache", cwd=project)
    assert found.returncode == 1
    assert "manual.py:2:5: TFM101" in found.stdout
    assert found.stderr.rstrip().endswith("Found 1 finding in 1 file: 1 manual.")
    clean = _command("check", "clean.py", "--no-cache", cwd=project)
    assert (clean.returncode, clean.stdout) == (0, "")
    fixed = _command("fix", ".", "--no-cache", cwd=project)
    assert fixed.returncode == 1 and "Fixed" not in fixed.stderr  # only a manual finding
    usage = _command("check", "--output-format", "nope", cwd=project)
    assert usage.returncode == 2 and "nope" in usage.stderr


def test_a_profiler_still_writes_its_data_at_exit(project: Path) -> None:
    write(project / "manual.py", MANUAL)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    profiled = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", "run.prof", "-m", "tf_migrate", "check",
         "manual.py", "--no-cache"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    # (cProfile itself swallows the exit code.)
    assert "TFM101" in profiled.stdout, profiled.stderr
    assert (project / "run.prof").stat().st_size > 0
