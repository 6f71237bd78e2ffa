"""`tf-migrate rules` and `tf-migrate explain CODE`: the rule list and one rule's documentation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tf_migrate.report.rule_examples import example_message, fix_kinds

if TYPE_CHECKING:
    from tf_migrate.rules.support.rule import Rule

_FIX_STYLE = {"safe": "green", "unsafe": "yellow", "manual": "dim"}


def explain_rule(rule: type[Rule]) -> str:
    """The rule's page as Markdown: the same text as docs/rules/CODE.md, examples included."""
    from tf_migrate.report.rule_pages import rule_page

    return rule_page(rule)


def print_explanation(rule: type[Rule], console: Console) -> None:
    """Rendered Markdown on a terminal; the Markdown source when piped, so it stays greppable."""
    if console.is_terminal:
        # Imported here: rich's Markdown pulls in a Markdown parser and pygments (~0.1 s).
        from rich.markdown import Markdown

        console.print(Markdown(explain_rule(rule)))
    else:
        console.print(explain_rule(rule), markup=False, highlight=False, soft_wrap=True, end="")


def render_rules_table(rules: Sequence[type[Rule]], console: Console) -> None:
    """One row per rule: code, name, every fix kind its findings take, and the message it gives
    on its first example."""
    table = Table(header_style="bold", caption="message: as given on the rule's first example")
    table.add_column("code", style="bold red", no_wrap=True)
    table.add_column("name", no_wrap=True)
    table.add_column("fix", no_wrap=True)
    table.add_column("message")
    for rule in rules:
        kinds = Text(", ").join(
            Text(kind.value, _FIX_STYLE[kind.value]) for kind in fix_kinds(rule)
        )
        # Text, not markup: messages hold `[...]` and backticks that rich would interpret.
        table.add_row(Text(rule.code), Text(rule.name), kinds, Text(example_message(rule)))
    console.print(table)
