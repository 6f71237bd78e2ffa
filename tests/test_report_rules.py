"""`tf-migrate rules` and `tf-migrate explain CODE`."""

from __future__ import annotations

import io

from rich.console import Console

from tf_migrate.report import explain_rule, print_explanation, render_rules_table
from tf_migrate.rules.registry import all_rules, rule_by_code
from tf_migrate.rules.support.rule import Invalid


def console(*, terminal: bool = False) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=1000, force_terminal=terminal, color_system=None), buffer


def test_rules_table_lists_code_name_fix_kind_and_message() -> None:
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
    for rule in all_rules():
        row = next(line for line in text.splitlines() if rule.code in line)
        cells = [cell.strip() for cell in row.strip("│ ").split("│")]
        kind = rule.applicability.value if rule.fix_title else "manual"
        # The message is printed literally, `{placeholders}` and brackets included.
        assert cells == [rule.code, rule.name, kind, rule.message]


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
