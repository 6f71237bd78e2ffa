"""Notebooks as one Python text and back (tf_migrate/notebooks.py), and through the engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import libcst as cst
import pytest

from tf_migrate.engine.run import Mode, run
from tf_migrate.model import Applicability, Finding, Location
from tf_migrate.notebooks import (
    NotebookError,
    dump_notebook,
    join_cells,
    parse_notebook,
    split_cells,
    to_cell_finding,
)
from tf_migrate.settings import Settings


def code(source: str | list[str], outputs: list[Any] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": 3,
        "id": "c0de",
        "metadata": {"tags": ["keep"]},
        "outputs": outputs if outputs is not None else [],
        "source": source,
    }


def markdown(source: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": "m4rk", "metadata": {}, "source": source}


def notebook_text(*cells: dict[str, Any], language: str = "python") -> str:
    data = {
        "cells": list(cells),
        "metadata": {"language_info": {"name": language}, "kernelspec": {"name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    # What Jupyter writes: indent 1, non-ASCII as is, a final newline.
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


MAGIC_CELL = [
    "%matplotlib inline\n",
    "!pip install foo \\\n",
    "    --quiet\n",
    "files = !ls\n",
    "tf.log?\n",
    "??tf\n",
    "for i in range(2):\n",
    "    %time f(i)\n",
    "y = 1",
]


def test_join_masks_ipython_lines_and_split_restores_them_exactly() -> None:
    text = notebook_text(code("import tensorflow as tf\n"), markdown("# T\n"), code(MAGIC_CELL))
    notebook = parse_notebook(text)
    joined = join_cells(notebook, text)
    assert joined.cells == [0, 2]
    cst.parse_module(joined.text)  # valid Python once masked
    assert "%" not in joined.text and "!" not in joined.text and "?" not in joined.text
    assert len(joined.text.splitlines()) == 2 + 1 + len(MAGIC_CELL)
    assert split_cells(joined, joined.text) == {
        0: "import tensorflow as tf\n",
        2: "".join(MAGIC_CELL),
    }


def test_cell_magic_cells_are_left_out() -> None:
    text = notebook_text(code("%%bash\necho tf.log\n"), code("x = 1\n"))
    joined = join_cells(parse_notebook(text), text)
    assert joined.cells == [1]
    assert "echo" not in joined.text


def test_python_cell_magic_cells_are_checked_and_fixed(tmp_path: Path) -> None:
    # `%%time` runs its body as Python in the kernel: the body is checked and fixed, the magic
    # line is kept as it was.
    original = notebook_text(
        code("import tensorflow as tf\n"),
        code("%%time\ny = tf.log(2.0)\n"),
        code("%%capture out\nx = tf.placeholder(tf.float32)\n"),
    )
    path = tmp_path / "nb.ipynb"
    path.write_text(original, "utf-8")
    result = _run(tmp_path, Mode.FIX).files[0]
    assert result.error is None
    assert json.loads(path.read_text("utf-8"))["cells"][1]["source"] == (
        "%%time\ny = tf.math.log(2.0)\n"
    )
    assert [f.code for f in result.remaining] == ["TFM101"]
    assert result.remaining[0].message.startswith("cell 3: ")


def test_lost_or_reordered_marker_is_refused() -> None:
    text = notebook_text(code("a = 1\n"), code("b = 2\n"))
    joined = join_cells(parse_notebook(text), text)
    first, second = joined.marker(0), joined.marker(1)
    with pytest.raises(NotebookError, match="across notebook cells"):
        split_cells(joined, joined.text.replace(second + "\n", ""))
    swapped = joined.text.replace(first, "@@").replace(second, first).replace("@@", second)
    with pytest.raises(NotebookError, match="across notebook cells"):
        split_cells(joined, swapped)


def test_code_added_above_the_first_marker_goes_to_the_first_cell() -> None:
    text = notebook_text(code("a = 1\n"), code("b = 2\n"))
    joined = join_cells(parse_notebook(text), text)
    assert split_cells(joined, "import os\n" + joined.text)[0] == "import os\na = 1\n"


@pytest.mark.parametrize("indent", [1, 2, 4, None])
def test_layout_round_trips_byte_for_byte(indent: int | None) -> None:
    data = json.loads(notebook_text(code(["x = 'é'\n", "y = 2"]), markdown("ü")))
    text = json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
    assert dump_notebook(parse_notebook(text)) == text
    escaped = json.dumps(data, indent=indent) + "\n"
    assert dump_notebook(parse_notebook(escaped)) == escaped


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"cells": [', "not valid JSON"),
        ("[1, 2]", "no `cells` list"),
        ('{"cells": [{"source": "x"}]}', "cell 1 has no `cell_type`"),
        ('{"cells": [{"cell_type": "code", "source": 3}]}', "neither a string nor a list"),
    ],
)
def test_bad_notebooks_are_reported(text: str, message: str) -> None:
    with pytest.raises(NotebookError, match=message):
        parse_notebook(text)


def _run(tmp_path: Path, mode: Mode, select: tuple[str, ...] = ("TFM000", "TFM101", "TFM401")
         ) -> Any:
    # The rules these tests rely on, so that rules being added elsewhere do not interfere.
    settings = Settings(project_root=tmp_path, select=select)
    return run([str(tmp_path)], settings, mode=mode, jobs=1, use_cache=False)


def test_fix_resolves_imports_across_cells_and_keeps_everything_else(tmp_path: Path) -> None:
    output = {"output_type": "stream", "name": "stdout", "text": ["tf.log\n"]}
    original = notebook_text(
        code("import tensorflow as tf\n"),
        markdown("Uses `tf.log(x)`\n"),
        code(
            ["%matplotlib inline\n", "y = tf.log(x)\n", "z = tf.placeholder(tf.float32)"], [output]
        ),
        code("%%bash\necho tf.log\n"),
        code("w = tf.log(y)"),
    )
    path = tmp_path / "nb.ipynb"
    path.write_text(original, "utf-8")
    result = _run(tmp_path, Mode.FIX).files[0]
    assert result.error is None
    written = path.read_text("utf-8")
    expected = json.loads(original)
    expected["cells"][2]["source"][1] = "y = tf.math.log(x)\n"
    expected["cells"][4]["source"] = "w = tf.math.log(y)"
    assert json.loads(written) == expected
    assert written == json.dumps(expected, indent=1, ensure_ascii=False) + "\n"
    assert result.new_source == written and result.original_source == original
    [placeholder] = result.remaining
    assert placeholder.code == "TFM101" and placeholder.message.startswith("cell 3: ")
    assert (placeholder.location.line, placeholder.location.column) == (3, 5)
    assert sorted(f.message.split(":")[0] for f in result.fixed) == ["cell 3", "cell 5"]
    assert not _run(tmp_path, Mode.FIX).changed_files


def test_new_import_lands_in_the_first_code_cell(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.write_text(
        notebook_text(markdown("Title"), code("from tensorflow import log\n"), code("y = log(x)\n"))
    )
    _run(tmp_path, Mode.FIX)
    cells = json.loads(path.read_text())["cells"]
    assert [cell["source"] for cell in cells] == [
        "Title",
        "import tensorflow as tf\n\n",
        "y = tf.math.log(x)\n",
    ]


def test_unchanged_and_non_python_notebooks_are_not_written(tmp_path: Path) -> None:
    clean = tmp_path / "clean.ipynb"
    clean.write_text(json.dumps({"cells": [code("x = 1")], "metadata": {}}))  # compact layout
    other = tmp_path / "r.ipynb"
    other.write_text(notebook_text(code("y <- tf.log(x)"), language="R"))
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (clean, other)}
    result = _run(tmp_path, Mode.FIX)
    assert not result.changed_files and not result.remaining
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (clean, other)} == before


def test_syntax_error_is_located_in_its_cell(tmp_path: Path) -> None:
    notebook = notebook_text(code("import tensorflow\n"), code("b = 1\nc = (\n"))
    (tmp_path / "nb.ipynb").write_text(notebook)
    [finding] = _run(tmp_path, Mode.CHECK).remaining
    assert finding[1].code == "TFM000"
    assert finding[1].message.startswith("cell 2: cannot parse: syntax error")
    assert finding[1].location.line == 2


@pytest.mark.parametrize(
    "source",
    [
        'message = ("loss: %.3f"\n           % loss)\n',
        'doc = """\n%s\n!important\n"""\n',
        "same = (a\n        != b)\n",
        "total = a \\\n    % b\n",
    ],
    ids=["modulo-in-brackets", "in-triple-quoted-string", "not-equal", "after-backslash"],
)
def test_python_lines_that_look_like_magics_are_not_masked(source: str) -> None:
    text = notebook_text(code(source))
    joined = join_cells(parse_notebook(text), text)
    assert joined.magics == {}
    assert joined.text.endswith(source)


REFUSED = [
    "from tensorflow import Session, placeholder\n",
    "x = placeholder('float32')\n",
    "with Session() as sess:\n    print(sess.run(x * 2, {x: 1.0}))\n    keep(sess)\n",
]


def test_findings_name_their_cell_and_lines_the_message_refers_to(tmp_path: Path) -> None:
    (tmp_path / "nb.ipynb").write_text(notebook_text(markdown("# T\n"), *map(code, REFUSED)))
    result = run([str(tmp_path)], Settings(project_root=tmp_path), mode=Mode.CHECK, jobs=1)
    refusals = [f for f in result.files[0].remaining if f.code == "TFM150"]
    assert [f.message.split(": ", 1)[0] for f in refusals] == ["cell 4"]
    # `(line N)` in the message counts inside a cell too, and says which.
    assert "(cell 4, line 3)" in refusals[0].message
    assert "(line " not in refusals[0].message.replace("(cell 4, line", "")


def test_lists_of_lines_in_a_message_name_the_cells_they_fall_in() -> None:
    starts = [(1, 0), (3, 1), (7, 2)]  # joined text: cell 1 from line 1, 2 from 3, 3 from 7
    finding = Finding("TFM150", "session-program",
                      "prints (lines 3, 4, 8) and the run at line 9",
                      Location(4, 1, 4, 5), Applicability.MANUAL)
    moved = to_cell_finding(finding, starts)
    assert moved.message == ("cell 2: prints (cell 2, lines 1, 2; cell 3, line 2) and the run "
                             "at cell 3, line 3")


def test_a_refused_program_without_a_tf_import_is_anchored_where_it_runs(tmp_path: Path) -> None:
    cells = [
        "from tensorflow import Session, placeholder\n",
        "x = placeholder('float32')\n",
        "with Session() as sess:\n    print(sess.run(x * 2, {x: 1.0}))\n",
    ]
    (tmp_path / "nb.ipynb").write_text(notebook_text(*map(code, cells)))
    result = run([str(tmp_path)], Settings(project_root=tmp_path), mode=Mode.CHECK, jobs=1)
    refusal = next(f for f in result.files[0].remaining if f.code == "TFM150")
    assert refusal.message.startswith("cell 3: The session program is not rewritten: no `import")
    assert refusal.location.line == 2


def test_diff_shows_a_notebook_cell_by_cell_as_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tf_migrate.report import render_diff

    monkeypatch.chdir(tmp_path)
    text = notebook_text(
        code("import tensorflow as tf\n"), markdown("# x\n"), code(["a = 1\n", "y = tf.log(a)"])
    )
    (tmp_path / "nb.ipynb").write_text(text)
    result = run(["nb.ipynb"], Settings(project_root=tmp_path), mode=Mode.DIFF, jobs=1)
    assert render_diff(result, color=False) == (
        "--- a/nb.ipynb:cell 3\n"
        "+++ b/nb.ipynb:cell 3\n"
        "@@ -1,2 +1,2 @@\n"
        " a = 1\n"
        "-y = tf.log(a)\n"
        "\\ No newline at end of file\n"
        "+y = tf.math.log(a)\n"
        "\\ No newline at end of file\n"
    )


def test_a_session_program_spread_over_cells_is_rewritten_cell_by_cell(tmp_path: Path) -> None:
    # Graph statements move into functions defined where they are first run: the cell
    # headers stay in place, so each cell keeps what is left of it.
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook_text(
        code("from __future__ import print_function\nimport tensorflow as tf\n"),
        code("x = tf.placeholder(tf.float32)\ny = x * 2.0\n"),
        markdown("Run it"),
        code("sess = tf.Session()\nprint(sess.run(y, {x: 3.0}))\n"),
    ))
    result = _run(tmp_path, Mode.FIX, ("TFM150",)).files[0]
    assert result.error is None
    cells = [cell["source"] for cell in json.loads(path.read_text())["cells"]]
    assert cells[0] == "from __future__ import print_function\nimport tensorflow as tf\n"
    assert cells[1] == ""
    assert cells[2] == "Run it"
    assert "def compute_y(x):" in cells[3] and "print(compute_y(3.0).numpy())" in cells[3]
    assert not _run(tmp_path, Mode.FIX, ("TFM150",)).changed_files
