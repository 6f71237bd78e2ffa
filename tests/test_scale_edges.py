"""Repository scale and edges: files without TensorFlow, symlinks, deep expressions, the memory
budget, and notebooks through add-noqa."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tf_migrate.engine import memory
from tf_migrate.engine.compute import Mode, Task
from tf_migrate.engine.run import run, run_stdin
from tf_migrate.engine.schedule import execute
from tf_migrate.model import FileResult
from tf_migrate.settings import RuleOptions, Settings

ROOT = Path(__file__).resolve().parents[1]
FIXABLE = "import tensorflow as tf\ny = tf.log(x)\n"
FIXED = "import tensorflow as tf\ny = tf.math.log(x)\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _settings(root: Path, **overrides: object) -> Settings:
    return Settings(project_root=root).with_overrides(**overrides)


def _notebook(*cells: str, markdown: str = "") -> str:
    data = {
        "cells": [{"cell_type": "markdown", "metadata": {}, "source": markdown}]
        + [
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
             "source": source.splitlines(keepends=True)}
            for source in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(data, indent=1) + "\n"


# --- files that never mention TensorFlow -----------------------------------------------------


def test_files_without_tensorflow_are_neither_parsed_nor_reported(project: Path) -> None:
    (project / "broken.py").write_text("def f(:\n")  # a syntax error nobody asked about
    (project / "plain.py").write_text("import numpy as np\nx = np.log(1)\n")
    (project / "docs.ipynb").write_text(
        _notebook("!pip install tensorflow\nimport numpy", markdown="uses tensorflow")
    )
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from tf_migrate.engine.run import Mode, run
        from tf_migrate.settings import Settings
        result = run(["."], Settings(project_root=Path(".")), mode=Mode.CHECK, jobs=1)
        print(len(result.files), len(result.remaining), "libcst" in sys.modules)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=project, env=env, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.split() == ["3", "0", "False"]


def test_a_file_that_mentions_tensorflow_anywhere_is_parsed(project: Path) -> None:
    (project / "broken.py").write_text("# uses tensorflow\ndef f(:\n")
    notebook = _notebook("import numpy", "import tensorflow as tf\ntf.log(1)")
    (project / "nb.ipynb").write_text(notebook)
    result = run(["."], _settings(project), mode=Mode.CHECK, jobs=1, use_cache=False)
    assert sorted((f.path, f.remaining[0].code) for f in result.files) == [
        ("broken.py", "TFM000"),
        ("nb.ipynb", "TFM401"),
    ]
    assert run_stdin("x = 1\n", _settings(project), mode=Mode.CHECK).remaining == []


# --- symlinks ---------------------------------------------------------------------------------


def test_symlinks_leading_outside_the_given_paths_are_skipped_with_a_note(project: Path) -> None:
    outside = project / "outside"
    outside.mkdir()
    (outside / "other.py").write_text(FIXABLE)
    (outside / "pkg").mkdir()
    (outside / "pkg" / "deep.py").write_text(FIXABLE)
    tree = project / "tree"
    tree.mkdir()
    (tree / "own.py").write_text(FIXABLE)
    (tree / "link.py").symlink_to(outside / "other.py")
    (tree / "linked_pkg").symlink_to(outside / "pkg")
    result = run(["tree"], _settings(project), mode=Mode.FIX, jobs=1, use_cache=False)
    notes = {f.path: f.error for f in result.files if f.error}
    assert set(notes) == {"tree/link.py", "tree/linked_pkg"}
    assert all("outside the paths given; skipped" in note for note in notes.values())
    assert (outside / "other.py").read_text() == FIXABLE
    assert (outside / "pkg" / "deep.py").read_text() == FIXABLE
    assert (tree / "own.py").read_text() == FIXED
    # Given together, the outside folder is among the paths: its file is fixed once.
    both = run(["tree", "outside"], _settings(project), mode=Mode.FIX, jobs=1, use_cache=False)
    assert sorted(f.path for f in both.changed_files) == ["outside/other.py", "outside/pkg/deep.py"]
    assert (tree / "link.py").is_symlink() and (outside / "other.py").read_text() == FIXED


def test_a_file_reached_by_several_paths_is_processed_once(project: Path) -> None:
    (project / "pkg").mkdir()
    (project / "pkg" / "a.py").write_text(FIXABLE)
    (project / "pkg" / "b_link.py").symlink_to("a.py")
    os.link(project / "pkg" / "a.py", project / "pkg" / "c_hard.py")
    (project / "pkg" / "again").symlink_to(".")  # a loop back into the folder
    result = run(["pkg", "pkg/b_link.py"], _settings(project), mode=Mode.FIX, jobs=1)
    assert [f.path for f in result.files] == ["pkg/a.py"]
    assert [f.path for f in result.changed_files] == ["pkg/a.py"]
    assert (project / "pkg" / "a.py").read_text() == FIXED


# --- deep expressions -------------------------------------------------------------------------


def test_long_operator_chains_python_compiles_are_processed(tmp_path: Path) -> None:
    chain = "import tensorflow as tf\ny = " + " + ".join(["tf.log(1.0)"] * 900) + "\n"
    checked = run_stdin(chain, _settings(tmp_path), mode=Mode.CHECK)
    assert [f.code for f in checked.remaining] == ["TFM401"] * 900
    # `and` chains are flat for CPython, which compiles them at any length; libcst nests them.
    either = "import tensorflow as tf\ny = " + " and ".join(["tf.log(x)"] * 4000) + "\n"
    assert len(run_stdin(either, _settings(tmp_path), mode=Mode.CHECK).remaining) == 4000


def test_deeply_nested_calls_and_literals_are_fixed(tmp_path: Path) -> None:
    nested = "import tensorflow as tf\ny = " + "tf.log(["* 100 + "x" + "])" * 100 + "\n"
    fixed = run_stdin(nested, _settings(tmp_path), mode=Mode.FIX)
    assert fixed.new_source == nested.replace("tf.log(", "tf.math.log(")
    compile(fixed.new_source, "<fixed>", "exec")


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("y = " + "(" * 201 + "tf.log(x)" + ")" * 201, "too many nested parentheses"),
        ("y = " + " + ".join(["tf.log(x)"] * 3100), "Python's compiler exceeds its recursion"),
        ("y = " + "-" * 10000 + "tf.log(x)", "Python's parser runs out of stack"),
    ],
    ids=["parentheses", "compiler", "parser"],
)
def test_what_python_refuses_for_its_nesting_gets_a_parse_diagnostic(
    tmp_path: Path, source: str, reason: str
) -> None:
    result = run_stdin(f"import tensorflow as tf\n{source}\n", _settings(tmp_path), mode=Mode.FIX)
    assert [f.code for f in result.remaining] == ["TFM000"] and result.new_source is None
    message = result.remaining[0].message
    assert message.startswith("cannot parse: Python refuses this file: ") and reason in message
    assert "internal error" not in message


# --- the memory budget ------------------------------------------------------------------------


def test_a_file_too_big_for_the_budget_is_reported_not_parsed(project: Path) -> None:
    (project / "big.py").write_text(FIXABLE + "z = 1\n" * 2000)
    (project / "small.py").write_text(FIXABLE)
    needed = memory.need(len((project / "big.py").read_bytes()), Mode.FIX)
    budget = memory.PROCESS_BASE + needed - 1
    result = run(["."], _settings(project, memory_limit=budget), mode=Mode.FIX, use_cache=False)
    big, small = result.files
    assert [f.code for f in big.remaining] == ["TFM000"] and not big.changed
    assert "more than the memory limit" in big.remaining[0].message
    assert "memory-limit" in big.remaining[0].message
    assert small.changed and (project / "small.py").read_text() == FIXED


def test_the_budget_bounds_processes_and_leaves_room_for_the_largest_file() -> None:
    budget = 2 << 30
    assert memory.processes(budget, jobs=64, largest=0) == budget // 2 // memory.PROCESS_BASE
    big = budget - 3 * memory.PROCESS_BASE
    assert memory.processes(budget, jobs=64, largest=big) == 3
    assert memory.processes(budget, jobs=2, largest=0) == 2
    room = memory.room_for_files(budget, 3)
    assert room >= big and not memory.fits_alone(budget, budget)


# --- notebooks through add-noqa and fixes -----------------------------------------------------


def test_add_noqa_on_notebooks_ends_green(project: Path) -> None:
    session = "sess = tf.Session()\nprint(sess.run(y, feed_dict={x: np.ones((1, 3))}))"
    (project / "nb.ipynb").write_text(
        _notebook(
            "%matplotlib inline\nimport numpy as np\nimport tensorflow as tf",
            "x = tf.placeholder(tf.float32, [None, 3])\ny = tf.log(x)",
            session,
        )
    )
    before = run(["."], _settings(project), mode=Mode.CHECK, use_cache=False)
    assert len(before.remaining) >= 4  # the session program among them (its first cell)
    noqa = run(["."], _settings(project), mode=Mode.ADD_NOQA, use_cache=False)
    assert noqa.files[0].error is None and noqa.files[0].changed
    after = run(["."], _settings(project), mode=Mode.CHECK, use_cache=False)
    assert after.remaining == []
    again = run(["."], _settings(project), mode=Mode.ADD_NOQA, use_cache=False)
    assert again.changed_files == []
    cells = json.loads((project / "nb.ipynb").read_text())["cells"]
    assert cells[1]["source"][0] == "%matplotlib inline\n", "a cell magic must stay first"


def test_cells_no_fix_touches_stay_byte_identical(project: Path) -> None:
    imports = "import numpy as np\nimport tensorflow as tf"
    text = _notebook(
        imports,
        "x = tf.placeholder(tf.float32, [None, 3])\ny = tf.log(x)",
        "sess = tf.Session()\nprint(sess.run(y, feed_dict={x: np.ones((1, 3))}))",
    )
    (project / "nb.ipynb").write_text(text)
    result = run(["."], _settings(project), mode=Mode.FIX, use_cache=False)
    assert result.changed_files, "the session program was rewritten"
    before, after = (json.loads(t)["cells"] for t in (text, (project / "nb.ipynb").read_text()))
    assert after[1] == before[1], "the import cell is as it was"
    assert after[0] == before[0]


def _record_interval(task: Task) -> FileResult:
    """A stand-in for computing a file: notes when it ran, in which process."""
    start = time.monotonic()
    time.sleep(0.4)
    with (task.path.parent / "intervals.txt").open("a") as log:
        log.write(f"{task.display} {start} {time.monotonic()} {os.getpid()}\n")
    return FileResult(task.display)


def test_files_whose_needs_exceed_the_budget_together_are_never_computed_at_once(
    tmp_path: Path,
) -> None:
    def task(name: str) -> Task:
        options = RuleOptions()
        return Task(tmp_path / name, name, Mode.CHECK, (), options, False, "", None, None)

    budget = 8 * memory.PROCESS_BASE
    room = memory.room_for_files(budget, 2)
    big, small = room // 2 + 1, room // 8
    tasks = [(task("big1"), big), (task("big2"), big)] + [(task(f"s{i}"), small) for i in range(4)]
    results = execute(tasks, _record_interval, jobs=2, budget=budget, advance=lambda: None)
    assert sorted(result.path for result in results) == sorted(t.display for t, _ in tasks)
    rows = [line.split() for line in (tmp_path / "intervals.txt").read_text().splitlines()]
    spans = {name: (float(start), float(end)) for name, start, end, _ in rows}
    (start1, end1), (start2, end2) = spans["big1"], spans["big2"]
    assert end1 <= start2 or end2 <= start1, "two big files were computed at once"
    assert len({pid for *_, pid in rows}) == 2, "the small files shared two processes"
