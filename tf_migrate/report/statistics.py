"""`check --statistics`: how many findings of each rule, most frequent first (as ruff prints it)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tf_migrate.model import Applicability, RunResult
from tf_migrate.report.common import paint


@dataclass(frozen=True)
class Statistic:
    code: str
    name: str
    count: int
    marker: str  # [*] some have a safe fix, [-] only unsafe fixes, [ ] none


def statistics(result: RunResult) -> list[Statistic]:
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    kinds: dict[str, set[Applicability]] = {}
    for _, finding in result.remaining:
        counts[finding.code] += 1
        names[finding.code] = finding.rule_name
        kinds.setdefault(finding.code, set()).add(finding.applicability)
    stats = []
    for code, count in counts.items():
        if Applicability.SAFE in kinds[code]:
            marker = "[*]"
        elif Applicability.UNSAFE in kinds[code]:
            marker = "[-]"
        else:
            marker = "[ ]"
        stats.append(Statistic(code, names[code], count, marker))
    return sorted(stats, key=lambda s: (-s.count, s.code))


def render(result: RunResult, *, color: bool) -> str:
    stats = statistics(result)
    if not stats:
        return ""
    count_width = max(len(str(s.count)) for s in stats)
    code_width = max(len(s.code) for s in stats)
    lines = []
    for s in stats:
        code = paint(f"{s.code:<{code_width}}", "bold", "red", color=color)
        marker = paint(s.marker, "cyan", color=color) if s.marker != "[ ]" else s.marker
        lines.append(f"{s.count:>{count_width}}\t{code}\t{marker} {s.name}\n")
    return "".join(lines)
