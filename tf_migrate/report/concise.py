"""`--output-format concise`: one line per finding, `path:line:col: CODE [*] message`."""

from __future__ import annotations

from tf_migrate.model import Finding, RunResult
from tf_migrate.report.common import fix_marker, one_line, paint, sorted_findings


def header(path: str, finding: Finding, *, color: bool) -> str:
    """The `path:line:col: CODE [*] message` line the full format starts each finding with too."""
    if not color:  # the same line, built without the styling (most output goes to files)
        where = f"{path}:{finding.location.line}:{finding.location.column}: {finding.code} "
        marker = fix_marker(finding.applicability)
        return where + (f"{marker} " if marker else "") + one_line(finding.message)
    colon = paint(":", "cyan", color=color)
    where = colon.join(
        [paint(path, "bold", color=color), str(finding.location.line), str(finding.location.column)]
    )
    parts = [where + colon, paint(finding.code, "bold", "red", color=color)]
    marker = fix_marker(finding.applicability)
    if marker:
        parts.append(paint(marker, "cyan", color=color))
    parts.append(one_line(finding.message))
    return " ".join(parts)


def render(result: RunResult, *, color: bool) -> str:
    return "".join(header(path, f, color=color) + "\n" for path, f in sorted_findings(result))
