"""The reviewer's report as one self-contained HTML page: inline CSS and JavaScript, no request
to any network (its Content-Security-Policy forbids them), readable from `file://`.

The summary, the proof and one closed row per file are written here; each file's hunks and
findings travel as JSON and become HTML when the file is opened (assets/review.js), so a page
of a thousand files opens at once and stays responsive.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from importlib.resources import files

import tf_migrate
from tf_migrate.model import RunResult
from tf_migrate.report.proof import Proof
from tf_migrate.report.review import STATUSES, FileReview, review_file, worth_reviewing
from tf_migrate.report.review_sections import proof_html, rule_docs_html, summary_html
from tf_migrate.report.review_summary import summarize

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
)
_STATUS_TITLES = {
    "changed": "changed",
    "manual": "manual left",
    "unsafe": "unsafe",
    "unparseable": "unparseable",
}


@dataclass(frozen=True)
class ReportContext:
    """What the page says about the run that made it."""

    paths: tuple[str, ...]
    written: bool  # fixes were written to the files (fix --report), or only previewed
    unsafe_fixes: bool


def _asset(name: str) -> str:
    return files("tf_migrate.report").joinpath("assets", name).read_text("utf-8")


def _file_data(review: FileReview) -> dict[str, object]:
    return {
        "path": review.path,
        "statuses": review.statuses,
        "rules": review.rules,
        "error": review.error,
        "sections": [
            {
                "title": section.title,
                "hunks": [
                    {
                        "old": hunk.old_start,
                        "new": hunk.new_start,
                        "rules": hunk.rules,
                        "lines": hunk.lines,
                    }
                    for hunk in section.hunks
                ],
                "findings": [
                    {
                        "code": view.code,
                        "name": view.rule_name,
                        "message": view.message,
                        "line": view.line,
                        "column": view.column,
                        "kind": view.applicability,
                        "fix": view.fix_title,
                        "excerpt": view.excerpt,
                    }
                    for view in section.findings
                ],
            }
            for section in review.sections
        ],
    }


def _file_row(index: int, review: FileReview) -> str:
    added = sum(kind == "+" for s in review.sections for h in s.hunks for kind, _ in h.lines)
    removed = sum(kind == "-" for s in review.sections for h in s.hunks for kind, _ in h.lines)
    left = sum(len(section.findings) for section in review.sections)
    badges = "".join(
        f'<span class="badge {status}">{_STATUS_TITLES[status]}</span>'
        for status in review.statuses
    )
    stats = []
    if added or removed:
        plus = f'<span class="plus">+{added}</span>'
        stats.append(f'{plus} <span class="minus">\N{MINUS SIGN}{removed}</span>')
    if review.fixed:
        stats.append(f"{sum(review.fixed.values())} fixed")
    if left:
        stats.append(f"{left} left")
    hunk_count = sum(len(section.hunks) for section in review.sections)
    return (
        f'<details class="file" id="file-{index}" data-hunks="{hunk_count}"><summary>'
        f'<span class="path">{escape(review.path)}</span>{badges}'
        f'<span class="stat">{" · ".join(stats)}</span></summary>'
        f'<div class="body"></div></details>'
    )


def _controls(reviews: list[FileReview]) -> str:
    files_per_rule: dict[str, int] = {}
    for review in reviews:
        for code in review.rules:
            files_per_rule[code] = files_per_rule.get(code, 0) + 1
    options = "".join(
        f'<option value="{code}">{code} ({count} file{"s" if count != 1 else ""})</option>'
        for code, count in sorted(files_per_rule.items())
    )
    buttons = "".join(
        f'<button type="button" class="status" data-status="{status}" aria-pressed="false">'
        f"{_STATUS_TITLES[status]}</button>"
        for status in STATUSES
    )
    return (
        '<nav id="controls"><input id="search" type="search" placeholder="Search paths, code '
        'and messages" aria-label="search">'
        f'<select id="rule-filter" aria-label="rule"><option value="">every rule</option>'
        f"{options}</select>{buttons}"
        '<span id="shown-count"></span><span class="keys"><kbd>j</kbd>/<kbd>k</kbd> next/previous'
        " file, <kbd>n</kbd>/<kbd>p</kbd> next/previous hunk, <kbd>o</kbd> open or close, "
        "<kbd>/</kbd> search</span></nav>"
    )


def _data_script(reviews: list[FileReview]) -> str:
    text = json.dumps({"files": [_file_data(review) for review in reviews]}, ensure_ascii=False)
    # Inside <script>, `</script>` or `<!--` in a file's code would end or confuse the element.
    text = text.replace("<", "\\u003c")
    return f'<script type="application/json" id="report-data">{text}</script>'


def render_html(result: RunResult, context: ReportContext, proofs: list[Proof]) -> str:
    from tf_migrate.rules.registry import rules_for_codes

    reviews = [review_file(file) for file in result.files if worth_reviewing(file)]
    summary = summarize(result, unsafe_fixes=context.unsafe_fixes)
    named = {code for review in reviews for code in review.rules}
    what = "fixes written to the files" if context.written else "nothing written (a preview)"
    unsafe = "unsafe fixes applied" if context.unsafe_fixes else "safe fixes only"
    paths = ", ".join(escape(path) for path in context.paths)
    rows = "".join(_file_row(index, review) for index, review in enumerate(reviews))
    empty = "" if reviews else "<p>Nothing changed and nothing is left: no TF1 idioms found.</p>"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark"><link rel="icon" href="data:,">'
        f"<title>tf-migrate report: {paths}</title><style>{_asset('review.css')}</style></head>"
        f"<body><header><h1>tf-migrate report</h1><p class=\"meta\">{paths} · {what} · {unsafe}"
        f" · tf-migrate {escape(tf_migrate.__version__)}</p></header>"
        f"{summary_html(summary, proofs)}{proof_html(proofs)}"
        f'<h2>Files</h2>{_controls(reviews)}<main id="files">{rows}{empty}</main>'
        f"{rule_docs_html(list(rules_for_codes(named)))}{_data_script(reviews)}"
        f"<script>{_asset('review.js')}</script></body></html>\n"
    )
