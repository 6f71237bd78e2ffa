"""`--output-format full` (the default): each finding with its source line, underlined, and the
fix title, in the layout ruff users read every day."""

from __future__ import annotations

from tf_migrate.model import Applicability, FileResult, Finding, RunResult
from tf_migrate.notebooks import cell_sources, split_cell_prefix
from tf_migrate.report.common import one_line, paint, sorted_findings, source_lines
from tf_migrate.report.concise import header

# A finding spanning a whole function would flood the terminal; its first lines locate it.
_MAX_CONTEXT_LINES = 4
_TAB_WIDTH = 4


def _width(text: str) -> int:
    """Terminal cells `text` takes once tabs are expanded (wide characters count twice)."""
    expanded = text.expandtabs(_TAB_WIDTH)
    # Printable ASCII takes one cell a character: most code, and far cheaper to measure.
    if expanded.isascii() and expanded.isprintable():
        return len(expanded)
    from rich.cells import cell_len  # imported for the few lines that need it

    return cell_len(expanded)


def _snippet(lines: list[str], finding: Finding, *, color: bool) -> list[str]:
    loc = finding.location
    if not 1 <= loc.line <= len(lines):
        return []
    last = min(max(loc.end_line, loc.line), len(lines), loc.line + _MAX_CONTEXT_LINES - 1)
    gutter_width = len(str(last))
    blank = paint(" " * gutter_width + " |", "bold", "blue", color=color)

    first = lines[loc.line - 1]
    start = _width(first[: loc.column - 1])
    if loc.end_line == loc.line:
        stop = _width(first[: loc.end_column - 1])
    else:
        stop = _width(first.rstrip())
    carets = "^" * max(stop - start, 1)
    underline = " " * start + paint(f"{carets} {finding.code}", "bold", "red", color=color)

    out = [blank]
    for number in range(loc.line, last + 1):
        gutter = paint(f"{number:>{gutter_width}} |", "bold", "blue", color=color)
        out.append(f"{gutter} {lines[number - 1].expandtabs(_TAB_WIDTH)}".rstrip())
        if number == loc.line:
            out.append(f"{blank} {underline}")
    if loc.end_line > last:
        out.append(paint(f"{'':>{gutter_width}} ...", "bold", "blue", color=color))
    out.append(blank)
    return out


def _help(finding: Finding, *, color: bool) -> str | None:
    if finding.fix_title is None:
        return None
    title = one_line(finding.fix_title)
    if finding.applicability is Applicability.UNSAFE:
        title += " (unsafe fix: applied with --unsafe-fixes)"
    return f"  = {paint('help', 'bold', 'cyan', color=color)}: {title}"


def _lines_for(
    file: FileResult | None, finding: Finding, cache: dict[object, list[str]]
) -> list[str]:
    """The lines `finding` counts in: its file's, or in a notebook its cell's (split once)."""
    if file is None:
        return []
    # Remaining findings describe the file as the run left it.
    source = file.new_source if file.changed else file.original_source
    if source is None:
        return []
    if not file.path.endswith(".ipynb"):
        if file.path not in cache:
            cache[file.path] = source_lines(source)
        return cache[file.path]
    cell, _ = split_cell_prefix(finding.message)
    if cell is None:
        return []
    if (file.path, cell) not in cache:
        cells = cell_sources(source)
        cache[(file.path, cell)] = source_lines(cells[cell - 1]) if cell <= len(cells) else []
    return cache[(file.path, cell)]


def render(result: RunResult, *, color: bool) -> str:
    by_path: dict[str, FileResult] = {file.path: file for file in result.files}
    lines_of: dict[object, list[str]] = {}  # split once per file or cell, not once per finding
    blocks = []
    for path, finding in sorted_findings(result):
        lines = _lines_for(by_path.get(path), finding, lines_of)
        block = [header(path, finding, color=color), *_snippet(lines, finding, color=color)]
        hint = _help(finding, color=color)
        if hint is not None:
            block.append(hint)
        blocks.append("\n".join(block) + "\n")
    return "\n".join(blocks)
