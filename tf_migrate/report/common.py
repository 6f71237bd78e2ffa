"""Pieces every output format shares: the order of findings, fix markers and ANSI styling."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from tf_migrate.model import Applicability, Finding, RunResult
from tf_migrate.notebooks import split_cell_prefix

# Python counts a line break as \n, \r\n or \r; str.splitlines() also breaks on \f, \v and
# others, which would shift every line number after them.
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

_ANSI = {
    "bold": "1",
    "dim": "2",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "blue": "34",
    "cyan": "36",
}


def paint(text: str, *styles: str, color: bool) -> str:
    """`text` wrapped in ANSI SGR codes, or unchanged when colour is off."""
    if not color or not styles or not text:
        return text
    codes = ";".join(_ANSI[style] for style in styles)
    return f"\x1b[{codes}m{text}\x1b[0m"


def notebook_cell(path: str, finding: Finding) -> int | None:
    """The cell a notebook finding is in (its lines count inside it); None outside notebooks."""
    return split_cell_prefix(finding.message)[0] if path.endswith(".ipynb") else None


def sorted_findings(result: RunResult) -> list[tuple[str, Finding]]:
    """The remaining findings in a stable order (path, cell, line, column, code) for every
    format."""
    return sorted(
        result.remaining,
        key=lambda item: (
            item[0],
            notebook_cell(*item) or 0,
            item[1].location.line,
            item[1].location.column,
            item[1].code,
        ),
    )


def fix_marker(applicability: Applicability) -> str:
    """`[*]` a plain run fixes it, `[-]` only with --unsafe-fixes, empty when there is no fix."""
    if applicability is Applicability.SAFE:
        return "[*]"
    if applicability is Applicability.UNSAFE:
        return "[-]"
    return ""


# What the markers in front of messages mean; printed with the summary when some were shown.
MARKER_LEGEND = (
    "[*] `tf-migrate fix` fixes it; [-] only `tf-migrate fix --unsafe-fixes` does "
    "(the fix may change numbers)"
)


def shows_markers(result: RunResult) -> bool:
    """Whether a remaining finding carries a `[*]` or `[-]` marker."""
    return any(
        finding.applicability is not Applicability.MANUAL
        for file in result.files
        for finding in file.remaining
    )


@cache
def one_line(message: str) -> str:
    """Messages go on one line: editors and CI annotate from `path:line:col:` headers."""
    # Cached: a run repeats the same few hundred messages thousands of times.
    return " ".join(part.strip() for part in _LINE_BREAK.split(message) if part.strip())


def source_lines(source: str) -> list[str]:
    return _LINE_BREAK.split(source)


def split_keepends(source: str) -> list[str]:
    """Lines with their own line break kept, broken where Python breaks them."""
    return re.findall(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$", source)


def split_line_end(line: str) -> tuple[str, str]:
    """`line` without its line break, and the break."""
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


def files_of(items: Iterable[tuple[str, Finding]]) -> int:
    return len({path for path, _ in items})
