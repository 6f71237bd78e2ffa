"""The reviewer's view of a run, file by file: the hunks of each diff with the rules that made
them, what is left for a person at its lines, and a status to filter by. HTML and Markdown
render it (report/review_html.py, report/review_markdown.py); it never writes a file.

Which rule made a hunk: the fixed findings whose lines meet the lines the hunk changes. A
finding is located in the text of the fix round that found it, which is the original text for
the first round; a later round's finding (the whole-program rewrite waits for the smaller fixes)
may sit a few lines off, so a hunk no finding meets takes the nearest one. A hunk that only adds
or removes imports is labelled `imports`: the fixes that needed them asked for them.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from tf_migrate.model import PARSE_ERROR_CODE, Applicability, FileResult, Finding
from tf_migrate.notebooks import cell_sources, split_cell_prefix
from tf_migrate.report.common import source_lines, split_keepends

CONTEXT_LINES = 3
IMPORTS_LABEL = "imports"
# A finding's excerpt: its first lines are enough to find it.
EXCERPT_LINES = 4
STATUSES = ("changed", "manual", "unsafe", "unparseable")
_IMPORT_LINE = re.compile(r"\s*(import\s|from\s+\S+\s+import\b)")


@dataclass
class Hunk:
    old_start: int  # first line of the hunk in the old text (1-based)
    new_start: int
    lines: list[tuple[str, str]]  # (" " | "-" | "+", text without its line break)
    rules: list[str]  # codes of the rules that made it, or IMPORTS_LABEL


@dataclass
class FindingView:
    code: str
    rule_name: str
    message: str  # without a notebook's `cell N: `, which the section says
    line: int
    column: int
    applicability: str
    fix_title: str | None
    excerpt: list[tuple[int, str]]  # (line number, text) of the code it points at


@dataclass
class Section:
    """A Python file's whole text, or one cell of a notebook."""

    title: str | None  # "cell 3" in a notebook
    hunks: list[Hunk] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)


@dataclass
class FileReview:
    path: str
    statuses: list[str]  # those of STATUSES that apply
    sections: list[Section]
    fixed: dict[str, int]  # code -> findings fixed in this file
    rules: list[str]  # every code the file's hunks and findings name
    error: str | None = None


def _label(hunk_old: tuple[int, int], fixed: list[Finding], changed: list[str]) -> list[str]:
    """The codes of the fixed findings that meet `hunk_old` (first, last old line touched)."""
    if changed and all(_IMPORT_LINE.match(text) or not text.strip() for text in changed):
        return [IMPORTS_LABEL]
    first, last = hunk_old
    meeting = sorted(
        {f.code for f in fixed if f.location.line <= last and f.location.end_line >= first}
    )
    if meeting or not fixed:
        return meeting

    def distance(finding: Finding) -> int:
        if finding.location.end_line < first:
            return first - finding.location.end_line
        return max(finding.location.line - last, 0)

    nearest = min(distance(finding) for finding in fixed)
    return sorted({f.code for f in fixed if distance(f) == nearest})


def hunks(old: str, new: str, fixed: list[Finding]) -> list[Hunk]:
    """The unified-diff hunks from `old` to `new`, each labelled with its rules."""
    before = [line.rstrip("\r\n") for line in split_keepends(old)]
    after = [line.rstrip("\r\n") for line in split_keepends(new)]
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    found = []
    for group in matcher.get_grouped_opcodes(CONTEXT_LINES):
        lines: list[tuple[str, str]] = []
        touched: list[int] = []
        changed: list[str] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [(" ", text) for text in before[i1:i2]]
                continue
            lines += [("-", text) for text in before[i1:i2]]
            lines += [("+", text) for text in after[j1:j2]]
            changed += before[i1:i2] + after[j1:j2]
            # An insertion touches the lines on either side of where it goes.
            touched += list(range(i1 + 1, i2 + 1)) if i2 > i1 else [i1, i1 + 1]
        rules = _label((max(min(touched), 1), max(touched)), fixed, changed)
        found.append(Hunk(group[0][1] + 1, group[0][3] + 1, lines, rules))
    return found


def _view(finding: Finding, lines: list[str]) -> FindingView:
    location = finding.location
    last = min(max(location.end_line, location.line), location.line + EXCERPT_LINES - 1)
    excerpt = [(number, lines[number - 1]) for number in range(location.line, last + 1)
               if 1 <= number <= len(lines)]
    return FindingView(
        code=finding.code,
        rule_name=finding.rule_name,
        message=split_cell_prefix(finding.message)[1],
        line=location.line,
        column=location.column,
        applicability=finding.applicability.value,
        fix_title=finding.fix_title,
        excerpt=excerpt,
    )


def _statuses(file: FileResult) -> list[str]:
    unparseable = file.error is not None and any(
        finding.code == PARSE_ERROR_CODE for finding in file.remaining
    )
    flags = {
        "changed": file.changed,
        "manual": any(
            f.applicability is Applicability.MANUAL and f.code != PARSE_ERROR_CODE
            for f in file.remaining
        ),
        "unsafe": any(f.applicability is Applicability.UNSAFE for f in file.remaining + file.fixed),
        "unparseable": unparseable,
    }
    return [status for status in STATUSES if flags[status]]


def _by_cell(findings: list[Finding]) -> dict[int, list[Finding]]:
    cells: dict[int, list[Finding]] = {}
    for finding in findings:
        cell = split_cell_prefix(finding.message)[0]
        cells.setdefault(cell or 1, []).append(finding)
    return cells


def _notebook_sections(file: FileResult) -> list[Section]:
    old_cells = cell_sources(file.original_source or "")
    new_cells = cell_sources(file.new_source) if file.changed and file.new_source else old_cells
    if len(new_cells) != len(old_cells):  # a fix never adds or removes cells
        new_cells = old_cells
    fixed, remaining = _by_cell(file.fixed), _by_cell(file.remaining)
    sections = []
    for number, (old, new) in enumerate(zip(old_cells, new_cells, strict=True), start=1):
        cell_hunks = hunks(old, new, fixed.get(number, [])) if old != new else []
        lines = source_lines(new)
        views = [_view(finding, lines) for finding in remaining.get(number, [])]
        if cell_hunks or views:
            sections.append(Section(f"cell {number}", cell_hunks, views))
    return sections


def review_file(file: FileResult) -> FileReview:
    remaining = sorted(file.remaining, key=lambda f: (f.location.line, f.location.column, f.code))
    if file.path.endswith(".ipynb"):
        sections = _notebook_sections(file)
    else:
        old = file.original_source or ""
        new = file.new_source if file.changed and file.new_source is not None else old
        lines = source_lines(new)
        file_hunks = hunks(old, new, file.fixed) if new != old else []
        views = [_view(finding, lines) for finding in remaining]
        sections = [Section(None, file_hunks, views)] if file_hunks or views else []
    fixed: dict[str, int] = {}
    for finding in file.fixed:
        fixed[finding.code] = fixed.get(finding.code, 0) + 1
    named = {code for s in sections for h in s.hunks for code in h.rules if code != IMPORTS_LABEL}
    named |= {view.code for s in sections for view in s.findings}
    return FileReview(
        path=file.path,
        statuses=_statuses(file),
        sections=sections,
        fixed=fixed,
        rules=sorted(named | set(fixed)),
        # A note the findings do not already say (a TFM000 finding carries the parse error).
        error=None if any(f.message == file.error for f in file.remaining) else file.error,
    )


def worth_reviewing(file: FileResult) -> bool:
    """Whether the file has anything to show: a change, a finding left or an error."""
    return file.changed or bool(file.remaining) or file.error is not None
