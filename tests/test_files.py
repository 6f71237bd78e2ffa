"""Discovery, decoding and atomic writes (tf_migrate/files.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tf_migrate.files import (
    OutputTree,
    SourceError,
    decode_notebook,
    decode_python,
    discover,
    display_path,
)
from tf_migrate.settings import Settings
from tf_migrate.writing import WriteError, write_atomic


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x = 1\n")


def _found(root: Path, paths: list[str], settings: Settings | None = None) -> list[str]:
    items = discover(paths, settings or Settings(project_root=root))
    assert all(item.error is None for item in items)
    return [item.display for item in items]


def test_discovers_python_and_notebooks_sorted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _touch(tmp_path, "b.py", "a/z.ipynb", "a/y.py", "README.md", "data.json", "a/c.pyi")
    assert _found(tmp_path, ["."]) == ["a/y.py", "a/z.ipynb", "b.py"]


def test_skips_vcs_caches_builds_and_virtualenvs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    skipped = [
        ".git/hook.py",
        ".hg/x.py",
        "__pycache__/m.py",
        ".venv/lib/m.py",
        "venv/m.py",
        "build/lib/m.py",
        "dist/m.py",
        "node_modules/m.py",
        ".tox/m.py",
        ".nox/m.py",
        ".mypy_cache/m.py",
        ".ruff_cache/m.py",
        "lib/site-packages/m.py",
        "pkg.egg-info/m.py",
        "env/lib/m.py",
    ]
    _touch(tmp_path, "keep.py", "environment/keep.py", *skipped)
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    assert _found(tmp_path, ["."]) == ["environment/keep.py", "keep.py"]


def test_excludes_apply_to_discovered_files_not_to_explicit_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _touch(tmp_path, "src/a.py", "src/gen/b.py", "src/c_pb2.py")
    settings = Settings(project_root=tmp_path, exclude=("gen",), extend_exclude=("*_pb2.py",))
    assert _found(tmp_path, ["src"], settings) == ["src/a.py"]
    assert _found(tmp_path, ["src", "src/c_pb2.py"], settings) == ["src/a.py", "src/c_pb2.py"]


def test_deduplicates_paths_given_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    _touch(tmp_path, "pkg/a.py")
    assert _found(tmp_path, ["pkg", "pkg/a.py", "./pkg/../pkg/a.py", "pkg"]) == ["pkg/a.py"]


def test_symlinked_folder_back_into_the_tree_is_walked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _touch(tmp_path, "pkg/a.py")
    os.symlink("..", tmp_path / "pkg" / "parent")
    assert _found(tmp_path, ["."]) == ["pkg/a.py"]


def test_missing_path_and_symlink_loop_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    os.symlink("loop.py", tmp_path / "loop.py")
    items = discover(["missing.py", "."], Settings(project_root=tmp_path))
    errors = {item.display: item.error for item in items}
    assert errors == {
        "loop.py": "symlink loop: the link never reaches a real file",
        "missing.py": "no such file or folder",
    }


def test_display_path_is_relative_inside_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path / ".")
    assert display_path(tmp_path / "a" / "b.py") == "a/b.py"
    assert display_path(Path("/elsewhere/c.py")) == "/elsewhere/c.py"


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        (b"x = 1\n", "utf-8", "x = 1\n"),
        (b"\xef\xbb\xbfx = '\xc3\xa9'\n", "utf-8-sig", "x = '\u00e9'\n"),
        (b"# coding: latin-1\nx = '\xe9'\n", "iso-8859-1", "# coding: latin-1\nx = '\u00e9'\n"),
        (b"x = 1\r\ny = 2\r\n", "utf-8", "x = 1\r\ny = 2\r\n"),
    ],
    ids=["utf8", "bom", "cookie", "crlf"],
)
def test_decode_round_trips_to_the_same_bytes(data: bytes, encoding: str, text: str) -> None:
    decoded = decode_python(data)
    assert (decoded.text, decoded.encoding) == (text, encoding)
    assert decoded.text.encode(decoded.encoding) == data


def test_decode_errors_say_why_and_where() -> None:
    with pytest.raises(SourceError, match="not valid UTF-8 and no coding declaration") as info:
        decode_python(b"a = 1\nb = '\xe9'\n")
    assert (info.value.line, info.value.column) == (2, 6)
    with pytest.raises(SourceError, match="binary file"):
        decode_python(b"\x7fELF\x00\x00")
    with pytest.raises(SourceError, match="bad encoding"):
        decode_python(b"# coding: no-such-codec\n")
    with pytest.raises(SourceError, match="notebook is not valid UTF-8"):
        decode_notebook(b'{"cells": ["\xff"]}')


def test_write_atomic_keeps_mode_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "script.py"
    target.write_bytes(b"old\n")
    target.chmod(0o751)
    write_atomic(target, b"new\n")
    assert target.read_bytes() == b"new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o751
    assert [p.name for p in tmp_path.iterdir()] == ["script.py"]


def test_write_atomic_refuses_read_only_file(tmp_path: Path) -> None:
    target = tmp_path / "frozen.py"
    target.write_bytes(b"old\n")
    target.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        write_atomic(target, b"new\n")
    assert target.read_bytes() == b"old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["frozen.py"]


def test_write_atomic_new_file_takes_given_mode(tmp_path: Path) -> None:
    target = tmp_path / "out" / "deep" / "a.py"
    write_atomic(target, b"x\n", mode=0o640)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_output_tree_mirrors_one_folder_or_a_common_parent(tmp_path: Path) -> None:
    _touch(tmp_path, "proj/src/a.py", "proj/tests/b.py")
    out = tmp_path / "out"
    one = OutputTree([str(tmp_path / "proj")], out)
    assert one.destination(tmp_path / "proj/src/a.py") == out / "src/a.py"
    several = OutputTree([str(tmp_path / "proj/src"), str(tmp_path / "proj/tests/b.py")], out)
    assert several.destination(tmp_path / "proj/tests/b.py") == out / "tests/b.py"
    assert several.holds(out / "x.py") and not several.holds(tmp_path / "proj/src/a.py")
