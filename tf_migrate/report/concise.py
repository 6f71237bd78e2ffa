"""`--output-format concise`: one line per finding, `path:line:col: CODE [*] message`; in a
notebook `path:cell N:line:col: ...`, as ruff writes it, since lines count inside the cell."""

from __future__ import annotations

from tf_migrate.model import Finding, RunResult
from tf_migrate.notebooks import split_cell_prefix
from tf_migrate.report.common import fix_marker, one_line, paint, sorted_findings


def header(path: str, finding: Finding, *, color: bool) -> str:
    """The `path:line:col: CODE [*] message` line the full format starts each finding with too."""
    message = finding.message
    place = path
    if path.endswith(".ipynb"):
        cell, message = split_cell_prefix(message)
        if cell is not None:
            place = f"{path}:cell {cell}"
    if not color:  # the same line, built without the styling (most output goes to files)
        where = f"{place}:{finding.location.line}:{finding.location.column}: {finding.code} "
        marker = fix_marker(finding.applicability)
        return where + (f"{marker} " if marker else "") + one_line(message)
    colon = paint(":", "cyan", color=color)
    line, column = str(finding.location.line), str(finding.location.column)
    where = colon.join([paint(place, "bold", color=color), line, column])
    parts = [where + colon, paint(finding.code, "bold", "red", color=color)]
    marker = fix_marker(finding.applicability)
    if marker:
        parts.append(paint(marker, "cyan", color=color))
    parts.append(one_line(message))
    return " ".join(parts)


def render(result: RunResult, *, color: bool) -> str:
    return "".join(header(path, f, color=color) + "\n" for path, f in sorted_findings(result))
