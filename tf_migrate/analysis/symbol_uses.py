"""Uses of TensorFlow symbols in a file, resolved once for every rule that asks.

A *use* is the outermost chain of names that spells a TF symbol: `tf.contrib.layers.fully_connected`
is one use, not three. It is found whatever the import style (`import tensorflow as tf`,
`import tensorflow`, `import tensorflow.compat.v1 as tf`, `from tensorflow.train import Saver`)
and through simple module aliases (`slim = tf.contrib.slim`, then `slim.conv2d`; only names whose
last part is lowercase are taken for namespaces, so `FLAGS = tf.flags.FLAGS` is one use, not one
per flag read). Names inside import statements bind, they are not uses; assignment targets are
not uses either.

As ruff's NPY201 does, code in the body of a `try` whose handlers catch ImportError,
ModuleNotFoundError or AttributeError is left alone: it already copes with the symbol's absence.

The engine runs `SymbolUses` first in the rules' one traversal, so each use reaches its
listeners while the traversal is at the use, as a rule's own hooks see it: a listener that owns
the symbol (as `owner_of` says) gets `report_use`, a listener that asked for every use gets
`on_reference`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import Protocol

import libcst as cst

from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.cst.dotted import dotted_name

_GUARDING_EXCEPTIONS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError"})

# The owner of a TF name ("tf.x.y") and the key it matched, or None.
OwnerOf = Callable[[str], "tuple[Hashable, str] | None"]


class UseListener(Protocol):
    def on_reference(self, node: cst.Attribute | cst.Name, name: str) -> None: ...

    def report_use(self, node: cst.Attribute | cst.Name, name: str, key: str) -> None: ...


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


class SymbolUses(cst.BatchableCSTVisitor):
    def __init__(self, names: NameResolver, owner_of: OwnerOf) -> None:
        super().__init__()
        self._names = names
        self._owner_of = owner_of
        self._every_use: list[UseListener] = []
        self._owners: dict[Hashable, list[UseListener]] = {}
        # Keyed by id(node): the module holds every node while it is visited, so ids are
        # unique, and ints hash in C where libcst nodes hash in Python.
        self._resolved: dict[int, str | None] = {}
        self._inner: set[int] = set()  # names inside a longer chain, and assignment targets
        self._aliases: dict[str, str] = {}  # qualified name of a variable -> the TF namespace
        self._guarded: set[cst.CSTNode] = set()
        self._guard_depth = 0
        self._import_depth = 0

    def subscribe(self, listener: UseListener, owner: Hashable | None) -> None:
        """`listener` gets `report_use` for the uses `owner` owns; with no owner, it gets
        `on_reference` for every use."""
        if owner is None:
            self._every_use.append(listener)
        else:
            self._owners.setdefault(owner, []).append(listener)

    @property
    def has_listeners(self) -> bool:
        return bool(self._every_use or self._owners)

    def owned(self, name: str) -> bool:
        """Whether some owner claims the TF name `name`."""
        return self._owner_of(name) is not None

    def get_visitors(self) -> Mapping[str, Callable[[cst.CSTNode], None]]:
        # libcst would inspect every method of the instance; these are all its hooks.
        return {name: getattr(self, name) for name in _HOOKS}

    def name_of(self, node: cst.BaseExpression) -> str | None:
        """The TF name a chain of names spells, through imports or a module alias."""
        spelled = dotted_name(node)
        if spelled is None:
            return None
        cache, key = self._resolved, id(node)
        if key in cache:
            name = cache[key]
        else:
            name = cache[key] = None if self._import_depth else self._names.tf_name(node)
        if name is not None or self._import_depth or not self._aliases:
            return name
        root = node
        while isinstance(root, cst.Attribute):
            root = root.value
        for qualified in self._names.qualified_names(root):
            alias = self._aliases.get(qualified.name)
            if alias is not None:
                _, dot, rest = spelled.partition(".")
                return f"{alias}{dot}{rest}"
        return None

    # -- the outermost chain of names is the use ----------------------------------------------

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._inner.update((id(node.value), id(node.attr)))
        if id(node) not in self._inner:
            self._use(node)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self._inner:
            self._use(node)

    def _use(self, node: cst.Attribute | cst.Name) -> None:
        name = self.name_of(node)
        if name is None or self._guard_depth:
            return
        found = self._owner_of(name)
        if found is not None:
            for listener in self._owners.get(found[0], ()):
                listener.report_use(node, name, found[1])
        for listener in self._every_use:
            listener.on_reference(node, name)

    def visit_Import(self, node: cst.Import) -> None:
        self._import_depth += 1

    def leave_Import(self, original_node: cst.Import) -> None:
        self._import_depth -= 1

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self._import_depth += 1

    def leave_ImportFrom(self, original_node: cst.ImportFrom) -> None:
        self._import_depth -= 1

    # -- aliases: `slim = tf.contrib.slim`, keyed by qualified name so that a parameter or a
    # keyword argument spelled `slim` is not taken for the alias --------------------------------

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._inner.add(id(target.target))
                for qualified in self._names.qualified_names(target.target):
                    self._aliases.pop(qualified.name, None)
        only = node.targets[0].target if len(node.targets) == 1 else None
        if isinstance(only, cst.Name) and isinstance(node.value, cst.Name | cst.Attribute):
            aliased = self.name_of(node.value)
            # Namespaces only (`slim`, `layers`): uses of an object alias (`FLAGS`) are fine once
            # the alias itself is migrated.
            if aliased is not None and aliased.rpartition(".")[2].islower():
                for qualified in self._names.qualified_names(only):
                    self._aliases[qualified.name] = aliased

    # -- code guarded by `try: ... except ImportError` ------------------------------------------

    def visit_Try(self, node: cst.Try) -> None:
        if any(_catches_absence(handler) for handler in node.handlers):
            self._guarded.add(node.body)

    def visit_TryStar(self, node: cst.TryStar) -> None:
        if any(_catches_absence(handler) for handler in node.handlers):
            self._guarded.add(node.body)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if node in self._guarded:
            self._guard_depth += 1

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if original_node in self._guarded:
            self._guard_depth -= 1

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        if node in self._guarded:
            self._guard_depth += 1

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        if original_node in self._guarded:
            self._guard_depth -= 1


_HOOKS = tuple(
    name for name, value in vars(SymbolUses).items()
    if name.startswith(("visit_", "leave_")) and callable(value)
)
