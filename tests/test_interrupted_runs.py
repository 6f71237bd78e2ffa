"""Interrupted and concurrent runs: whatever happens, every file is its original or its fully fixed
version, no temporary file remains, the cache stays sound, and a file changed on disk while a run
works on it is not overwritten."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tf_migrate.engine.compute as compute
from tf_migrate.engine.compute import Mode
from tf_migrate.engine.run import run, run_stdin
from tf_migrate.files import DecodedSource
from tf_migrate.settings import Settings
from tf_migrate.writing import TEMPORARY_SUFFIX

ROOT = Path(__file__).resolve().parents[1]
FILES = 240


def _originals() -> dict[str, bytes]:
    """FILES copies of the repository's TF1 programs that `fix` changes."""
    sources = sorted(ROOT.glob("tests/idioms/**/*.py")) + sorted(ROOT.glob("fixtures/*/before.py"))
    settings = Settings(project_root=ROOT)
    programs = [
        path.read_bytes()
        for path in sources
        if run_stdin(path.read_text("utf-8"), settings, mode=Mode.FIX).changed
    ]
    return {
        f"pkg{index % 6}/m{index:03d}.py": programs[index % len(programs)] for index in range(FILES)
    }


def _lay(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """Each file's original bytes and its fully fixed bytes."""
    root = tmp_path_factory.mktemp("reference")
    originals = _originals()
    _lay(root, originals)
    run([str(root)], Settings(project_root=root), mode=Mode.FIX, jobs=2, use_cache=False)
    fixed = {name: (root / name).read_bytes() for name in originals}
    assert all(fixed[name] != originals[name] for name in originals)
    return originals, fixed


def _leftovers(root: Path) -> list[str]:
    return [str(path) for path in root.rglob(f"*{TEMPORARY_SUFFIX}")] + [
        str(path) for path in root.rglob("*.tmp")
    ]


def _start(root: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tf_migrate", "fix", ".", "--no-progress", "-j", "2", *args],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the workers are found by it
    )


def _wait_for_group(process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    """Until the run and every worker it started have ended."""
    process.wait(timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError("a worker outlived its run")


def _assert_whole(root: Path, originals: dict[str, bytes], fixed: dict[str, bytes]) -> int:
    """Every file is its original or its fixed version; returns how many are fixed."""
    torn = [
        name
        for name in originals
        if (root / name).read_bytes() not in (originals[name], fixed[name])
    ]
    assert not torn, f"half-written files: {torn[:5]}"
    assert _leftovers(root) == []
    return sum((root / name).read_bytes() == fixed[name] != originals[name] for name in originals)


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_killed_fix_runs_leave_every_file_whole(
    tmp_path: Path,
    versions: tuple[dict[str, bytes], dict[str, bytes]],
    signal_number: signal.Signals,
) -> None:
    originals, fixed = versions
    _lay(tmp_path, originals)
    moments = random.Random(int(signal_number))
    progress = []
    for _ in range(3):
        process = _start(tmp_path)
        time.sleep(moments.uniform(0.8, 4.0))  # after start-up, while files are being written
        process.send_signal(signal_number)
        _wait_for_group(process)
        progress.append(_assert_whole(tmp_path, originals, fixed))
    # A file once fixed stays fixed: each round goes on from the last.
    assert progress == sorted(progress)
    finished = _start(tmp_path)
    _wait_for_group(finished)
    assert _assert_whole(tmp_path, originals, fixed) == sum(
        fixed[name] != originals[name] for name in originals
    )


def test_two_runs_at_once_corrupt_neither_files_nor_cache(
    tmp_path: Path, versions: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    originals, fixed = versions
    _lay(tmp_path, originals)
    (tmp_path / "pyproject.toml").write_text("[tool.tf-migrate]\n")
    runs = [_start(tmp_path), _start(tmp_path)]
    for process in runs:
        _wait_for_group(process)
        assert process.returncode in (0, 1), process.stderr.read() if process.stderr else ""
    assert all((tmp_path / name).read_bytes() == fixed[name] for name in originals)
    assert _leftovers(tmp_path) == []
    entries = list((tmp_path / ".tf-migrate-cache").rglob("*.json"))
    assert entries and all(json.loads(entry.read_text("utf-8")) for entry in entries)
    settings = Settings(project_root=tmp_path)
    cached = run(["."], settings, mode=Mode.CHECK, jobs=1, cache_dir=tmp_path / ".tf-migrate-cache")
    fresh = run(["."], settings, mode=Mode.CHECK, jobs=1, use_cache=False)
    assert cached == fresh


def test_a_file_changed_on_disk_meanwhile_is_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text("import tensorflow as tf\ny = tf.log(x)\n")
    edited = "import tensorflow as tf\ny = tf.log(x)  # edited meanwhile\n"
    computing = compute.compute_python

    def while_an_editor_saves(original: DecodedSource, task: compute.Task) -> compute.Computed:
        computed = computing(original, task)
        (tmp_path / "a.py").write_text(edited)
        return computed

    monkeypatch.setattr(compute, "compute_python", while_an_editor_saves)
    result = run(["."], Settings(project_root=tmp_path), mode=Mode.FIX, jobs=1, use_cache=False)
    [file] = result.files
    assert file.error is not None and "changed on disk" in file.error
    assert not file.changed and [f.code for f in file.remaining] == ["TFM401"]
    assert (tmp_path / "a.py").read_text() == edited
    assert _leftovers(tmp_path) == []
