"""The closing summary on stderr: what was fixed, what remains and why, per rule."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from tf_migrate.model import Applicability, Finding, RunResult
from tf_migrate.report.common import MARKER_LEGEND, files_of, paint, plural, shows_markers

MODES = ("check", "fix", "diff")
# The sentence names the most frequent rules; the table lists them all.
_RULES_IN_SENTENCE = 4


@dataclass
class _RuleCounts:
    name: str
    fixed: int = 0
    fixable: int = 0  # a fix exists that this run's settings allow
    unsafe: int = 0  # a fix exists but needs --unsafe-fixes
    manual: int = 0


@dataclass
class Tally:
    """Fixed and remaining findings, the remaining ones split by what it takes to fix them."""

    unsafe_fixes: bool
    rules: dict[str, _RuleCounts] = field(default_factory=dict)

    def add_remaining(self, finding: Finding) -> None:
        counts = self._counts(finding)
        if finding.applicability is Applicability.MANUAL:
            counts.manual += 1
        elif finding.applicability is Applicability.UNSAFE and not self.unsafe_fixes:
            counts.unsafe += 1
        else:
            counts.fixable += 1

    def add_fixed(self, finding: Finding) -> None:
        self._counts(finding).fixed += 1

    def _counts(self, finding: Finding) -> _RuleCounts:
        counts = self.rules.get(finding.code)
        if counts is None:
            counts = self.rules[finding.code] = _RuleCounts(finding.rule_name)
        return counts

    def total(self, attribute: str) -> int:
        return sum(getattr(counts, attribute) for counts in self.rules.values())


def tally(result: RunResult, *, unsafe_fixes: bool) -> Tally:
    counts = Tally(unsafe_fixes)
    for file in result.files:
        for finding in file.fixed:
            counts.add_fixed(finding)
        for finding in file.remaining:
            counts.add_remaining(finding)
    return counts


def _per_rule(result: RunResult) -> str:
    by_code = Counter(finding.code for _, finding in result.fixed)
    ranked = sorted(by_code.items(), key=lambda item: (-item[1], item[0]))
    top = ranked[:_RULES_IN_SENTENCE]
    shown = [f"{code} \N{MULTIPLICATION SIGN}{count}" for code, count in top]
    if len(ranked) > _RULES_IN_SENTENCE:
        shown.append("…")
    return ", ".join(shown)


def _remaining_parts(counts: Tally, mode: str) -> list[str]:
    parts = []
    if counts.total("fixable"):
        command = "tf-migrate fix --unsafe-fixes" if counts.unsafe_fixes else "tf-migrate fix"
        if mode == "check":
            parts.append(f"{counts.total('fixable')} fixable with `{command}`")
        else:
            # A fix may still be left when edits overlap or the fix loop hit its round limit.
            parts.append(f"{plural(counts.total('fixable'), 'fix', 'fixes')} not applied")
    if counts.total("manual"):
        parts.append(f"{counts.total('manual')} manual")
    if counts.total("unsafe"):
        unsafe = plural(counts.total("unsafe"), "unsafe fix", "unsafe fixes")
        parts.append(f"{unsafe} available with --unsafe-fixes")
    return parts


def summary_line(result: RunResult, *, mode: str, unsafe_fixes: bool) -> str:
    """One sentence: what happened, what is left, and how to deal with what is left."""
    return _summary_line(result, tally(result, unsafe_fixes=unsafe_fixes), mode)


def _summary_line(result: RunResult, counts: Tally, mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"unknown summary mode {mode!r}; expected one of {', '.join(MODES)}")
    # Counted per file: a re-check reports thousands of findings, listing them again is waste.
    remaining = sum(len(file.remaining) for file in result.files)
    scanned = plural(len(result.files), "file")
    rest = ", ".join(_remaining_parts(counts, mode))
    if mode == "check":
        if not remaining:
            return f"All checks passed: no TF1 idioms found in {scanned}."
        where = plural(len({file.path for file in result.files if file.remaining}), "file")
        return f"Found {plural(remaining, 'finding')} in {where}: {rest}."
    fixed = len(result.fixed)
    verb = "Fixed" if mode == "fix" else "Would fix"
    remain = {"diff": "would remain", "fix": "remains" if remaining == 1 else "remain"}[mode]
    if not fixed and not remaining:
        return f"Nothing to fix: no TF1 idioms found in {scanned}."
    if fixed:
        where = plural(files_of(result.fixed), "file")
        head = f"{verb} {plural(fixed, 'finding')} in {where} ({_per_rule(result)})"
    else:
        head = "No fixes applied" if mode == "fix" else "No fixes to apply"
    if not remaining:
        return head + "."
    return f"{head}; {remaining} {remain}: {rest}."


# Between columns, as a borderless table: printed after every run, so plain text, not a layout
# library (whose import alone would be a tenth of a cached re-check).
_GAP = "  "


def _summary_table(counts: Tally, mode: str, *, color: bool) -> list[str]:
    if not counts.rules:
        return []
    titles = {
        "fixed": "fixed" if mode == "fix" else "would fix",
        "fixable": "fixable" if mode == "check" else "not applied",
        "unsafe": "unsafe fix",
        "manual": "manual",
    }
    if mode == "check":
        del titles["fixed"]  # check applies nothing
    columns = [(attribute, title) for attribute, title in titles.items() if counts.total(attribute)]
    header = ["code", "rule", *(title for _, title in columns)]
    rows = [
        [code, counts.rules[code].name]
        + [str(getattr(counts.rules[code], attribute) or "") for attribute, _ in columns]
        for code in sorted(counts.rules)
    ]
    widths = [max(len(row[index]) for row in [header, *rows]) for index in range(len(header))]

    def line(cells: list[str], styles: list[tuple[str, ...]]) -> str:
        # Code and rule name read left to right; counts line up under their titles.
        padded = [
            cell.ljust(width) if index < 2 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ]
        return _GAP.join(
            paint(cell, *style, color=color) for cell, style in zip(padded, styles, strict=True)
        ).rstrip()

    lines = [line(header, [("bold",)] * len(header))]
    cell_styles = [("bold", "red"), *[()] * (len(header) - 1)]
    lines += [line(row, cell_styles) for row in rows]
    return lines


def print_summary(
    result: RunResult,
    stream: TextIO,
    *,
    mode: str,
    unsafe_fixes: bool,
    color: bool,
    table: bool = True,
    legend: bool = False,
) -> None:
    """The per-rule table (unless `table` is False: `--statistics` printed its own), the
    legend of the fix markers (when `legend` and some finding shown had one), the sentence."""
    counts = tally(result, unsafe_fixes=unsafe_fixes)
    sentence = _summary_line(result, counts, mode)
    style = "yellow" if any(file.remaining for file in result.files) else "green"
    lines = _summary_table(counts, mode, color=color) if table else []
    if legend and shows_markers(result):
        lines.append(paint(MARKER_LEGEND, "dim", color=color))
    lines.append(paint(sentence, "bold", style, color=color))
    stream.write("\n".join(lines) + "\n")
    stream.flush()
