"""The reviewer's report as Markdown, for a pull-request comment or a CI job summary
(`$GITHUB_STEP_SUMMARY`): the summary tables, then one collapsible `<details>` per file with its
diff (each hunk headed by its rules) and what is left for a person.

GitHub refuses a comment over 65,536 characters; the text stops before MAX_CHARS at a file's
boundary and says how many files the HTML report holds beyond it.
"""

from __future__ import annotations

import re
from html import escape

from tf_migrate.model import RunResult
from tf_migrate.report.proof import Proof
from tf_migrate.report.review import FileReview, Hunk, Section, review_file, worth_reviewing
from tf_migrate.report.review_summary import Summary, summarize

MAX_CHARS = 60_000
_STATUS_TITLES = {"changed": "changed", "manual": "manual left", "unsafe": "unsafe",
                  "unparseable": "unparseable"}


def _fence(lines: list[str], language: str) -> list[str]:
    """A code block whose fence no backtick run in `lines` can close."""
    longest = max((len(run) for line in lines for run in re.findall("`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [f"{fence}{language}", *lines, fence]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def summary_markdown(summary: Summary, proofs: list[Proof]) -> list[str]:
    lines = [
        "| files scanned | changed | unchanged | unparseable | TFM001 fallbacks | session "
        "programs rewritten | refused |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {summary.files} | {summary.changed} | {summary.unchanged} | {summary.unparseable} "
        f"| {summary.compat_fallbacks} | {summary.programs_rewritten} "
        f"| {summary.programs_refused} |",
        "",
    ]
    if summary.families:
        lines += [
            "| rules | family | fixed | unsafe fix left | manual | fix not applied |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for family in summary.families:
            counts = (family.fixed, family.unsafe, family.manual, family.not_applied)
            lines.append(
                f"| {family.prefix}xx | {family.title} | "
                + " | ".join(str(count or "") for count in counts)
                + " |"
            )
        lines.append("")
    if summary.refusal_reasons:
        lines += ["| why a session program was not rewritten | programs |", "|---|---:|"]
        lines += [f"| {_cell(reason)} | {count} |" for reason, count in summary.refusal_reasons]
        lines.append("")
    for proof in proofs:
        lines += [
            f"**Proof** ({_cell(proof.source)}): before {proof.before}; after {proof.after}; "
            f"device {proof.device}.",
            "",
            "| program | result | outputs agreeing | worst abs err | worst rel err |",
            "|---|---|---:|---:|---:|",
        ]
        for program in proof.programs:
            outputs = program.outputs
            abs_errors = [o.max_abs_err for o in outputs if isinstance(o.max_abs_err, float | int)]
            rel_errors = [o.max_rel_err for o in outputs if isinstance(o.max_rel_err, float | int)]
            agreeing = sum(output.passed for output in program.outputs)
            lines.append(
                f"| {_cell(program.name)} | {program.status} | {agreeing}/{len(program.outputs)} "
                f"| {max(abs_errors, default=0):.3g} | {max(rel_errors, default=0):.3g} |"
            )
        lines.append("")
    return lines


def _hunk_lines(hunk: Hunk, names: dict[str, str]) -> list[str]:
    old_count = sum(kind != "+" for kind, _ in hunk.lines)
    new_count = sum(kind != "-" for kind, _ in hunk.lines)
    labels = ", ".join(f"{code} {names[code]}" if code in names else code for code in hunk.rules)
    head = f"@@ -{hunk.old_start},{old_count} +{hunk.new_start},{new_count} @@ {labels}"
    return [head, *(kind + text for kind, text in hunk.lines)]


def _section_lines(section: Section, names: dict[str, str]) -> list[str]:
    lines = [f"**{section.title}**", ""] if section.title else []
    if section.hunks:
        diff = [line for hunk in section.hunks for line in _hunk_lines(hunk, names)]
        lines += [*_fence(diff, "diff"), ""]
    for view in section.findings:
        lines.append(
            f"- line {view.line}:{view.column} **{view.code}** ({view.applicability}) "
            f"{view.message}"
        )
        if view.excerpt:
            lines += ["", *("  " + line for line in _fence([t for _, t in view.excerpt], "python"))]
    if section.findings:
        lines.append("")
    return lines


def _file_block(review: FileReview, names: dict[str, str]) -> str:
    statuses = ", ".join(_STATUS_TITLES[status] for status in review.statuses)
    fixed = sum(review.fixed.values())
    left = sum(len(section.findings) for section in review.sections)
    counts = " · ".join(
        part for part in (f"{fixed} fixed" if fixed else "", f"{left} left" if left else "") if part
    )
    head = f"<code>{escape(review.path)}</code> — {statuses}" + (f" · {counts}" if counts else "")
    lines = ["<details>", f"<summary>{head}</summary>", ""]
    if review.error:
        lines += [f"> {review.error}", ""]
    for section in review.sections:
        lines += _section_lines(section, names)
    lines += ["</details>", ""]
    return "\n".join(lines) + "\n"


def render_markdown(
    result: RunResult,
    proofs: list[Proof],
    *,
    unsafe_fixes: bool,
    html_report: str | None,
    max_chars: int = MAX_CHARS,
) -> str:
    """The report in at most `max_chars` characters; `html_report` names the full one."""
    # Reviewed one at a time: most of a large tree lies beyond the cap and is never reviewed.
    shown = [file for file in result.files if worth_reviewing(file)]
    names = {f.code: f.rule_name for file in result.files for f in file.fixed + file.remaining}
    summary = summarize(result, unsafe_fixes=unsafe_fixes)
    head = "\n".join(["## tf-migrate report", "", *summary_markdown(summary, proofs)]) + "\n"
    where = f"`{html_report}`" if html_report else "the HTML report (`tf-migrate report --html`)"
    text = head + ("### Files\n\n" if shown else "Nothing changed and nothing is left.\n")
    for index, file in enumerate(shown):
        block = _file_block(review_file(file), names)
        rest = len(shown) - index
        pointer = (
            f"\n**{rest} more file(s) are in {where}**: this summary stops at "
            f"{max_chars:,} characters.\n"
        )
        if len(text) + len(block) + len(pointer) > max_chars:
            return text + pointer
        text += block
    return text
