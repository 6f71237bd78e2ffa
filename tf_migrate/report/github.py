"""`--output-format github`: GitHub Actions workflow commands, one annotation per finding.

Escaping follows the Actions toolkit (`escapeData` / `escapeProperty` in @actions/core): without
it a `%`, a newline or, in a property, a `:` or `,` would cut the command short.
"""

from __future__ import annotations

from tf_migrate.model import RunResult
from tf_migrate.report.common import sorted_findings


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(result: RunResult) -> str:
    lines = []
    for path, finding in sorted_findings(result):
        loc = finding.location
        properties = {
            "file": path,
            "line": str(loc.line),
            "col": str(loc.column),
            "endLine": str(loc.end_line),
            "endColumn": str(loc.end_column),
            "title": finding.code,
        }
        props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
        # Like ruff, every finding is an error: CI should fail on it (the exit code says so too).
        lines.append(f"::error {props}::{escape_data(f'{finding.code} {finding.message}')}\n")
    return "".join(lines)
