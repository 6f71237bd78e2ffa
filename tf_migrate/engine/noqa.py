"""`check --add-noqa`: suppress every current finding with a `# tf-migrate: ignore[...]` comment.

This is how a large repository adopts the tool: the existing debt is marked in place, and only
new code is held to the rules. The comment goes at the end of the finding's first line, merged
into a `tf-migrate: ignore[...]` comment already there, or after any other comment on that line
(suppression.py finds it anywhere in the line). When that line ends inside a multi-line string
or with a backslash continuation, a comment there would change the program, so the comment goes
on a line of its own just above (suppressions cover the line below them too); when even that is
impossible the finding is skipped and reported back.

In a notebook's joined cells, the lines the joining adds (cell headers, masked IPython lines) are
never commented: a finding on one of them (one of the whole program, on the first cell's header)
is suppressed from the next line that is the user's, where suppression.py looks for it.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tf_migrate.model import Finding

_EXISTING = re.compile(r"#\s*tf-migrate:\s*ignore\[(?P<codes>[^\]]*)\]")


@dataclass
class NoqaOutcome:
    source: str
    added: list[Finding] = field(default_factory=list)
    skipped: list[tuple[Finding, str]] = field(default_factory=list)


@dataclass
class _Lines:
    """What tokenizing tells about each physical line (1-based rows)."""

    ends_in_string: set[int] = field(default_factory=set)
    starts_in_string: set[int] = field(default_factory=set)
    comment_column: dict[int, int] = field(default_factory=dict)


def _scan(source: str) -> _Lines:
    lines = _Lines()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            lines.comment_column[token.start[0]] = token.start[1]
        elif token.type == tokenize.STRING and token.end[0] > token.start[0]:
            lines.ends_in_string.update(range(token.start[0], token.end[0]))
            lines.starts_in_string.update(range(token.start[0] + 1, token.end[0] + 1))
    return lines


def _split_ending(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


def _comment(codes: set[str]) -> str:
    return f"# tf-migrate: ignore[{', '.join(sorted(codes))}]"


def _merge(comment: str, codes: set[str]) -> str | None:
    """`comment` with `codes` merged into its tf-migrate part, or None if it has none."""
    match = _EXISTING.search(comment)
    if match is None:
        return None
    existing = {code.strip().upper() for code in match.group("codes").split(",") if code.strip()}
    return comment[: match.start()] + _comment(existing | codes) + comment[match.end() :]


def add_noqa(
    source: str, findings: Sequence[Finding], reserved: Callable[[str], bool] | None = None
) -> NoqaOutcome:
    """`source` with a suppression comment for each of `findings` (located in `source`); lines
    for which `reserved` is true get none."""
    outcome = NoqaOutcome(source)
    if not findings:
        return outcome
    try:
        scanned = _scan(source)
    except (tokenize.TokenError, SyntaxError) as error:
        outcome.skipped = [(finding, f"cannot tokenize the file: {error}") for finding in findings]
        return outcome
    lines = source.splitlines(keepends=True)

    def ends_with_backslash(row: int) -> bool:
        if row < 1 or row > len(lines) or row in scanned.comment_column:
            return False
        return _split_ending(lines[row - 1])[0].endswith("\\") and row not in scanned.ends_in_string

    def is_reserved(row: int) -> bool:
        return reserved is not None and 1 <= row <= len(lines) and reserved(lines[row - 1])

    at_end: dict[int, set[str]] = defaultdict(set)
    above: dict[int, set[str]] = defaultdict(set)
    for finding in findings:
        row = finding.location.line
        if is_reserved(row):
            # Not the user's line (a cell's header): the comment goes on the next line that is,
            # or on a line of its own after the reserved ones (suppression.py looks there).
            while is_reserved(row):
                row += 1
            if row > len(lines):
                above[row].add(finding.code)
                outcome.added.append(finding)
                continue
        if row in scanned.ends_in_string or ends_with_backslash(row):
            if row in scanned.starts_in_string or ends_with_backslash(row - 1):
                outcome.skipped.append(
                    (finding, f"line {row} is inside a multi-line string or continuation")
                )
                continue
            above[row].add(finding.code)
        else:
            at_end[row].add(finding.code)
        outcome.added.append(finding)

    newline = "\r\n" if "\r\n" in source else "\n"
    for row, codes in at_end.items():
        body, ending = _split_ending(lines[row - 1])
        column = scanned.comment_column.get(row)
        merged = None if column is None else _merge(body[column:], codes)
        if merged is not None and column is not None:
            body = body[:column] + merged
        else:
            body = body.rstrip(" \t") + "  " + _comment(codes)
        lines[row - 1] = body + ending
    # Bottom-up, so inserting a line does not move the rows still to be handled.
    for row in sorted(above, reverse=True):
        codes = above[row]
        previous = _split_ending(lines[row - 2])[0] if row >= 2 else ""
        mergeable = previous.lstrip().startswith("#") and not is_reserved(row - 1)
        merged = _merge(previous, codes) if mergeable else None
        if merged is not None:
            lines[row - 2] = merged + _split_ending(lines[row - 2])[1]
            continue
        body = _split_ending(lines[row - 1])[0] if row <= len(lines) else ""
        indent = body[: len(body) - len(body.lstrip(" \t"))]
        lines.insert(row - 1, indent + _comment(codes) + newline)
    outcome.source = "".join(lines)
    return outcome
