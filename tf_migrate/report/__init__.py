"""Everything tf-migrate prints: findings in every output format, statistics, diffs, the summary
and the rule documentation. Pure functions of a RunResult; the CLI decides where the text goes."""

from __future__ import annotations

from tf_migrate.model import RunResult
from tf_migrate.report import concise, diff, full, github, json_format, sarif, statistics
from tf_migrate.report.rules import explain_rule, print_explanation, render_rules_table
from tf_migrate.report.summary import print_summary

OUTPUT_FORMATS = ("full", "concise", "json", "github", "sarif")

__all__ = [
    "OUTPUT_FORMATS",
    "explain_rule",
    "print_explanation",
    "print_summary",
    "render_diff",
    "render_findings",
    "render_rules_table",
    "render_statistics",
]


def render_findings(result: RunResult, output_format: str, *, color: bool) -> str:
    """The remaining findings in `output_format`, ready for stdout (ends with a newline).

    full, concise and github give "" when there is nothing to report; json gives an empty list and
    sarif a complete log, so machine consumers always get a valid document. Colour applies to the
    human formats only.
    """
    if output_format == "full":
        return full.render(result, color=color)
    if output_format == "concise":
        return concise.render(result, color=color)
    if output_format == "json":
        return json_format.render(result)
    if output_format == "github":
        return github.render(result)
    if output_format == "sarif":
        return sarif.render(result)
    raise ValueError(
        f"unknown output format {output_format!r}; expected one of {', '.join(OUTPUT_FORMATS)}"
    )


def render_statistics(result: RunResult, *, color: bool) -> str:
    """`count<TAB>code<TAB>[*] name` per rule, most frequent first; "" when nothing remains."""
    return statistics.render(result, color=color)


def render_diff(result: RunResult, *, color: bool) -> str:
    """A unified diff (`--- a/path`, `+++ b/path`) of every changed file, sorted by path."""
    return diff.render(result, color=color)
