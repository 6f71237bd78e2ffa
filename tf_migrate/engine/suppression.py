"""Suppression comments: `# tf-migrate: ignore[TFM101]` and `# tf-migrate: ignore-file`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_LINE = re.compile(r"#\s*tf-migrate:\s*ignore(?!-file)(?:\[(?P<codes>[^\]]*)\])?")
_FILE = re.compile(r"#\s*tf-migrate:\s*ignore-file\b")


@dataclass
class Suppressions:
    whole_file: bool = False
    # line number -> codes suppressed there; an empty set means every code
    by_line: dict[int, set[str]] = field(default_factory=dict)

    def covers(self, code: str, line: int) -> bool:
        if self.whole_file:
            return True
        for candidate in (line, line - 1):
            codes = self.by_line.get(candidate)
            if codes is not None and (not codes or code in codes):
                return True
        return False


def parse_suppressions(source: str, cell_header: str | None = None) -> Suppressions:
    """The suppressions in `source`. In a notebook's joined cells (`cell_header` starts the line
    that opens each cell), a finding of the whole program is located on the first cell's header
    line, which is not the user's to comment: the cell's first line speaks for it."""
    found = Suppressions()
    lines = source.splitlines()
    for number, text in enumerate(lines, start=1):
        if "tf-migrate" not in text:
            continue
        if _FILE.search(text):
            found.whole_file = True
            continue
        match = _LINE.search(text)
        if match:
            codes = match.group("codes")
            found.by_line[number] = (
                {c.strip().upper() for c in codes.split(",") if c.strip()} if codes else set()
            )
    if cell_header is not None:
        for number, text in enumerate(lines, start=1):
            if text.startswith(cell_header) and number + 1 in found.by_line:
                found.by_line.setdefault(number, found.by_line[number + 1])
    return found
