"""Indentation that mixes tabs and spaces, read as Python reads it.

CPython accepts a block indented by `"\\t\\t"` on one line and `"  \\t\\t\\t"` on the next
when both agree at a tab stop of 8 (and at 1); libcst's tokenizer rejects them. Such files are
read with every tab of their indentation expanded to the next multiple of 8 columns, which is
what CPython does, provided the stdlib parser then sees the very same program. Findings are
mapped back to the file's own columns.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass, replace

from tf_migrate.model import Finding, Location

# Python's tab stop when it measures indentation.
TAB_STOP = 8
_LEADING = re.compile(r"[ \t\f]*")


@dataclass(frozen=True)
class Expanded:
    """`text` with tabs in its indentation expanded; for each changed line (1-based), the
    length of its indentation before and after."""

    text: str
    widths: dict[int, tuple[int, int]]

    def original(self, finding: Finding) -> Finding:
        """`finding`, located in `text`, with its columns counted in the original lines."""
        loc = finding.location
        return replace(
            finding,
            location=Location(
                loc.line,
                self._column(loc.line, loc.column),
                loc.end_line,
                self._column(loc.end_line, loc.end_column),
            ),
        )

    def _column(self, line: int, column: int) -> int:
        if line not in self.widths:
            return column
        before, after = self.widths[line]
        # Findings start at code, not inside indentation; such a column stays, at most where
        # the original indentation ends.
        return column - (after - before) if column > after else min(column, before + 1)


def expand_indentation(text: str) -> Expanded | None:
    """`text` with the tabs of its indentation expanded, or None when that is not the same
    program for Python (or `text` is not Python, or has no tab in its indentation)."""
    # Split where the tokenizer splits (str.splitlines would also break at \f, \v, ...).
    lines = text.split("\n")
    inside_strings = _lines_inside_strings(text)
    if inside_strings is None:
        return None
    widths: dict[int, tuple[int, int]] = {}
    for number, line in enumerate(lines, start=1):
        indentation = _LEADING.match(line)
        assert indentation is not None  # the pattern matches the empty string
        leading = indentation.group()
        if "\t" not in leading or number in inside_strings:
            continue
        expanded = leading.expandtabs(TAB_STOP)
        lines[number - 1] = expanded + line[len(leading) :]
        widths[number] = (len(leading), len(expanded))
    if not widths:
        return None
    result = "\n".join(lines)
    if not _same_program(text, result):
        return None
    return Expanded(result, widths)


def _lines_inside_strings(text: str) -> set[int] | None:
    """Lines that begin inside a string literal (their whitespace is the string's)."""
    inside: set[int] = set()
    opened: list[int] = []  # rows of the f-strings open on the way (Python 3.12+ tokens)
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            name = tokenize.tok_name[token.type]
            if name == "FSTRING_START":
                opened.append(token.start[0])
            elif name == "FSTRING_END" and opened:
                inside.update(range(opened.pop() + 1, token.end[0] + 1))
            elif token.end[0] > token.start[0] and token.type == tokenize.STRING:
                inside.update(range(token.start[0] + 1, token.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        return None
    return inside


def _same_program(before: str, after: str) -> bool:
    """Whether the stdlib parser reads both texts as the same tree (positions aside)."""
    try:
        return ast.dump(ast.parse(before)) == ast.dump(ast.parse(after))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
