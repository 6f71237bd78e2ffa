"""The values that flow from the engine to the reports: findings, fixes and per-file results."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

# The engine's own finding for a file it cannot read or parse (rules/parse_error.py).
PARSE_ERROR_CODE = "TFM000"
PARSE_ERROR_NAME = "parse-error"


class Applicability(enum.Enum):
    """How far a fix may be trusted; see docs/guide.md "Fix safety"."""

    SAFE = "safe"  # preconditions checked by the analysis guarantee the same computation
    UNSAFE = "unsafe"  # same intent, but depends on something unchecked; needs --unsafe-fixes
    MANUAL = "manual"  # no automatic fix: the message says what to do


@dataclass(frozen=True, order=True)
class Location:
    """1-based line and column of a finding's start and end."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True)
class Finding:
    code: str
    rule_name: str
    message: str
    location: Location
    applicability: Applicability
    fix_title: str | None = None

    @property
    def fixable(self) -> bool:
        return self.applicability is not Applicability.MANUAL


@dataclass
class FileResult:
    """What happened to one file.

    `remaining` are findings still present after fixing; `fixed` are the findings whose fixes were
    applied (in the rounds of the fix loop). `new_source` is set only when the file changed.
    """

    path: str
    remaining: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    original_source: str | None = None
    new_source: str | None = None
    error: str | None = None  # set together with a TFM000 finding when the file cannot be handled

    @property
    def changed(self) -> bool:
        return self.new_source is not None and self.new_source != self.original_source


@dataclass
class RunResult:
    files: list[FileResult] = field(default_factory=list)

    @property
    def remaining(self) -> list[tuple[str, Finding]]:
        return [(f.path, finding) for f in self.files for finding in f.remaining]

    @property
    def fixed(self) -> list[tuple[str, Finding]]:
        return [(f.path, finding) for f in self.files for finding in f.fixed]

    @property
    def changed_files(self) -> list[FileResult]:
        return [f for f in self.files if f.changed]
