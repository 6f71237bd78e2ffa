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


def parse_suppressions(source: str) -> Suppressions:
    found = Suppressions()
    for number, text in enumerate(source.splitlines(), start=1):
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
    return found
