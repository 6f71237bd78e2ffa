"""`--diff`: a unified diff of every file a fix would change, applicable with `git apply`."""

from __future__ import annotations

import difflib

from tf_migrate.model import FileResult, RunResult
from tf_migrate.report.common import paint, split_keepends, split_line_end

_NO_NEWLINE = "\\ No newline at end of file\n"


def _file_diff(file: FileResult) -> list[str]:
    before = split_keepends(file.original_source or "")
    after = split_keepends(file.new_source or "")
    lines = []
    for line in difflib.unified_diff(before, after, f"a/{file.path}", f"b/{file.path}"):
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
        out += [_paint_line(line, header=i < 2, color=color) for i, line in enumerate(lines)]
    return "".join(out)
