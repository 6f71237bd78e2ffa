"""Bad input (issue 2): each case gives a clear per-file message, the other files are still
processed, nothing is half-written, a second run changes nothing, and files without fixes keep
their bytes (and their mtime: they are not even rewritten)."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pytest

from tf_migrate.engine.run import Mode, run
from tf_migrate.model import FileResult, RunResult
from tf_migrate.settings import Settings

GOOD = b"import tensorflow as tf\ny = tf.log(x)\n"
GOOD_FIXED = b"import tensorflow as tf\ny = tf.math.log(x)\n"


@dataclass
class Outcome:
    first: RunResult
    second: RunResult

    def file(self, name: str) -> FileResult:
        [result] = [f for f in self.first.files if f.path == name]
        return result


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            if not path.is_symlink():
                found[path.relative_to(root).as_posix()] = (
                    path.read_bytes(),
                    path.stat().st_mtime_ns,
                )
    return found


def migrate(root: Path, files: dict[str, bytes], paths: tuple[str, ...] = (".",)) -> Outcome:
    """Run FIX twice over `files` plus a good file, checking what every bad-input case shares."""
    os.chdir(root)
    (root / "good.py").write_bytes(GOOD)
    for name, data in files.items():
        (root / name).write_bytes(data)
    before = _snapshot(root)
    settings = Settings(project_root=root, select=("TFM000", "TFM101", "TFM401"))
    first = run([*paths, "good.py"], settings, mode=Mode.FIX, jobs=1, use_cache=False)
    after = _snapshot(root)
    # The good file is fixed whatever happened to the bad one.
    assert after["good.py"][0] == GOOD_FIXED
    # Files without an applied fix keep their bytes and are not rewritten.
    changed = {result.path for result in first.changed_files}
    for name, state in before.items():
        if name not in changed:
            assert after[name] == state, f"{name} was touched"
    assert not [name for name in after if name.endswith(".tmp")], "temporary file left behind"
    second = run([*paths, "good.py"], settings, mode=Mode.FIX, jobs=1, use_cache=False)
    assert second.changed_files == [] and second.fixed == []
    assert _snapshot(root) == after
    return Outcome(first, second)


def parse_error(outcome: Outcome, name: str) -> str:
    result = outcome.file(name)
    assert result.error is not None and result.new_source is None
    assert [(f.code, f.rule_name) for f in result.remaining] == [("TFM000", "parse-error")]
    assert result.remaining[0].message == result.error
    return result.error


@pytest.fixture(autouse=True)
def _restore_cwd() -> object:
    cwd = os.getcwd()
    yield
    os.chdir(cwd)


def test_python2_file(tmp_path: Path) -> None:
    outcome = migrate(tmp_path, {"old.py": b'import tensorflow as tf\nprint "loss", tf.log(x)\n'})
    message = parse_error(outcome, "old.py")
    assert message.startswith("cannot parse: syntax error at 2:1: Missing parentheses")
    assert "Python 2" in message
    assert outcome.file("old.py").remaining[0].location.line == 2


def test_syntax_error(tmp_path: Path) -> None:
    outcome = migrate(tmp_path, {"broken.py": b"import tensorflow as tf\ndef f(:\n    pass\n"})
    message = parse_error(outcome, "broken.py")
    assert message.startswith("cannot parse: syntax error at 2:")
    assert "Python 2" not in message


# Indentation that mixes tabs and spaces consistently enough for CPython, not for libcst.
MIXED = (b"import tensorflow as tf\nfor i in range(2):\n\ttry:\n  \t\tx = tf.placeholder(i)\n"
         b"\texcept ValueError:\n\t\tbreak\n")


def test_file_python_accepts_but_the_parser_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if expanding the tabs could not give the parser the same program.
    monkeypatch.setattr("tf_migrate.engine.indentation.expand_indentation", lambda text: None)
    outcome = migrate(tmp_path, {"tabs.py": MIXED})
    message = parse_error(outcome, "tabs.py")
    assert "Python accepts this file but tf-migrate's parser (libcst) does not" in message
    assert "mixes tabs and spaces" in message
    assert (tmp_path / "tabs.py").read_bytes() == MIXED


def test_mixed_tabs_and_spaces_are_read_as_python_reads_them(tmp_path: Path) -> None:
    outcome = migrate(tmp_path, {"tabs.py": MIXED})
    result = outcome.file("tabs.py")
    # Found where it is in the file's own columns (after "  \t\t", the fifth character)...
    [placeholder] = [f for f in result.remaining if f.code == "TFM101"]
    assert (placeholder.location.line, placeholder.location.column) == (4, 9)
    assert "mixes tabs and spaces" in (result.error or "")
    # ... and the file, with no fix to apply, keeps its bytes (checked by migrate()).
    assert (tmp_path / "tabs.py").read_bytes() == MIXED


def test_fixes_in_a_file_with_mixed_indentation_are_written_with_spaces(tmp_path: Path) -> None:
    source = MIXED + b"\ty = tf.log(2.0)\n"
    outcome = migrate(tmp_path, {"tabs.py": source})
    result = outcome.file("tabs.py")
    [fixed] = result.fixed
    assert (fixed.code, fixed.location.line, fixed.location.column) == ("TFM401", 7, 6)
    assert "indented with spaces" in (result.error or "")
    written = (tmp_path / "tabs.py").read_text("utf-8")
    assert written == source.decode().expandtabs(8).replace("tf.log", "tf.math.log")


def test_latin1_file_without_coding_cookie(tmp_path: Path) -> None:
    data = b"import tensorflow as tf\nname = 'caf\xe9'\ny = tf.log(x)\n"
    message = parse_error(migrate(tmp_path, {"latin.py": data}), "latin.py")
    assert "not valid UTF-8 and no coding declaration" in message
    assert "line 2" in message


def test_latin1_file_with_coding_cookie_is_fixed_in_latin1(tmp_path: Path) -> None:
    data = b"# -*- coding: latin-1 -*-\nimport tensorflow as tf\nname = '\xe9'\ny = tf.log(x)\n"
    outcome = migrate(tmp_path, {"latin.py": data})
    assert outcome.file("latin.py").error is None
    assert (tmp_path / "latin.py").read_bytes() == data.replace(b"tf.log", b"tf.math.log")


def test_utf8_bom_is_kept(tmp_path: Path) -> None:
    migrate(tmp_path, {"bom.py": b"\xef\xbb\xbf" + GOOD})
    assert (tmp_path / "bom.py").read_bytes() == b"\xef\xbb\xbf" + GOOD_FIXED


def test_crlf_line_endings_are_kept(tmp_path: Path) -> None:
    migrate(tmp_path, {"dos.py": GOOD.replace(b"\n", b"\r\n") + b"z = 1\r\n"})
    assert (tmp_path / "dos.py").read_bytes() == GOOD_FIXED.replace(b"\n", b"\r\n") + b"z = 1\r\n"


def test_tab_indentation_is_kept(tmp_path: Path) -> None:
    data = b"import tensorflow as tf\n\n\ndef f(x):\n\tif x:\n\t\treturn tf.log(x)\n"
    migrate(tmp_path, {"tabs.py": data})
    assert (tmp_path / "tabs.py").read_bytes() == data.replace(b"tf.log", b"tf.math.log")


def test_binary_file_named_py(tmp_path: Path) -> None:
    message = parse_error(
        migrate(tmp_path, {"blob.py": b"\x7fELF\x02\x01\x00\x00tensorflow.log"}), "blob.py"
    )
    assert message.startswith("binary file")


def test_empty_file(tmp_path: Path) -> None:
    outcome = migrate(tmp_path, {"empty.py": b""})
    result = outcome.file("empty.py")
    assert (result.error, result.remaining, result.new_source) == (None, [], None)


@pytest.mark.parametrize(
    "data",
    [b"", json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()],
    ids=["zero-bytes", "no-cells"],
)
def test_empty_notebook(tmp_path: Path, data: bytes) -> None:
    result = migrate(tmp_path, {"empty.ipynb": data}).file("empty.ipynb")
    assert (result.error, result.remaining, result.new_source) == (None, [], None)


def test_notebook_with_invalid_json(tmp_path: Path) -> None:
    message = parse_error(
        migrate(tmp_path, {"nb.ipynb": b'{"cells": [\n  {"cell_type": "tensorflow'}), "nb.ipynb"
    )
    assert message.startswith("notebook is not valid JSON")
    assert "line 2" in message


def test_notebook_with_wrong_structure(tmp_path: Path) -> None:
    data = b'{"worksheets": ["import tensorflow"]}'
    message = parse_error(migrate(tmp_path, {"nb.ipynb": data}), "nb.ipynb")
    assert message == "not a Jupyter notebook (nbformat 4): no `cells` list at the top level"


def test_read_only_file(tmp_path: Path) -> None:
    (tmp_path / "frozen.py").write_bytes(GOOD)
    (tmp_path / "frozen.py").chmod(0o444)
    outcome = migrate(tmp_path, {})
    result = outcome.file("frozen.py")
    assert result.error == "cannot write: the file is read-only; fixes not applied"
    assert (tmp_path / "frozen.py").read_bytes() == GOOD
    assert stat.S_IMODE((tmp_path / "frozen.py").stat().st_mode) == 0o444
    # Not written, so its fix did not happen: the finding remains and nothing counts as fixed.
    assert [f.code for f in result.remaining] == ["TFM401"] and result.fixed == []
    assert not result.changed


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    outcome = migrate(tmp_path, {}, paths=("missing.py", "missing_dir"))
    assert parse_error(outcome, "missing.py") == "no such file or folder"
    assert parse_error(outcome, "missing_dir") == "no such file or folder"


def test_symlink_loop(tmp_path: Path) -> None:
    os.symlink("b.py", tmp_path / "a.py")
    os.symlink("a.py", tmp_path / "b.py")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "m.py").write_bytes(GOOD)
    os.symlink("..", tmp_path / "pkg" / "up")  # a folder loop: walked once, not forever
    outcome = migrate(tmp_path, {})
    assert parse_error(outcome, "a.py").startswith("symlink loop")
    assert parse_error(outcome, "b.py").startswith("symlink loop")
    assert [f.path for f in outcome.first.files] == ["a.py", "b.py", "good.py", "pkg/m.py"]
    assert (tmp_path / "pkg" / "m.py").read_bytes() == GOOD_FIXED
