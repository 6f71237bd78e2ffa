"""`check --statistics`: count, code, fix marker and rule name per rule, most frequent first."""

from __future__ import annotations

import re

from tf_migrate.model import Applicability, FileResult, Finding, Location, RunResult
from tf_migrate.report import render_statistics


def finding(code: str, name: str, applicability: Applicability = Applicability.MANUAL) -> Finding:
    return Finding(code, name, "m", Location(1, 1, 1, 2), applicability)


def test_statistics_sorted_by_count_then_code_with_fix_markers() -> None:
    result = RunResult(
        [
            FileResult(
                "a.py",
                remaining=[
                    finding("TFM101", "placeholder"),
                    *[finding("TFM401", "tf1-symbol-name", Applicability.SAFE)] * 12,
                    finding("TFM201", "minimize", Applicability.UNSAFE),
                ],
            ),
            FileResult(
                "b.py",
                remaining=[
                    finding("TFM201", "minimize", Applicability.UNSAFE),
                    finding("TFM000", "parse-error"),
                ],
            ),
        ]
    )
    assert render_statistics(result, color=False) == (
        "12\tTFM401\t[*] tf1-symbol-name\n"
        " 2\tTFM201\t[-] minimize\n"
        " 1\tTFM000\t[ ] parse-error\n"
        " 1\tTFM101\t[ ] placeholder\n"
    )


def test_a_rule_with_some_safe_fixes_is_marked_fixable() -> None:
    result = RunResult(
        [
            FileResult(
                "a.py",
                remaining=[finding("TFM401", "r"), finding("TFM401", "r", Applicability.SAFE)],
            )
        ]
    )
    assert render_statistics(result, color=False) == "2\tTFM401\t[*] r\n"


def test_statistics_count_remaining_findings_only() -> None:
    result = RunResult([FileResult("a.py", fixed=[finding("TFM401", "r", Applicability.SAFE)])])
    assert render_statistics(result, color=False) == ""


def test_statistics_colour_only_when_asked() -> None:
    result = RunResult([FileResult("a.py", remaining=[finding("TFM401", "r", Applicability.SAFE)])])
    coloured = render_statistics(result, color=True)
    assert "\x1b[" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == render_statistics(result, color=False)
