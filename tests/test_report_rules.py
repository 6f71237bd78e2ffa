"""`tf-migrate rules` and `tf-migrate explain CODE`."""

from __future__ import annotations

import io
import re

from rich.console import Console

from tf_migrate.engine.run import Mode, run_stdin
from tf_migrate.report import explain_rule, print_explanation, render_rules_table
from tf_migrate.report.rule_examples import example_message
from tf_migrate.rules.registry import all_rules, rule_by_code
from tf_migrate.rules.support.rule import Invalid
from tf_migrate.settings import Settings


def console(*, terminal: bool = False) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=1000, force_terminal=terminal, color_system=None), buffer


HOLE = re.compile(r"\{[a-z_]+\}")


def test_rules_table_lists_code_name_fix_kinds_and_an_example_message() -> None:
    out, buffer = console()
    render_rules_table(all_rules(), out)
    text = buffer.getvalue()
    header = next(line for line in text.splitlines() if "code" in line)
    assert [cell.strip() for cell in header.strip("┃│ ").split("┃")] == [
        "code",
        "name",
        "fix",
        "message",
    ]
    rows = {}
    for rule in all_rules():
        row = next(line for line in text.splitlines() if f" {rule.code} " in line)
        rows[rule.code] = [cell.strip() for cell in row.strip("│ ").split("│")]
        assert rows[rule.code][:2] == [rule.code, rule.name]
        # The message a user meets, not the template it is made from.
        assert not HOLE.search(rows[rule.code][3]), rows[rule.code]
    assert rows["TFM401"][2:] == ["safe", "`tf.log` does not exist in TF2; it is `tf.math.log`"]
    assert rows["TFM101"][2] == "manual"
    # The session-program rewrite is safe for one program, unsafe for another (RMSProp) and
    # refused for a third.
    assert rows["TFM150"][2] == "safe, unsafe, manual"
    assert rows["TFM405"][2] == "unsafe, manual"


def test_the_example_message_is_what_check_reports_on_the_example() -> None:
    rule = rule_by_code("TFM302")
    invalid = next(example for example in rule.examples if isinstance(example, Invalid))
    reported = run_stdin(invalid.code, Settings(), mode=Mode.CHECK)
    first = next(finding for finding in reported.remaining if finding.code == "TFM302")
    assert example_message(rule) == first.message
    assert "{name}" in rule.message and not HOLE.search(first.message)


def test_pages_name_the_example_message_and_every_fix_kind() -> None:
    page = explain_rule(rule_by_code("TFM150"))
    assert "*Applicability:* safe, unsafe or manual, finding by finding" in page
    assert "*Message (from the first example):* This session program can be rewritten" in page
    assert not any(HOLE.search(line) for line in page.splitlines() if line.startswith("*Message"))


def test_rules_table_prints_brackets_literally() -> None:
    out, buffer = console()
    rule = rule_by_code("TFM101")
    fake = type(
        "Bracketed",
        (),
        {
            "code": "TFM999",
            "name": "x",
            "message": "[bold]not markup[/bold]",
            "fix_title": None,
            "applicability": rule.applicability,
            "examples": (),
        },
    )
    render_rules_table([fake], out)
    assert "[bold]not markup[/bold]" in buffer.getvalue()


def test_explain_gives_the_rule_page_with_its_examples() -> None:
    rule = rule_by_code("TFM401")
    text = explain_rule(rule)
    assert text.startswith("# TFM401 tf1-symbol-name\n")
    assert "What it does" in text and "Fix safety" in text
    for example in rule.examples:
        assert example.code.rstrip() in text
        if isinstance(example, Invalid) and example.fixed is not None:
            assert example.fixed.rstrip() in text


def test_explain_prints_markdown_source_when_piped() -> None:
    out, buffer = console()
    rule = rule_by_code("TFM401")
    print_explanation(rule, out)
    assert buffer.getvalue() == explain_rule(rule)


def test_explain_renders_markdown_on_a_terminal() -> None:
    out, buffer = console(terminal=True)
    print_explanation(rule_by_code("TFM401"), out)
    text = buffer.getvalue()
    assert "TFM401 tf1-symbol-name" in text
    assert "```" not in text
