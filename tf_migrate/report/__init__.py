"""Everything tf-migrate prints: findings in every output format, statistics, diffs, the summary
and the rule documentation. Pure functions of a RunResult; the CLI decides where the text goes.

The rule documentation (rich tables), SARIF (the rule registry) and the reviewer's report (HTML
and Markdown, with the rule pages) are imported when used: every run prints findings and a
summary, few print those.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from tf_migrate.model import RunResult
from tf_migrate.report import concise, diff, full, github, json_format, statistics
from tf_migrate.report.summary import print_summary

if TYPE_CHECKING:
    from rich.console import Console

    from tf_migrate.report.proof import Proof
    from tf_migrate.rules.support.rule import Rule

OUTPUT_FORMATS = ("full", "concise", "json", "github", "sarif")

__all__ = [
    "OUTPUT_FORMATS",
    "explain_rule",
    "print_explanation",
    "print_summary",
    "render_diff",
    "render_findings",
    "render_review_html",
    "render_review_markdown",
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
        from tf_migrate.report import sarif

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


def explain_rule(rule: type[Rule]) -> str:
    """The rule's page as Markdown (as docs/rules/CODE.md)."""
    from tf_migrate.report import rules

    return rules.explain_rule(rule)


def print_explanation(rule: type[Rule], console: Console) -> None:
    from tf_migrate.report import rules

    rules.print_explanation(rule, console)


def render_rules_table(rules: Sequence[type[Rule]], console: Console) -> None:
    from tf_migrate.report import rules as documentation

    documentation.render_rules_table(rules, console)


def render_review_html(
    result: RunResult,
    *,
    paths: Sequence[str],
    written: bool,
    unsafe_fixes: bool,
    proofs: Sequence[Proof] = (),
) -> str:
    """The reviewer's report as one self-contained HTML page."""
    from tf_migrate.report.review_html import ReportContext, render_html

    context = ReportContext(tuple(paths), written, unsafe_fixes)
    return render_html(result, context, list(proofs))


def render_review_markdown(
    result: RunResult,
    *,
    unsafe_fixes: bool,
    html_report: str | None,
    proofs: Sequence[Proof] = (),
) -> str:
    """The reviewer's report as Markdown (a PR comment, a CI job summary), capped in length."""
    from tf_migrate.report.review_markdown import render_markdown

    return render_markdown(
        result, list(proofs), unsafe_fixes=unsafe_fixes, html_report=html_report
    )
