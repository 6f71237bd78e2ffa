"""`--diff`: a unified diff of every file a fix would change, applicable with `git apply`.

A notebook is diffed cell by cell, as source (`--- a/nb.ipynb:cell 3`): fixes change only the
code of cells, which a diff of the JSON would show as escaped strings on one line each.
"""

from __future__ import annotations

import difflib

from tf_migrate.model import FileResult, RunResult
from tf_migrate.notebooks import cell_sources
from tf_migrate.report.common import paint, split_keepends, split_line_end

_NO_NEWLINE = "\\ No newline at end of file\n"


def _file_diff(file: FileResult) -> list[str]:
    if file.path.endswith(".ipynb"):
        return _notebook_diff(file)
    return _text_diff(file.original_source or "", file.new_source or "", file.path)


def _notebook_diff(file: FileResult) -> list[str]:
    before = cell_sources(file.original_source or "")
    after = cell_sources(file.new_source or "")
    if len(before) != len(after):  # not a change a fix makes; show the JSON as it is
        return _text_diff(file.original_source or "", file.new_source or "", file.path)
    lines = []
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        if old != new:
            lines += _text_diff(old, new, f"{file.path}:cell {number}")
    return lines


def _text_diff(original: str, new: str, name: str) -> list[str]:
    before = split_keepends(original)
    after = split_keepends(new)
    lines = []
    for line in difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"):
        if split_line_end(line)[1]:
            lines.append(line)
        else:
            # The last line of a side without a final newline: patch tools expect the marker.
            lines += [line + "\n", _NO_NEWLINE]
    return lines


def _paint_line(line: str, *, header: bool, color: bool) -> str:
    body, end = split_line_end(line)
    # Only the file header is bold: a removed line reading "-- x" also starts with "---".
    if header:
        return paint(body, "bold", color=color) + end
    if line.startswith("@@"):
        return paint(body, "cyan", color=color) + end
    if line.startswith("-"):
        return paint(body, "red", color=color) + end
    if line.startswith("+"):
        return paint(body, "green", color=color) + end
    return line


def render(result: RunResult, *, color: bool) -> str:
    out = []
    for file in sorted(result.changed_files, key=lambda f: f.path):
        lines = _file_diff(file)
        out += [
            _paint_line(line, header=_is_header(lines, i), color=color)
            for i, line in enumerate(lines)
        ]
    return "".join(out)


def _is_header(lines: list[str], index: int) -> bool:
    """A `---`/`+++` file header line: a diff's first two lines, or a notebook cell's."""
    line = lines[index]
    if line.startswith("--- a/"):
        return index + 1 < len(lines) and lines[index + 1].startswith("+++ b/")
    return line.startswith("+++ b/") and index > 0 and lines[index - 1].startswith("--- a/")
