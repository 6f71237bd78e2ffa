"""The values that flow from the engine to the reports: findings, fixes and per-file results."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


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

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "rule": self.rule_name,
            "message": self.message,
            "line": self.location.line,
            "column": self.location.column,
            "end_line": self.location.end_line,
            "end_column": self.location.end_column,
            "applicability": self.applicability.value,
            "fix_title": self.fix_title,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Finding:
        def integer(key: str) -> int:
            value = data[key]
            assert isinstance(value, int)
            return value

        fix_title = data.get("fix_title")
        return cls(
            code=str(data["code"]),
            rule_name=str(data["rule"]),
            message=str(data["message"]),
            location=Location(
                integer("line"), integer("column"), integer("end_line"), integer("end_column")
            ),
            applicability=Applicability(data["applicability"]),
            fix_title=None if fix_title is None else str(fix_title),
        )


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
