"""Suppression comments: `# tf-migrate: ignore[TFM101]` and `# tf-migrate: ignore-file`."""

from __future__ import annotations

import re
from collections.abc import Callable
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


def parse_suppressions(source: str, reserved: Callable[[str], bool] | None = None) -> Suppressions:
    """The suppressions in `source`. Lines for which `reserved` is true are not the user's (a
    notebook's cell headers and masked IPython lines): a finding there, such as one of the whole
    program on the first cell's header, is suppressed from the next line that is the user's."""
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
    if reserved is not None:
        users = None  # the suppression of the next line that is the user's, bottom-up
        for number in range(len(lines), 0, -1):
            if not reserved(lines[number - 1]):
                users = found.by_line.get(number)
            elif users is not None:
                found.by_line.setdefault(number, users)
    return found
