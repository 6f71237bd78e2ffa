# ruff: noqa: RUF001 - the summary counts with a multiplication sign on purpose
"""The stderr summary: fixed / remaining / manual, per rule, worded for check, fix and diff."""

from __future__ import annotations

import io

import pytest

from tf_migrate.model import Applicability, FileResult, Finding, Location, RunResult
from tf_migrate.report import print_summary
from tf_migrate.report.summary import summary_line


def finding(code: str, applicability: Applicability) -> Finding:
    return Finding(code, code.lower() + "-name", "m", Location(1, 1, 1, 2), applicability)


SAFE = Applicability.SAFE
UNSAFE = Applicability.UNSAFE
MANUAL = Applicability.MANUAL


def after_fix() -> RunResult:
    return RunResult(
        [
            FileResult(
                "a.py",
                fixed=[finding("TFM401", SAFE)] * 6 + [finding("TFM302", SAFE)],
                remaining=[finding("TFM101", MANUAL)] * 2 + [finding("TFM201", UNSAFE)],
            ),
            FileResult(
                "b.py", fixed=[finding("TFM401", SAFE)] * 4, remaining=[finding("TFM101", MANUAL)]
            ),
            FileResult(
                "c.py", fixed=[finding("TFM402", SAFE)], remaining=[finding("TFM201", UNSAFE)]
            ),
            FileResult("clean.py"),
        ]
    )


def captured(
    result: RunResult, mode: str, *, unsafe_fixes: bool = False, color: bool = False
) -> str:
    buffer = io.StringIO()
    print_summary(result, buffer, mode=mode, unsafe_fixes=unsafe_fixes, color=color)
    return buffer.getvalue()


def test_fix_summary_names_what_was_fixed_and_what_remains() -> None:
    assert summary_line(after_fix(), mode="fix", unsafe_fixes=False) == (
        "Fixed 12 findings in 3 files (TFM401 ×10, TFM302 ×1, TFM402 ×1); "
        "5 remain: 3 manual, 2 unsafe fixes available with --unsafe-fixes."
    )


def test_diff_summary_speaks_in_the_conditional() -> None:
    assert summary_line(after_fix(), mode="diff", unsafe_fixes=False).startswith(
        "Would fix 12 findings in 3 files (TFM401 ×10, TFM302 ×1, TFM402 ×1); 5 would remain:"
    )


def test_check_summary_says_how_to_fix() -> None:
    result = RunResult(
        [
            FileResult(
                "a.py", remaining=[finding("TFM401", SAFE)] * 3 + [finding("TFM201", UNSAFE)]
            ),
            FileResult("b.py", remaining=[finding("TFM101", MANUAL)]),
            FileResult("c.py"),
        ]
    )
    assert summary_line(result, mode="check", unsafe_fixes=False) == (
        "Found 5 findings in 2 files: 3 fixable with `tf-migrate fix`, 1 manual, "
        "1 unsafe fix available with --unsafe-fixes."
    )
    assert summary_line(result, mode="check", unsafe_fixes=True) == (
        "Found 5 findings in 2 files: 4 fixable with `tf-migrate fix --unsafe-fixes`, 1 manual."
    )


def test_fixes_left_unapplied_are_reported() -> None:
    result = RunResult(
        [FileResult("a.py", fixed=[finding("TFM401", SAFE)], remaining=[finding("TFM401", SAFE)])]
    )
    assert summary_line(result, mode="fix", unsafe_fixes=False) == (
        "Fixed 1 finding in 1 file (TFM401 ×1); 1 remains: 1 fix not applied."
    )


def test_the_sentence_lists_the_most_frequent_rules_only() -> None:
    fixed = [finding(f"TFM40{i}", SAFE) for i in range(6) for _ in range(i + 1)]
    line = summary_line(
        RunResult([FileResult("a.py", fixed=fixed)]), mode="fix", unsafe_fixes=False
    )
    assert line == "Fixed 21 findings in 1 file (TFM405 ×6, TFM404 ×5, TFM403 ×4, TFM402 ×3, …)."


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("check", "All checks passed: no TF1 idioms found in 2 files."),
        ("fix", "Nothing to fix: no TF1 idioms found in 2 files."),
        ("diff", "Nothing to fix: no TF1 idioms found in 2 files."),
    ],
)
def test_clean_run(mode: str, expected: str) -> None:
    text = captured(RunResult([FileResult("a.py"), FileResult("b.py")]), mode)
    assert text == expected + "\n"


def test_only_manual_findings_after_fix() -> None:
    result = RunResult([FileResult("a.py", remaining=[finding("TFM101", MANUAL)])])
    assert (
        summary_line(result, mode="fix", unsafe_fixes=False)
        == "No fixes applied; 1 remains: 1 manual."
    )


def test_table_per_rule_with_only_the_columns_that_have_counts() -> None:
    lines = captured(after_fix(), "fix").splitlines()
    assert lines[0].split() == ["code", "rule", "fixed", "unsafe", "fix", "manual"]
    rows = {line.split()[0]: line.split()[1:] for line in lines[1:-1]}
    assert rows == {
        "TFM101": ["tfm101-name", "3"],
        "TFM201": ["tfm201-name", "2"],
        "TFM302": ["tfm302-name", "1"],
        "TFM401": ["tfm401-name", "10"],
        "TFM402": ["tfm402-name", "1"],
    }
    assert lines[-1].startswith("Fixed 12 findings")
    # Which column holds each count: the numbers line up under their headers.
    header = lines[0]
    assert lines[1].rstrip().endswith("3") and len(lines[1].rstrip()) == len(header.rstrip())
    assert lines[4].index("10") + 1 == header.index("fixed") + len("fixed") - 1


def test_check_table_has_no_fixed_column() -> None:
    result = RunResult([FileResult("a.py", remaining=[finding("TFM401", SAFE)])])
    header = captured(result, "check").splitlines()[0]
    assert header.split() == ["code", "rule", "fixable"]


def test_summary_is_coloured_only_on_a_colour_console() -> None:
    assert "\x1b[" not in captured(after_fix(), "fix")
    assert "\x1b[" in captured(after_fix(), "fix", color=True)


def test_unknown_mode_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown summary mode"):
        summary_line(RunResult(), mode="report", unsafe_fixes=False)
