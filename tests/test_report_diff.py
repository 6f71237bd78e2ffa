"""`--diff`: unified diffs with a/ b/ headers that `git apply` accepts, coloured on request."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tf_migrate.model import FileResult, RunResult
from tf_migrate.report import render_diff

BEFORE = "import tensorflow as tf\ny = tf.log(x)\nz = 1\n"
AFTER = "import tensorflow as tf\ny = tf.math.log(x)\nz = 1\n"


def test_diff_of_a_changed_file() -> None:
    result = RunResult([FileResult("pkg/model.py", original_source=BEFORE, new_source=AFTER)])
    assert render_diff(result, color=False) == (
        "--- a/pkg/model.py\n"
        "+++ b/pkg/model.py\n"
        "@@ -1,3 +1,3 @@\n"
        " import tensorflow as tf\n"
        "-y = tf.log(x)\n"
        "+y = tf.math.log(x)\n"
        " z = 1\n"
    )


def test_only_changed_files_appear_sorted_by_path() -> None:
    result = RunResult(
        [
            FileResult("z.py", original_source=BEFORE, new_source=AFTER),
            FileResult("same.py", original_source=BEFORE, new_source=BEFORE),
            FileResult("untouched.py", original_source=BEFORE),
            FileResult("broken.py", error="cannot parse"),
            FileResult("a.py", original_source=BEFORE, new_source=AFTER),
        ]
    )
    headers = [
        line
        for line in render_diff(result, color=False).splitlines()
        if line.startswith(("---", "+++"))
    ]
    assert headers == ["--- a/a.py", "+++ b/a.py", "--- a/z.py", "+++ b/z.py"]


def test_no_changes_no_diff() -> None:
    assert render_diff(RunResult([FileResult("a.py", original_source=BEFORE)]), color=True) == ""


def test_missing_final_newline_is_marked() -> None:
    result = RunResult(
        [FileResult("a.py", original_source="y = tf.log(x)", new_source="y = tf.math.log(x)")]
    )
    assert render_diff(result, color=False).splitlines()[3:] == [
        "-y = tf.log(x)",
        "\\ No newline at end of file",
        "+y = tf.math.log(x)",
        "\\ No newline at end of file",
    ]


def test_colour_marks_headers_hunks_and_lines() -> None:
    result = RunResult([FileResult("a.py", original_source="-- x\n", new_source="++ x\n")])
    coloured = render_diff(result, color=True)
    lines = coloured.splitlines()
    assert lines[0] == "\x1b[1m--- a/a.py\x1b[0m"
    assert lines[2].startswith("\x1b[36m@@")
    # A removed line that reads "--- x" is a removal, not a header.
    assert lines[3] == "\x1b[31m--- x\x1b[0m"
    assert lines[4] == "\x1b[32m+++ x\x1b[0m"
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render_diff(result, color=False)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize(
    ("before", "after"),
    [
        (BEFORE, AFTER),
        ("a\r\nb = tf.log(x)\r\n", "a\r\nb = tf.math.log(x)\r\n"),
        ("x = 1\ny = tf.log(x)", "x = 1\ny = tf.math.log(x)"),
        ("x = 1\n", "import tensorflow as tf\n\nx = 1\n"),
    ],
    ids=["lf", "crlf", "no-final-newline", "insertion"],
)
def test_git_apply_reproduces_the_new_source(tmp_path: Path, before: str, after: str) -> None:
    target = tmp_path / "pkg" / "model.py"
    target.parent.mkdir()
    target.write_bytes(before.encode())
    patch = tmp_path / "fix.patch"
    result = RunResult([FileResult("pkg/model.py", original_source=before, new_source=after)])
    patch.write_bytes(render_diff(result, color=False).encode())
    subprocess.run(["git", "apply", str(patch)], cwd=tmp_path, check=True)
    assert target.read_bytes() == after.encode()
