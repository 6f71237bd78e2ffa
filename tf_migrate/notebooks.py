"""Jupyter notebooks as one Python text, and back.

The code cells are joined into a single module so that an import in cell 1 resolves a use in
cell 5, exactly as the kernel would see them. Each cell starts with a marker line carrying a
per-notebook nonce; after fixing, the text is split at the markers again. A marker is a statement
of its own, a string literal (which also lets the first cell's `from __future__` imports follow
it, as they follow a docstring), so that a fix that moves or removes the code around it leaves
it in place. If a fix lost, duplicated or reordered a marker, the notebook is refused
(NotebookError) rather than guessed.

IPython syntax (`%magic`, `!shell`, `x?`, `?x`, `y = !cmd`) is not Python: each such line is
replaced by a placeholder expression statement (same indentation, same number of lines) before
parsing and put back verbatim afterwards. A cell whose first line is a cell magic (`%%bash`,
`%%writefile`, ...) is not Python at all and is left out entirely, except the cell magics whose
body is Python run in the kernel (`%%time`, `%%timeit`, `%%capture`, `%%prun`): there only the
magic line is masked. Markdown and raw cells,
outputs, metadata and the nbformat fields are never touched.

Locations: a finding in a notebook is reported with the line and column inside its cell, and its
message starts with `cell N: `, N counting every cell of the notebook from 1 (the position you see
scrolling through it, markdown cells included). A `(line L)` a message refers to becomes
`(cell N, line L)` the same way.

Write-back keeps the JSON layout Jupyter uses (indent 1, non-ASCII kept, trailing newline); the
indent, newline style and ASCII escaping of the original are detected and kept.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from typing import Any

from tf_migrate.model import Finding, Location


class NotebookError(Exception):
    """Not a notebook we can handle; the message says why (it becomes a TFM000)."""


@dataclass(frozen=True)
class _Layout:
    indent: int | str | None = 1
    ensure_ascii: bool = False
    trailing_newline: bool = True
    newline: str = "\n"


@dataclass
class Notebook:
    data: dict[str, Any]
    layout: _Layout = field(default_factory=_Layout)


_INDENT = re.compile(r"\{\r?\n([ \t]+)\"")


def parse_notebook(text: str) -> Notebook:
    """The notebook in `text`; an empty file is an empty notebook (nothing to do)."""
    if not text.strip():
        return Notebook({"cells": []})
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"notebook is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from error
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("not a Jupyter notebook (nbformat 4): no `cells` list at the top level")
    for number, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"not a Jupyter notebook: cell {number} has no `cell_type`")
        source = cell.get("source", "")
        if not isinstance(source, str) and not (
            isinstance(source, list) and all(isinstance(line, str) for line in source)
        ):
            raise NotebookError(f"cell {number}: `source` is neither a string nor a list of lines")
    match = _INDENT.match(text)
    indent: int | str | None = None
    if match:
        whitespace = match.group(1)
        indent = len(whitespace) if set(whitespace) == {" "} else whitespace
    layout = _Layout(
        indent=indent,
        ensure_ascii=text.isascii() and "\\u" in text,
        trailing_newline=text.endswith("\n"),
        newline="\r\n" if "\r\n" in text else "\n",
    )
    return Notebook(data, layout)


def dump_notebook(notebook: Notebook) -> str:
    layout = notebook.layout
    text = json.dumps(notebook.data, indent=layout.indent, ensure_ascii=layout.ensure_ascii)
    if layout.trailing_newline:
        text += "\n"
    return text.replace("\n", layout.newline) if layout.newline != "\n" else text


def _cell_text(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _is_python(notebook: Notebook) -> bool:
    metadata = notebook.data.get("metadata")
    if not isinstance(metadata, dict):
        return True
    for table, key in (("language_info", "name"), ("kernelspec", "language")):
        info = metadata.get(table)
        if isinstance(info, dict) and isinstance(info.get(key), str):
            return bool(info[key].lower() == "python")
    return True


# IPython-only lines: magics, shell escapes, help, and assignments from a magic or a shell escape.
_IPYTHON_LINE = re.compile(
    r"[%!?].*"
    r"|[A-Za-z_][\w.]*\?{1,2}"
    r"|[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%].*",
    re.DOTALL,
)


# Cell magics whose body is Python code run in the kernel's namespace.
_PYTHON_CELL_MAGIC = re.compile(r"%%(time|timeit|capture|prun)(\s.*)?", re.DOTALL)


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


@dataclass
class JoinedCells:
    """The code cells of a notebook as one Python text, and what is needed to split it back."""

    text: str
    nonce: str
    cells: list[int]  # notebook cell indexes, in the order they appear in `text`
    magics: dict[str, str]  # placeholder token -> the original line (without its line ending)
    trailing_newline: dict[int, bool]  # whether the cell's source ended with a newline
    # Whether the cell's source started with a blank line (a fix that removes a cell's first
    # statements must not leave the blank lines that followed them at its top).
    leading_blank: dict[int, bool] = field(default_factory=dict)

    @property
    def header(self) -> str:
        """How the line that opens each cell in `text` starts."""
        return f'"tf-migrate-cell {self.nonce} '

    def marker(self, cell: int) -> str:
        return f'{self.header}{cell}"'

    def is_reserved(self, line: str) -> bool:
        """Whether `line` of `text` is the joining's own (a cell's header, a masked IPython
        line), not the user's code: nothing may be added to it."""
        return self.nonce in line


