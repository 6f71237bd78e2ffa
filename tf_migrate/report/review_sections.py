"""The parts of the HTML report that are written out on the server side: the summary, the
proof from verify, and the local copy of the pages of the rules the run names."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from tf_migrate.report.proof import OutputProof, Proof
from tf_migrate.report.review_summary import Summary

if TYPE_CHECKING:
    from tf_migrate.rules.support.rule import Rule

# Links of a rule page that lead into the repository (the source file): they would be broken
# inside a report read anywhere, so their text stays and the link goes.
_RELATIVE_LINK = re.compile(r'<a href="(?!#|https?:)[^"]*">(.*?)</a>', re.DOTALL)


def _number(value: float | str | None) -> str:
    if value is None:
        return "-"
    return value if isinstance(value, str) else f"{value:.3g}"


def _card(title: str, value: int | str, element_id: str) -> str:
    return f'<div class="card" id="{element_id}"><b>{escape(str(value))}</b>{escape(title)}</div>'


def summary_html(summary: Summary, proofs: list[Proof]) -> str:
    cards = [
        _card("files scanned", summary.files, "count-scanned"),
        _card("changed", summary.changed, "count-changed"),
        _card("unchanged", summary.unchanged, "count-unchanged"),
        _card("unparseable", summary.unparseable, "count-unparseable"),
        _card("tf.compat.v1 fallbacks (TFM001)", summary.compat_fallbacks, "count-fallbacks"),
        _card("session programs rewritten", summary.programs_rewritten, "count-rewritten"),
        _card("session programs refused", summary.programs_refused, "count-refused"),
    ]
    if summary.programs_unsafe:
        cards.append(
            _card("program rewrites waiting for --unsafe-fixes", summary.programs_unsafe,
                  "count-programs-unsafe")
        )
    for proof in proofs:
        verdict = ", ".join(
            f"{proof.count(status)} {status}"
            for status in ("pass", "fail", "incomparable", "error", "skip")
            if proof.count(status)
        )
        cards.append(_card("programs verified", verdict or "none", "count-verified"))
    out = ['<section id="summary"><h2>Summary</h2><div class="cards">', *cards, "</div>"]
    if summary.families:
        out.append(
            '<table class="counts" id="families"><tr><th>rules</th><th>family</th>'
            '<th class="n">fixed</th><th class="n">unsafe fix left</th>'
            '<th class="n">manual</th><th class="n">fix not applied</th></tr>'
        )
        for family in summary.families:
            cells = (family.fixed, family.unsafe, family.manual, family.not_applied)
            out.append(
                f"<tr><td>{family.prefix}xx</td><td>{escape(family.title)}</td>"
                + "".join(f'<td class="n">{count or ""}</td>' for count in cells)
                + "</tr>"
            )
        out.append("</table>")
    if summary.refusal_reasons:
        out.append(
            '<table class="counts" id="refusals"><tr><th>why a session program was not '
            'rewritten</th><th class="n">programs</th></tr>'
        )
        out += [
            f'<tr><td>{escape(reason)}</td><td class="n">{count}</td></tr>'
            for reason, count in summary.refusal_reasons
        ]
        out.append("</table>")
    out.append("</section>")
    return "".join(out)


def _runs(program_seconds: dict[str, float], ran_on: dict[str, str]) -> str:
    return "; ".join(
        f"{side} on {escape(ran_on.get(side, 'unknown'))}, {program_seconds[side]:.1f} s"
        for side in program_seconds
    )


def proof_html(proofs: list[Proof]) -> str:
    if not proofs:
        return ""
    out = ['<section id="proof"><h2>Proof: numbers compared by tf-migrate verify</h2>']
    for proof in proofs:
        out.append(
            f'<p class="meta">{escape(proof.source)}: before {escape(proof.before)}; after '
            f"{escape(proof.after)}; device asked {escape(proof.device)}; alignment of model "
            f"variables {'on' if proof.align else 'off'}</p>"
        )
        out.append(
            '<table class="counts proof"><tr><th>program</th><th>result</th><th>output</th>'
            '<th>shape</th><th>dtype</th><th class="n">max abs err</th>'
            '<th class="n">max rel err</th><th>tolerance</th><th>runs</th>'
            "<th>aligned</th></tr>"
        )
        for program in proof.programs:
            rows: list[OutputProof | None] = [*program.outputs] or [None]
            tolerance = f"rtol {_number(program.rtol)}, atol {_number(program.atol)}"
            for index, output in enumerate(rows):
                head = ""
                if index == 0:
                    span = f' rowspan="{len(rows)}"'
                    head = (
                        f'<td{span}>{escape(program.name)}</td><td{span} class="status-'
                        f'{escape(program.status)}">{escape(program.status)}'
                        + (f"<br><small>{escape(program.message)}</small>" * bool(program.message))
                        + "</td>"
                    )
                if output is None:
                    cells = '<td colspan="5">no output compared</td>'
                else:
                    verdict = "pass" if output.passed else "fail"
                    detail = f"<br><small>{escape(output.detail)}</small>" * bool(output.detail)
                    cells = (
                        f'<td class="status-{verdict}">{escape(output.name)}{detail}</td>'
                        f"<td>{escape(output.shape)}</td><td>{escape(output.dtype)}</td>"
                        f'<td class="n">{escape(_number(output.max_abs_err))}</td>'
                        f'<td class="n">{escape(_number(output.max_rel_err))}</td>'
                    )
                tail = ""
                if index == 0:
                    span = f' rowspan="{len(rows)}"'
                    aligned = f"{program.aligned} variable(s)" if program.aligned else "none"
                    aligned += "".join(
                        f"<br><small>{escape(note)}</small>" for note in program.alignment_notes
                    )
                    tail = (
                        f"<td{span}>{tolerance}</td><td{span}>"
                        f"{_runs(program.seconds, program.ran_on)}</td><td{span}>{aligned}</td>"
                    )
                out.append(f"<tr>{head}{cells}{tail}</tr>")
        out.append("</table>")
    out.append("</section>")
    return "".join(out)


def rule_docs_html(rules: list[type[Rule]]) -> str:
    """Each rule's page (as `tf-migrate explain` prints it), closed until a label opens it."""
    from markdown_it import MarkdownIt

    from tf_migrate.report.rule_pages import rule_page

    if not rules:
        return ""
    markdown = MarkdownIt("commonmark")
    out = ['<section id="rules"><h2>Rules named in this report</h2>']
    for rule in rules:
        page = _RELATIVE_LINK.sub(r"\1", markdown.render(rule_page(rule)))
        out.append(
            f'<details id="rule-{rule.code}"><summary>{rule.code} {escape(rule.name)}'
            f"</summary>{page}</details>"
        )
    out.append("</section>")
    return "".join(out)
