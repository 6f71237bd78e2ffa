"""The human formats: full (source line, carets, fix title) and concise (one line each)."""

from __future__ import annotations

import json
import re

import pytest

from tests.report_samples import PLACEHOLDER, RENAME, SOURCE
from tf_migrate.model import Applicability, FileResult, Finding, Location, RunResult
from tf_migrate.report import render_findings

ANSI = re.compile(r"\x1b\[[0-9;]*m")



def run(*files: FileResult) -> RunResult:
    return RunResult(list(files))


def test_concise_is_one_line_per_finding_sorted_by_position() -> None:
    result = run(FileResult("model.py", remaining=[RENAME, PLACEHOLDER], original_source=SOURCE))
    assert render_findings(result, "concise", color=False) == (
        "model.py:2:5: TFM101 `tf.placeholder` has no TF2 form\n"
        "model.py:3:5: TFM401 [*] `tf.log` does not exist in TF2; it is `tf.math.log`\n"
    )


def test_concise_orders_by_path_then_line_then_column_then_code() -> None:
    at = Location(1, 1, 1, 2)
    result = run(
        FileResult("b.py", remaining=[Finding("TFM101", "p", "m", at, Applicability.MANUAL)]),
        FileResult(
            "a.py",
            remaining=[
                Finding("TFM401", "r", "m", Location(2, 1, 2, 2), Applicability.MANUAL),
                Finding("TFM401", "r", "m", at, Applicability.MANUAL),
                Finding("TFM101", "p", "m", at, Applicability.MANUAL),
            ],
        ),
    )
    heads = [
        line.split(" m")[0]
        for line in render_findings(result, "concise", color=False).split("\n")
        if line
    ]
    assert heads == ["a.py:1:1: TFM101", "a.py:1:1: TFM401", "a.py:2:1: TFM401", "b.py:1:1: TFM101"]


def test_concise_marks_unsafe_fixes_and_keeps_multiline_messages_on_one_line() -> None:
    unsafe = Finding(
        "TFM201", "minimize", "line one\nline two", Location(1, 1, 1, 2), Applicability.UNSAFE, "t"
    )
    text = render_findings(run(FileResult("m.py", remaining=[unsafe])), "concise", color=False)
    assert text == "m.py:1:1: TFM201 [-] line one line two\n"


def test_full_shows_the_source_line_with_carets_under_the_range_and_the_fix_title() -> None:
    result = run(FileResult("model.py", remaining=[RENAME], original_source=SOURCE))
    assert render_findings(result, "full", color=False) == (
        "model.py:3:5: TFM401 [*] `tf.log` does not exist in TF2; it is `tf.math.log`\n"
        "  |\n"
        "3 | y = tf.log(x)\n"
        "  |     ^^^^^^ TFM401\n"
        "  |\n"
        "  = help: Rename to `tf.math.log`\n"
    )


def test_full_separates_findings_by_a_blank_line_and_omits_help_without_a_fix() -> None:
    result = run(FileResult("model.py", remaining=[RENAME, PLACEHOLDER], original_source=SOURCE))
    blocks = render_findings(result, "full", color=False).split("\n\n")
    assert len(blocks) == 2
    assert blocks[0].startswith("model.py:2:5: TFM101 `tf.placeholder`")
    assert "help" not in blocks[0]
    assert blocks[1].rstrip().endswith("= help: Rename to `tf.math.log`")


def test_full_aligns_carets_after_tabs_and_wide_characters() -> None:
    source = "\tname = '名前'; y = tf.log(x)\n"
    column = source.index("tf.log") + 1
    finding = Finding("TFM401", "r", "m", Location(1, column, 1, column + 6), Applicability.MANUAL)
    lines = render_findings(
        run(FileResult("t.py", remaining=[finding], original_source=source)), "full", color=False
    ).splitlines()
    code_line, caret_line = lines[2], lines[3]
    assert "\t" not in code_line
    # Wide characters take two terminal cells, so the text offset is not the display offset.
    display = code_line.replace("名", "名 ").replace("前", "前 ")
    assert caret_line.index("^") == display.index("tf.log")
    assert caret_line.count("^") == 6