def join_cells(notebook: Notebook, original_text: str) -> JoinedCells:
    nonce = hashlib.sha256(original_text.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    while nonce in original_text:
        nonce = hashlib.sha256(nonce.encode()).hexdigest()[:12]
    joined = JoinedCells("", nonce, [], {}, {})
    if not _is_python(notebook):
        return joined
    parts: list[str] = []
    for index, cell in enumerate(notebook.data["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = _cell_text(cell)
        first_line = source.lstrip(" \t").split("\n", 1)[0].rstrip("\r")
        if first_line.startswith("%%") and not _PYTHON_CELL_MAGIC.fullmatch(first_line):
            continue
        joined.cells.append(index)
        joined.trailing_newline[index] = source.endswith("\n") or not source
        joined.leading_blank[index] = source.split("\n", 1)[0].strip() == "" and bool(source)
        parts.append(joined.marker(index) + "\n")
        parts.append(_mask(source, joined))
        if source and not source.endswith("\n"):
            parts.append("\n")
    joined.text = "".join(parts)
    return joined


class _Scanner:
    """Just enough of Python's tokenizer to tell whether a line starts a new statement.

    `% x` at the start of a line is IPython only when a statement starts there; inside brackets
    or a triple-quoted string it is the modulo operator or text, and must stay as it is.
    """

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, body: str) -> None:
        index, commented = 0, False
        while index < len(body):
            char = body[index]
            if self.quote is not None:
                if char == "\\":
                    index += 2
                elif body.startswith(self.quote, index):
                    index += len(self.quote)
                    self.quote = None
                else:
                    index += 1
                continue
            if char == "#":
                commented = True
                break
            if char in "\"'":
                triple = body[index : index + 3]
                self.quote = triple if triple in ('"""', "'''") else char
                index += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(self.depth - 1, 0)
            index += 1
        ends_with_backslash = body.endswith("\\") and not commented
        if self.quote in ('"', "'") and not ends_with_backslash:
            self.quote = None  # a one-quote string cannot span lines (else it is an error anyway)
        self.continued = ends_with_backslash and self.quote is None


def _mask(source: str, joined: JoinedCells) -> str:
    lines = source.splitlines(keepends=True)
    scanner = _Scanner()
    magic_indent: str | None = None  # set while a magic goes on with backslash continuations
    for number, line in enumerate(lines):
        body, ending = _split_ending(line)
        stripped = body.lstrip(" \t")
        if magic_indent is None:
            if not (scanner.at_statement_start and _IPYTHON_LINE.fullmatch(stripped)):
                scanner.feed(body)
                continue
            magic_indent = body[: len(body) - len(stripped)]
        token = f"__tf_migrate_magic_{joined.nonce}_{len(joined.magics)}__"
        joined.magics[token] = body
        lines[number] = magic_indent + token + ending
        if not body.endswith("\\"):
            magic_indent = None
    return "".join(lines)


def split_cells(joined: JoinedCells, text: str) -> dict[int, str]:
    """Cell index -> the cell's new source, from a (fixed) joined text. Raises NotebookError."""
    lines = text.splitlines(keepends=True)
    markers = {joined.marker(cell): cell for cell in joined.cells}
    starts: list[tuple[int, int]] = []
    for number, line in enumerate(lines):
        cell = markers.get(line.rstrip("\r\n"))
        if cell is not None:
            starts.append((number, cell))
    if [cell for _, cell in starts] != joined.cells:
        raise NotebookError(
            "a fix moved code across notebook cells; the notebook was left unchanged "
            "(run tf-migrate on the cells separately or fix it by hand)"
        )
    if starts and any(line.strip() for line in lines[: starts[0][0]]):
        # Imports a fix added above the first marker belong to the first code cell.
        first_line, first_cell = starts[0]
        lines = [lines[first_line], *lines[:first_line], *lines[first_line + 1 :]]
        starts[0] = (0, first_cell)
    sources: dict[int, str] = {}
    bounds = [number for number, _ in starts[1:]] + [len(lines)]
    for (start, cell), end in zip(starts, bounds, strict=True):
        source = _unmask("".join(lines[start + 1 : end]), joined)
        if not joined.leading_blank.get(cell, True):
            source = _without_leading_blank_lines(source)
        if not joined.trailing_newline[cell] and source.endswith("\n"):
            source = source[:-1]
        sources[cell] = source
    leftover = [token for token in joined.magics if any(token in s for s in sources.values())]
    if leftover or any(joined.nonce in source for source in sources.values()):
        raise NotebookError("IPython lines could not be restored after fixing; left unchanged")
    return sources


def _unmask(source: str, joined: JoinedCells) -> str:
    if joined.nonce not in source:
        return source
    lines = source.splitlines(keepends=True)
    for number, line in enumerate(lines):
        body, ending = _split_ending(line)
        original = joined.magics.get(body.strip())
        if original is not None:
            lines[number] = original + ending
    return "".join(lines)


def _without_blank_edges(source: str) -> list[str]:
    lines = source.splitlines()
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def with_sources(notebook: Notebook, sources: dict[int, str]) -> Notebook | None:
    """A copy of `notebook` with new cell sources (kept in their string or list form), or None
    when no cell changed."""
    cells = list(notebook.data["cells"])
    changed = False
    for index, source in sources.items():
        cell = cells[index]
        if _without_blank_edges(source) == _without_blank_edges(_cell_text(cell)):
            # Blank lines a fix put between statements fall at a cell's edges when they are
            # split back, where they mean nothing: a cell whose code is the same is left as is.
            continue
        changed = True
        kept_form: str | list[str] = (
            source.splitlines(keepends=True) if isinstance(cell.get("source"), list) else source
        )
        cells[index] = {**cell, "source": kept_form}
    if not changed:
        return None
    return Notebook({**notebook.data, "cells": cells}, notebook.layout)


def cell_locator(joined: JoinedCells, text: str) -> list[tuple[int, int]]:
    """(first line of the cell's code in `text`, cell index) for each code cell, in order."""
    markers = {joined.marker(cell): cell for cell in joined.cells}
    return [
        (number + 2, markers[line.rstrip("\r\n")])
        for number, line in enumerate(text.splitlines())
        if line.rstrip("\r\n") in markers
    ]


# How messages refer to other lines (the session-program refusals and notes): "(line 12)",
# "the run at line 12", "(lines 12, 40)".
_LINE_REFERENCE = re.compile(r"\blines? (\d+(?:, \d+)*)\b")
_CELL_PREFIX = re.compile(r"cell (\d+): ")


def _cell_start(line: int, starts: list[tuple[int, int]]) -> tuple[int, int]:
    """(cell index, first line of that cell's code) for `line` of the joined text."""
    first_line, cell = starts[0] if starts else (1, 0)
    for candidate_line, candidate_cell in starts:
        if candidate_line <= line:
            first_line, cell = candidate_line, candidate_cell
    return cell, first_line


def to_cell_finding(finding: Finding, starts: list[tuple[int, int]]) -> Finding:
    """`finding` (located in the joined text) located in its cell, with `cell N: ` in front."""
    cell, first_line = _cell_start(finding.location.line, starts)
    shift = first_line - 1

    def refer(match: re.Match[str]) -> str:
        # Lines of the joined text, grouped by the cell each falls in, in order.
        by_cell: dict[int, list[int]] = {}
        for number in (int(n) for n in match.group(1).split(", ")):
            other_cell, other_first = _cell_start(number, starts)
            by_cell.setdefault(other_cell, []).append(max(number - other_first + 1, 1))
        return "; ".join(
            f"cell {other + 1}, line{'s' if len(lines) > 1 else ''} "
            + ", ".join(str(n) for n in lines)
            for other, lines in by_cell.items())

    location = finding.location
    return replace(
        finding,
        message=f"cell {cell + 1}: {_LINE_REFERENCE.sub(refer, finding.message)}",
        location=Location(
            max(location.line - shift, 1),
            location.column,
            max(location.end_line - shift, 1),
            location.end_column,
        ),
    )


def split_cell_prefix(message: str) -> tuple[int | None, str]:
    """The cell number a notebook finding's message starts with, and the rest of it."""
    match = _CELL_PREFIX.match(message)
    if match is None:
        return None, message
    return int(match.group(1)), message[match.end() :]


def cell_sources(text: str) -> list[str]:
    """The source of every cell of the notebook in `text`, in order (cell N is item N - 1);
    empty when `text` is not a notebook."""
    try:
        notebook = parse_notebook(text)
    except NotebookError:
        return []
    return [_cell_text(cell) for cell in notebook.data["cells"]]


def _without_leading_blank_lines(source: str) -> str:
    lines = source.splitlines(keepends=True)
    while lines and not lines[0].strip():
        lines.pop(0)
    return "".join(lines)
