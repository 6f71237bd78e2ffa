"""Rules that are tables: a TF1 symbol or namespace -> what takes its place in TF2.

A subclass declares `symbols`, a mapping from a TensorFlow name ("tf.train.Saver") to advice (the
TF2 form, in words and code). A key covers the symbol and everything under it: "tf.layers" covers
`tf.layers.dense` and `tf.layers.Dense`. The rule reports each *use* of a covered symbol once, at
the outermost chain of names that spells it (`tf.contrib.layers.fully_connected` is one finding,
not three), whatever the import style (`import tensorflow as tf`, `import tensorflow`,
`import tensorflow.compat.v1 as tf`, `from tensorflow.train import Saver`) and through simple
module aliases (`slim = tf.contrib.slim`, then `slim.conv2d`; a lowercase last name is taken to be
a namespace or function, so `FLAGS = tf.flags.FLAGS` is one finding, not one per flag read).

Across all table rules the longest matching key decides which rule owns a use: "tf.contrib.layers"
(TFM305) wins over "tf.contrib" (TFM501), so no use is reported under two codes. A key may be
claimed by one rule only; a second claim fails at import time.

As ruff's NPY201 does, code in the body of a `try` whose handlers catch ImportError,
ModuleNotFoundError or AttributeError is left alone: it already copes with the symbol's absence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, ClassVar

import libcst as cst

from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.cst.dotted import dotted_name
from tf_migrate.cst.positions import PositionIndex
from tf_migrate.rules.support.rule import Rule, RuleOptions

_OWNERS: dict[str, type[SymbolFinding]] = {}


class _SharedResolutions:
    """Every table rule needs the same resolution of the same chains of names. The first table
    rule to visit a module leads: it alone resolves each chain (once), finds the rule that owns
    it (once) and hands the use to that rule, and to every rule that overrides `on_reference`.
    Keys are node ids; a traversal of another module starts afresh."""

    def __init__(self) -> None:
        self.module: cst.Module | None = None
        self.names: dict[int, str | None] = {}  # by id(node); `module` holds the nodes
        self.rules: list[SymbolFinding] = []
        # Who gets a resolved use: rules with their own `on_reference` get every use, the
        # others only the uses their table owns.
        self.listeners: list[SymbolFinding] = []
        self.owners: dict[type[SymbolFinding], list[SymbolFinding]] = {}
        # The engine attaches every rule to a file before the traversal, in traversal order,
        # so the leader is known then: the other table rules skip the leader's hooks.
        self.attached_to: object = None


_SHARED = _SharedResolutions()
_GUARDING_EXCEPTIONS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError"})


def owner_of(name: str) -> tuple[type[SymbolFinding], str] | None:
    """The table rule that owns `name` ("tf.x.y") and the key it matched, longest key first."""
    candidate = name
    while True:
        owner = _OWNERS.get(candidate)
        if owner is not None:
            return owner, candidate
        candidate, dot, _ = candidate.rpartition(".")
        if not dot:
            return None


def table_keys() -> dict[str, type[SymbolFinding]]:
    """Every key of every table rule imported so far, with its rule."""
    return dict(_OWNERS)


def _escape_pipes(text: str) -> str:
    return text.replace("|", "\\|")


def _catches_absence(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    kind = handler.type
    names = kind.elements if isinstance(kind, cst.Tuple) else [kind] if kind else []
    for element in names:
        value = element.value if isinstance(element, cst.Element) else element
        if isinstance(value, cst.BaseExpression):
            spelled = dotted_name(value)
            if spelled is not None and spelled.rpartition(".")[2] in _GUARDING_EXCEPTIONS:
                return True
    return False


class SymbolFinding(Rule):
    """Base of the table rules; a subclass sets `code`, `name`, `message` (with `{name}` and
    `{advice}`), `symbols`, a docstring and examples."""

    symbols: ClassVar[Mapping[str, str]] = {}
    message = "`{name}` is TF1 API: {advice}"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for key in cls.__dict__.get("symbols", {}):
            owner = _OWNERS.get(key)
            if owner is not None and owner.__qualname__ != cls.__qualname__:
                claims = f"{owner.__qualname__} and {cls.__qualname__}"
                raise RuntimeError(f"{key} is claimed by {claims}")
            _OWNERS[key] = cls

    @classmethod
    def documentation(cls) -> str:
        """The docstring, then a table: each TF1 symbol (and all under it) and its TF2 form."""
        rows = [
            f"| `{key}` | {_escape_pipes(advice)} |" for key, advice in sorted(cls.symbols.items())
        ]
        table = ["## Symbols", "", "| TF1 symbol | TF2 form |", "|---|---|", *rows]
        return super().documentation() + "\n\n" + "\n".join(table)

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        # Ids of the names inside a longer chain (the module holds every node while it is
        # visited, so ids are unique; and ints hash in C, libcst nodes in Python).
        self._inner: set[int] = set()
        self._aliases: dict[str, str] = {}
        self._guarded: set[cst.CSTNode] = set()
        self._guard_depth = 0
        self._leads = False
        self._follows = False

    # -- the outermost chain of names is the use --------------------------------------------

    def attach(self, names: NameResolver, positions: PositionIndex) -> None:
        super().attach(names, positions)
        self._follows = _SHARED.attached_to is names
        _SHARED.attached_to = names

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        visitors = super().get_visitors()
        if not self._follows:
            return visitors
        skipped = _leader_hooks(type(self))
        return {name: method for name, method in visitors.items() if name not in skipped}

    def visit_Module(self, node: cst.Module) -> None:
        super().visit_Module(node)
        if _SHARED.module is not node:
            _SHARED.module, _SHARED.names, _SHARED.rules = node, {}, []
            _SHARED.listeners, _SHARED.owners = [], {}
        _SHARED.rules.append(self)
        if type(self).on_reference is not SymbolFinding.on_reference:
            _SHARED.listeners.append(self)
        else:
            _SHARED.owners.setdefault(type(self), []).append(self)
        self._leads = _SHARED.rules[0] is self

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if not self._leads:
            return
        self._inner.update((id(node.value), id(node.attr)))
        if id(node) not in self._inner:
            self._visit_reference(node)

    def visit_Name(self, node: cst.Name) -> None:
        if self._leads and id(node) not in self._inner:
            self._visit_reference(node)

    def _visit_reference(self, node: cst.Attribute | cst.Name) -> None:
        name = self.resolve_symbol(node)
        if name is None or self._guard_depth:
            return
        found = owner_of(name)
        if found is not None:
            for rule in _SHARED.owners.get(found[0], ()):
                rule.report_use(node, name, found[1])
        for rule in _SHARED.listeners:
            rule.on_reference(node, name)

    def resolve_symbol(self, node: cst.BaseExpression) -> str | None:
        """The TF name a chain of names spells, through imports or a module alias."""
        spelled = dotted_name(node)
        if spelled is None:
            return None
        cache, key = _SHARED.names, id(node)
        name = cache[key] if key in cache else cache.setdefault(key, self.tf_name(node))
        if name is not None or self.in_import:
            return name
        if not self._aliases:
            return None
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        for qualified in self.qualified_names(root):
            alias = self._aliases.get(qualified.name)
            if alias is not None:
                _, dot, rest = spelled.partition(".")
                return f"{alias}{dot}{rest}"
        return None

    def on_reference(self, node: cst.Attribute | cst.Name, name: str) -> None:
        """Called for every use of a TF name; reports it when this rule's table owns it.

        A rule that overrides this is called for every use; the others only for the uses their
        table owns (which is all this default reacts to)."""
        found = owner_of(name)
        if found is not None and found[0] is type(self):
            self.report_use(node, name, found[1])

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None:
        """Report a use of `name`, which this rule's table owns through `key`."""
        self.report(node, self.message.format(name=name, advice=self.symbols[key]))

    # -- aliases: `slim = tf.contrib.slim`, keyed by qualified name so that a parameter or a
    # keyword argument spelled `slim` is not taken for the alias ------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        if not self._leads:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._inner.add(id(target.target))
                for qualified in self.qualified_names(target.target):
                    self._aliases.pop(qualified.name, None)
        only = node.targets[0].target if len(node.targets) == 1 else None
        if isinstance(only, cst.Name) and isinstance(node.value, cst.Name | cst.Attribute):
            aliased = self.resolve_symbol(node.value)
            # Namespaces only (`slim`, `layers`): uses of an object alias (`FLAGS`) are fine once
            # the alias itself is migrated.
            if aliased is not None and aliased.rpartition(".")[2].islower():
                for qualified in self.qualified_names(only):
                    self._aliases[qualified.name] = aliased

    # -- code guarded by `try: ... except ImportError` ------------------------------------------

    def visit_Try(self, node: cst.Try) -> None:
        if not self._leads:
            return
        if any(_catches_absence(handler) for handler in node.handlers):
            self._guarded.add(node.body)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        if not self._leads:
            return
        if any(_catches_absence(handler) for handler in node.handlers):
            self._guarded.add(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if not self._leads:
            return
        if node in self._guarded:
            self._guard_depth += 1

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if not self._leads:
            return
        if original_node in self._guarded:
            self._guard_depth -= 1

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        if not self._leads:
            return
        if node in self._guarded:
            self._guard_depth += 1

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        if not self._leads:
            return
        if original_node in self._guarded:
            self._guard_depth -= 1


@cache
def _leader_hooks(cls: type[SymbolFinding]) -> frozenset[str]:
    """The hooks of `cls` that only the leading table rule acts on: SymbolFinding's own (the
    module hook excepted, which elects the leader), where `cls` does not override them."""
    return frozenset(
        name
        for name, value in vars(SymbolFinding).items()
        if name.startswith(("visit_", "leave_"))
        and name != "visit_Module"
        and getattr(cls, name) is value
    )