def test_full_shows_the_lines_of_a_multiline_range_and_handles_crlf() -> None:
    source = "y = tf.foo(\r\n    a,\r\n    b)\r\n"
    finding = Finding("TFM999", "r", "m", Location(1, 5, 3, 7), Applicability.MANUAL)
    text = render_findings(
        run(FileResult("m.py", remaining=[finding], original_source=source)), "full", color=False
    )
    assert "\r" not in text
    assert text.splitlines()[2:6] == [
        "1 | y = tf.foo(",
        "  |     ^^^^^^^ TFM999",
        "2 |     a,",
        "3 |     b)",
    ]


def test_full_without_source_prints_the_header_only() -> None:
    parse_error = Finding(
        "TFM000",
        "parse-error",
        "cannot parse file: invalid syntax (line 3)",
        Location(3, 1, 3, 1),
        Applicability.MANUAL,
    )
    result = run(FileResult("broken.py", remaining=[parse_error], error="invalid syntax"))
    assert render_findings(result, "full", color=False) == (
        "broken.py:3:1: TFM000 cannot parse file: invalid syntax (line 3)\n"
    )


def test_full_skips_context_when_the_line_is_outside_the_source() -> None:
    finding = Finding("TFM101", "p", "m", Location(9, 1, 9, 2), Applicability.MANUAL)
    text = render_findings(
        run(FileResult("a.py", remaining=[finding], original_source="x = 1\n")), "full", color=False
    )
    assert text == "a.py:9:1: TFM101 m\n"


def test_full_says_when_a_fix_is_unsafe() -> None:
    unsafe = Finding(
        "TFM201", "minimize", "m", Location(1, 1, 1, 2), Applicability.UNSAFE, "Use a tape"
    )
    text = render_findings(
        run(FileResult("a.py", remaining=[unsafe], original_source="x\n")), "full", color=False
    )
    assert "= help: Use a tape (unsafe fix: applied with --unsafe-fixes)" in text
    assert "TFM201 [-] m" in text


@pytest.mark.parametrize("output_format", ["full", "concise"])
def test_colour_only_when_asked(output_format: str) -> None:
    result = run(FileResult("model.py", remaining=[RENAME], original_source=SOURCE))
    plain = render_findings(result, output_format, color=False)
    coloured = render_findings(result, output_format, color=True)
    assert "\x1b[" not in plain
    assert "\x1b[1;31mTFM401\x1b[0m" in coloured
    assert ANSI.sub("", coloured) == plain


@pytest.mark.parametrize("output_format", ["full", "concise", "github"])
def test_nothing_to_report_prints_nothing(output_format: str) -> None:
    assert (
        render_findings(
            run(FileResult("clean.py", original_source="x = 1\n")), output_format, color=True
        )
        == ""
    )


def test_fixed_findings_are_not_reported() -> None:
    result = run(FileResult("model.py", fixed=[RENAME], original_source=SOURCE))
    assert render_findings(result, "concise", color=False) == ""


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown output format 'xml'"):
        render_findings(RunResult(), "xml", color=False)


def test_full_shows_a_notebook_finding_in_its_cell_with_the_cells_code() -> None:
    # Notebook locations are inside a cell: line 1 of the JSON file is not line 1 of the cell.
    notebook = json.dumps(
        {
            "cells": [
                {"cell_type": "markdown", "source": ["# y = tf.log(x)"]},
                {"cell_type": "code", "source": ["import tensorflow as tf\n", "y = tf.log(x)"]},
            ]
        }
    )
    finding = Finding(
        "TFM401",
        "r",
        "cell 2: `tf.log` is `tf.math.log`",
        Location(2, 5, 2, 11),
        Applicability.SAFE,
    )
    result = run(FileResult("nb.ipynb", remaining=[finding], original_source=notebook))
    assert render_findings(result, "full", color=False) == (
        "nb.ipynb:cell 2:2:5: TFM401 [*] `tf.log` is `tf.math.log`\n"
        "  |\n"
        "2 | y = tf.log(x)\n"
        "  |     ^^^^^^ TFM401\n"
        "  |\n"
    )
    assert render_findings(result, "concise", color=False) == (
        "nb.ipynb:cell 2:2:5: TFM401 [*] `tf.log` is `tf.math.log`\n"
    )
    # Machine formats keep numeric positions and say the cell their own way.
    assert json.loads(render_findings(result, "json", color=False))[0]["cell"] == 2
    assert "cell 2: `tf.log`" in render_findings(result, "github", color=False)
