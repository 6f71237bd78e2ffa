"""`--output-format json`: a list of findings, shaped like ruff's so existing tooling reads it."""

from __future__ import annotations

import json

from tf_migrate.model import Applicability, RunResult
from tf_migrate.report.common import notebook_cell, sorted_findings
from tf_migrate.report.docs_links import docs_url


def findings_as_dicts(result: RunResult) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    for path, finding in sorted_findings(result):
        loc = finding.location
        fix: dict[str, object] | None = None
        if finding.applicability is not Applicability.MANUAL:
            fix = {"applicability": finding.applicability.value, "message": finding.fix_title}
        items.append(
            {
                "filename": path,
                "code": finding.code,
                "rule": finding.rule_name,
                "message": finding.message,
                "location": {"row": loc.line, "column": loc.column},
                "end_location": {"row": loc.end_line, "column": loc.end_column},
                "fix": fix,
                "url": docs_url(finding.code),
                # As ruff: in a notebook, rows count inside this cell (numbered from 1).
                "cell": notebook_cell(path, finding),
            }
        )
    return items


def render(result: RunResult) -> str:
    # ensure_ascii=False keeps non-ASCII paths and messages readable; the CLI writes UTF-8.
    return json.dumps(findings_as_dicts(result), indent=2, ensure_ascii=False) + "\n"
