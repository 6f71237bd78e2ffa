"""The head of the reviewer's report: files, findings by rule family, the `tf.compat.v1`
fallbacks, and the session programs rewritten or refused (with their reasons counted)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from tf_migrate.model import PARSE_ERROR_CODE, Applicability, RunResult
from tf_migrate.notebooks import split_cell_prefix

# The code ranges, as the README names them.
FAMILIES = {
    "TFM0": "engine",
    "TFM1": "graph and session",
    "TFM2": "training",
    "TFM3": "variables and layers",
    "TFM4": "renames and arguments",
    "TFM5": "contrib, flags, logging, app",
    "TFM6": "Estimator and hooks",
    "TFM7": "checkpoints, summaries, tf.data iterators",
    "TFM8": "distribution",
}
COMPAT_FALLBACK_CODE = "TFM001"
PROGRAM_CODE = "TFM150"
_REFUSAL = "The session program is not rewritten: "
# Where a reason points: the same reason at another line is the same reason.
_LINE_REFERENCE = re.compile(r" \((?:cell \d+, )?line \d+\)")


@dataclass
class FamilyCounts:
    prefix: str  # "TFM1"
    title: str
    fixed: int = 0
    not_applied: int = 0  # a fix the settings allow, left by overlapping edits or the round cap
    unsafe: int = 0  # a fix that needs --unsafe-fixes
    manual: int = 0


@dataclass
class Summary:
    files: int
    changed: int
    unparseable: int
    families: list[FamilyCounts]
    compat_fallbacks: int
    programs_rewritten: int
    programs_unsafe: int  # rewrites that wait for --unsafe-fixes
    programs_refused: int
    refusal_reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        return self.files - self.changed - self.unparseable


def _family(code: str) -> FamilyCounts:
    prefix = code[:4]
    return FamilyCounts(prefix, FAMILIES.get(prefix, "other"))


def refusal_reasons(message: str) -> list[str]:
    """The reasons a refused session program gives, without the lines they point at."""
    text = split_cell_prefix(message)[1]
    if not text.startswith(_REFUSAL):
        return []
    return [_LINE_REFERENCE.sub("", reason) for reason in text[len(_REFUSAL) :].split("; ")]


def summarize(result: RunResult, *, unsafe_fixes: bool) -> Summary:
    families: dict[str, FamilyCounts] = {}
    reasons: Counter[str] = Counter()
    fallbacks = rewritten = unsafe_programs = refused = 0
    for file in result.files:
        for finding in file.fixed:
            families.setdefault(finding.code[:4], _family(finding.code)).fixed += 1
            fallbacks += finding.code == COMPAT_FALLBACK_CODE
            rewritten += finding.code == PROGRAM_CODE
        for finding in file.remaining:
            counts = families.setdefault(finding.code[:4], _family(finding.code))
            kind = finding.applicability
            if kind is Applicability.MANUAL:
                counts.manual += 1
            elif kind is Applicability.UNSAFE and not unsafe_fixes:
                counts.unsafe += 1
            else:
                counts.not_applied += 1
            fallbacks += finding.code == COMPAT_FALLBACK_CODE
            if finding.code == PROGRAM_CODE:
                if kind is Applicability.MANUAL:
                    refused += 1
                    reasons.update(refusal_reasons(finding.message))
                elif kind is Applicability.UNSAFE:
                    unsafe_programs += 1
    unparseable = sum(
        file.error is not None and any(f.code == PARSE_ERROR_CODE for f in file.remaining)
        for file in result.files
    )
    return Summary(
        files=len(result.files),
        changed=len(result.changed_files),
        unparseable=unparseable,
        families=[families[prefix] for prefix in sorted(families)],
        compat_fallbacks=fallbacks,
        programs_rewritten=rewritten,
        programs_unsafe=unsafe_programs,
        programs_refused=refused,
        refusal_reasons=sorted(reasons.items(), key=lambda item: (-item[1], item[0])),
    )
