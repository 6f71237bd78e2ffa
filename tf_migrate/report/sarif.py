"""`--output-format sarif`: a SARIF 2.1.0 log (GitHub code scanning, IDE viewers).

Every registered rule is described in the driver, so a viewer can show a rule's documentation even
for a run without findings; results point at their rule by id and index.
"""

from __future__ import annotations

import inspect
import json
from pathlib import PurePath
from typing import TYPE_CHECKING
from urllib.parse import quote

import tf_migrate
from tf_migrate.model import Finding, RunResult
from tf_migrate.report.common import sorted_findings
from tf_migrate.report.docs_links import docs_url, explain_command
from tf_migrate.report.rule_examples import fix_kinds
from tf_migrate.report.rule_pages import rule_page
from tf_migrate.rules.registry import all_rules

if TYPE_CHECKING:
    from tf_migrate.rules.support.rule import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"


def doc_sections(rule: type[Rule]) -> dict[str, str]:
    """The rule docstring's `## Heading` sections, by heading."""
    # cleandoc: the first docstring line is not indented, the rest are, and dedent alone keeps
    # the indentation of such a docstring.
    text = inspect.cleandoc(rule.__doc__ or "")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = sections.setdefault(line[3:].strip(), [])
        elif current is not None:
            current.append(line)
    return {heading: "\n".join(body).strip() for heading, body in sections.items()}


def _descriptor(rule: type[Rule]) -> dict[str, object]:
    sections = doc_sections(rule)
    what = sections.get("What it does") or rule.message
    why = sections.get("Why is this bad?")
    full = f"{what}\n\n{why}" if why else what
    # The rule's whole page, examples included: viewers show it beside each result, and it is
    # there whether or not the page's URL can be opened where the log is read.
    page = f"`{explain_command(rule.code)}` prints this page.\n\n{rule_page(rule)}"
    descriptor: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": what.split("\n\n", 1)[0].replace("\n", " ")},
        "fullDescription": {"text": full},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": "error"},
        "properties": {
            "fix": [kind.value for kind in fix_kinds(rule)],
            "tags": [rule.code[:4] + "xx"],
        },
    }
    url = docs_url(rule.code)
    if url is not None:
        descriptor["helpUri"] = url
    return descriptor


def artifact_uri(path: str) -> str:
    """A URI reference for `path`: relative paths stay relative (to the directory of the run)."""
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.as_uri()
    return quote(pure.as_posix())


def _region(finding: Finding) -> dict[str, int]:
    loc = finding.location
    # SARIF rejects a region that ends before it starts; an engine slip must not void the log.
    end_line = max(loc.end_line, loc.line)
    end_column = max(loc.end_column, loc.column) if end_line == loc.line else max(loc.end_column, 1)
    return {
        "startLine": max(loc.line, 1),
        "startColumn": max(loc.column, 1),
        "endLine": max(end_line, 1),
        "endColumn": end_column,
    }


def sarif_log(result: RunResult) -> dict[str, object]:
    rules = all_rules()
    index = {rule.code: i for i, rule in enumerate(rules)}
    results: list[dict[str, object]] = []
    for path, finding in sorted_findings(result):
        entry: dict[str, object] = {"ruleId": finding.code}
        if finding.code in index:
            entry["ruleIndex"] = index[finding.code]
        entry |= {
            "level": "error",
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": artifact_uri(path)},
                        "region": _region(finding),
                    }
                }
            ],
            "properties": {"applicability": finding.applicability.value},
        }
        results.append(entry)
    driver = {
        "name": "tf-migrate",
        "version": tf_migrate.__version__,
        "rules": [_descriptor(rule) for rule in rules],
    }
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        # Location columns count code points (libcst positions), not SARIF's default UTF-16 units.
        "runs": [
            {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
        ],
    }


def render(result: RunResult) -> str:
    return json.dumps(sarif_log(result), indent=2, ensure_ascii=False) + "\n"
