"""Orchestration (tf_migrate/engine/run.py): modes, rule selection, output trees, workers, stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tf_migrate.engine.compute import should_apply as _should_apply
from tf_migrate.engine.run import Mode, run, run_stdin
from tf_migrate.model import Applicability
from tf_migrate.settings import Settings

RULES = ("TFM000", "TFM101", "TFM401")  # rules with stable behaviour these tests rely on
FIXABLE = "import tensorflow as tf\ny = tf.log(x)\nz = tf.placeholder(tf.float32)\n"
FIXED = "import tensorflow as tf\ny = tf.math.log(x)\nz = tf.placeholder(tf.float32)\n"
CLEAN = "import tensorflow as tf\ny = tf.math.log(x)\n"


def settings(root: Path, **overrides: object) -> Settings:
    return Settings(project_root=root, select=RULES).with_overrides(**overrides)


def tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        path.relative_to(root).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".tf-migrate-cache" not in path.parts
    }


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    tree(tmp_path, {"pkg/a.py": FIXABLE, "pkg/clean.py": CLEAN, "pkg/data.csv": "1,2\n"})
    return tmp_path


def test_check_reports_and_writes_nothing(project: Path) -> None:
    before = snapshot(project)
    result = run(["pkg"], settings(project), mode=Mode.CHECK, jobs=1, use_cache=False)
    assert snapshot(project) == before
    assert [(path, f.code, f.location.line) for path, f in result.remaining] == [
        ("pkg/a.py", "TFM401", 2),
        ("pkg/a.py", "TFM101", 3),
    ]
    assert result.fixed == [] and result.changed_files == []
    assert result.files[0].original_source == FIXABLE


def test_fix_writes_only_changed_files_and_is_idempotent(project: Path) -> None:
    before = snapshot(project)
    result = run(["pkg"], settings(project), mode=Mode.FIX, jobs=1, use_cache=False)
    after = snapshot(project)
    assert (project / "pkg/a.py").read_text() == FIXED
    assert {name for name in after if after[name] != before[name]} == {"pkg/a.py"}
    [changed] = result.changed_files
    assert (changed.path, changed.original_source, changed.new_source) == (
        "pkg/a.py",
        FIXABLE,
        FIXED,
    )
    assert [f.code for _, f in result.fixed] == ["TFM401"]
    assert [f.code for _, f in result.remaining] == ["TFM101"]
    again = run(["pkg"], settings(project), mode=Mode.FIX, jobs=1, use_cache=False)
    assert again.changed_files == [] and again.fixed == []
    assert snapshot(project) == after


def test_diff_computes_the_fix_and_writes_nothing(project: Path) -> None:
    before = snapshot(project)
    result = run(["pkg"], settings(project), mode=Mode.DIFF, jobs=1, use_cache=False)
    assert snapshot(project) == before
    assert [f.new_source for f in result.changed_files] == [FIXED]


def test_fix_applicability_by_mode() -> None:
    check, safe = _should_apply(Mode.CHECK, True), _should_apply(Mode.FIX, False)
    unsafe = _should_apply(Mode.DIFF, True)
    assert not any(check(a) for a in Applicability)
    assert [a for a in Applicability if safe(a)] == [Applicability.SAFE]
    assert [a for a in Applicability if unsafe(a)] == [Applicability.SAFE, Applicability.UNSAFE]
    assert not _should_apply(Mode.ADD_NOQA, True)(Applicability.SAFE)


def test_select_ignore_and_per_file_ignores(project: Path) -> None:
    tree(project, {"pkg/b.py": FIXABLE})
    without_renames = settings(project, ignore=("TFM4",))
    result = run(["pkg"], without_renames, mode=Mode.CHECK, jobs=1, use_cache=False)
    assert {f.code for _, f in result.remaining} == {"TFM101"}
    per_file = settings(project, per_file_ignores=(("pkg/b.py", ("TFM401", "placeholder")),))
    result = run(["pkg"], per_file, mode=Mode.FIX, jobs=1, use_cache=False)
    assert (project / "pkg/b.py").read_text() == FIXABLE
    assert [(p, f.code) for p, f in result.remaining] == [("pkg/a.py", "TFM101")]


def test_output_dir_writes_a_migrated_copy_and_leaves_sources(project: Path) -> None:
    before = snapshot(project)
    out = project / "migrated"
    result = run(["pkg"], settings(project), mode=Mode.FIX, output_dir=out, jobs=1, use_cache=False)
    assert snapshot(project / "pkg") == {k[4:]: v for k, v in before.items()}
    assert (out / "a.py").read_text() == FIXED
    assert (out / "clean.py").read_text() == CLEAN
    assert (out / "data.csv").read_text() == "1,2\n"
    assert [f.path for f in result.changed_files] == ["pkg/a.py"]
    # A copy inside the tree is neither taken for source nor copied into itself.
    nested = run(["."], settings(project), mode=Mode.FIX, output_dir=out, use_cache=False)
    assert [f.path for f in nested.files] == ["pkg/a.py", "pkg/clean.py"]
    assert (out / "pkg/a.py").read_text() == FIXED and not (out / "migrated").exists()


def test_worker_processes_give_the_same_results(project: Path) -> None:
    for index in range(6):
        tree(project, {f"pkg/more/m{index}.py": FIXABLE})
    serial = run(["pkg"], settings(project), mode=Mode.DIFF, jobs=1, use_cache=False)
    parallel = run(["pkg"], settings(project), mode=Mode.DIFF, jobs=3, use_cache=False)
    assert parallel == serial
    assert [f.path for f in parallel.files] == sorted(f.path for f in parallel.files)


def test_paths_outside_cwd_are_shown_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree(tmp_path, {"src/a.py": FIXABLE})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run([str(tmp_path / "src")], settings(tmp_path), mode=Mode.CHECK, use_cache=False)
    assert [f.path for f in result.files] == [(tmp_path / "src/a.py").as_posix()]


def test_stdin_returns_the_fixed_text(tmp_path: Path) -> None:
    fixed = run_stdin(FIXABLE, settings(tmp_path), mode=Mode.FIX)
    assert (fixed.path, fixed.new_source) == ("-", FIXED)
    checked = run_stdin(FIXABLE, settings(tmp_path), mode=Mode.CHECK, filename="x.py")
    assert checked.new_source is None and len(checked.remaining) == 2
    broken = run_stdin("import tensorflow\ndef f(:\n", settings(tmp_path), mode=Mode.FIX)
    assert broken.error and [f.code for f in broken.remaining] == ["TFM000"]
    notebook = {"cells": [{"cell_type": "code", "source": "import tensorflow as tf\ntf.log(1)"}]}
    as_notebook = run_stdin(
        json.dumps(notebook), settings(tmp_path), mode=Mode.DIFF, filename="n.ipynb"
    )
    assert as_notebook.new_source is not None and "tf.math.log(1)" in as_notebook.new_source


def test_parse_error_can_be_ignored_per_file(project: Path) -> None:
    tree(project, {"pkg/broken.py": "import tensorflow\ndef f(:\n"})
    ignoring = settings(project, per_file_ignores=(("broken.py", ("TFM000",)),))
    [broken] = [
        f for f in run(["pkg"], ignoring, mode=Mode.CHECK, use_cache=False).files if f.error
    ]
    assert broken.path == "pkg/broken.py" and broken.remaining == []


@pytest.mark.parametrize("mode", ["check", "fix"])
def test_runs_never_import_tensorflow(tmp_path: Path, mode: str) -> None:
    tree(tmp_path, {"a.py": FIXABLE, "nb.ipynb": json.dumps({"cells": [], "metadata": {}})})
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        from tf_migrate.engine.run import Mode, run
        from tf_migrate.settings import Settings
        from importlib.util import find_spec
        assert find_spec("tensorflow") is not None, "the stand-in must be importable"
        settings = Settings(project_root=Path("."))
        # In-process (jobs=1), so that any import would land in this interpreter's sys.modules.
        result = run(["a.py", "nb.ipynb"], settings, mode=Mode("{mode}"), jobs=1)
        assert result.files, "nothing was processed"
        print(sorted(name for name in sys.modules if name.split(".")[0] == "tensorflow"))
        """
    )
    # A stand-in TensorFlow that is importable, so an accidental import would show in sys.modules
    # even where the real one is not installed.
    tree(tmp_path, {"fake/tensorflow/__init__.py": "LOADED = True\n"})
    search = [str(Path(__file__).resolve().parents[1]), str(tmp_path / "fake")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(search)}
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "[]"
    assert ("tf.math.log" in (tmp_path / "a.py").read_text()) == (mode == "fix")


def test_progress_bar_on_a_terminal_only(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for index in range(25):
        tree(project, {f"many/m{index:02}.py": FIXABLE})
    quiet = run(["many"], settings(project), mode=Mode.CHECK, jobs=1, use_cache=False)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.setenv("TERM", "xterm")  # a dumb terminal gets no bar
    shown = run(["many"], settings(project), mode=Mode.CHECK, jobs=2, use_cache=False)
    assert shown == quiet and len(shown.files) == 25
    bar = capsys.readouterr().err
    assert "tf-migrate" in bar and "25/25" in bar, bar


def test_symlinked_file_is_fixed_through_its_link(project: Path) -> None:
    (project / "pkg" / "link.py").symlink_to("a.py")
    result = run(["pkg/link.py"], settings(project), mode=Mode.FIX, jobs=1, use_cache=False)
    assert [f.path for f in result.changed_files] == ["pkg/link.py"]
    assert (project / "pkg" / "link.py").is_symlink()
    assert (project / "pkg" / "a.py").read_text() == FIXED
