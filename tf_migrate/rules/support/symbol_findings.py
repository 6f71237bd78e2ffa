"""Rules that are tables: a TF1 symbol or namespace -> what takes its place in TF2.

A subclass declares `symbols`, a mapping from a TensorFlow name ("tf.train.Saver") to advice (the
TF2 form, in words and code). A key covers the symbol and everything under it: "tf.layers" covers
`tf.layers.dense` and `tf.layers.Dense`. The rule reports each *use* of a covered symbol once
(analysis/symbol_uses.py says what a use is: import styles, module aliases, guarded imports),
resolved once per file by the engine and handed to the rule that owns it.

Across all table rules the longest matching key decides which rule owns a use: "tf.contrib.layers"
(TFM305) wins over "tf.contrib" (TFM501), so no use is reported under two codes. A key may be
claimed by one rule only (the registry's `symbol_table` checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import libcst as cst

from tf_migrate.analysis.file_facts import FileFacts
from tf_migrate.rules.registry import symbol_owner
from tf_migrate.rules.support.rule import Rule


def _escape_pipes(text: str) -> str:
    return text.replace("|", "\\|")


class SymbolFinding(Rule):
    """Base of the table rules; a subclass sets `code`, `name`, `message` (with `{name}` and
    `{advice}`), `symbols`, a docstring and examples."""

    symbols: ClassVar[Mapping[str, str]] = {}
    message = "`{name}` is TF1 API: {advice}"

    @classmethod
    def documentation(cls) -> str:
        """The docstring, then a table: each TF1 symbol (and all under it) and its TF2 form."""
        rows = [
            f"| `{key}` | {_escape_pipes(advice)} |" for key, advice in sorted(cls.symbols.items())
        ]
        table = ["## Symbols", "", "| TF1 symbol | TF2 form |", "|---|---|", *rows]
        return super().documentation() + "\n\n" + "\n".join(table)

    def attach(self, facts: FileFacts) -> None:
        super().attach(facts)
        # A rule with its own `on_reference` hears of every use; the others only of the uses
        # their table owns (which is all the default reacts to).
        every_use = type(self).on_reference is not SymbolFinding.on_reference
        facts.uses.subscribe(self, None if every_use else type(self))

    def resolve_symbol(self, node: cst.BaseExpression) -> str | None:
        """The TF name a chain of names spells, through imports or a module alias."""
        return self.facts.uses.name_of(node)

    def on_reference(self, node: cst.Attribute | cst.Name, name: str) -> None:
        """Called for every use of a TF name when a rule overrides it; reports the use when this
        rule's table owns it."""
        found = symbol_owner(name)
        if found is not None and found[0] is type(self):
            self.report_use(node, name, found[1])

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        """Report a use of `name`, which this rule's table owns through `key`."""
        self.report(node, self.message.format(name=name, advice=self.symbols[key]))
