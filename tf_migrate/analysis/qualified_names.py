"""Qualified names of Name and Attribute nodes: the import table's answer where it is exact,
libcst's scope analysis where it is not (see imports.py for when that is)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import libcst as cst
from libcst.metadata import (
    MetadataWrapper,
    QualifiedName,
    QualifiedNameProvider,
    QualifiedNameSource,
)

from tf_migrate.analysis.imports import ImportTable, as_tf_name


class NameResolver:
    def __init__(
        self,
        table: ImportTable,
        scope_names: Mapping[cst.CSTNode, Collection[QualifiedName]] | None = None,
    ) -> None:
        self.table = table
        self._scope_names = scope_names
        # Memos keyed by id(node) (libcst nodes hash in Python, ints in C); each entry holds
        # its node, so that the id cannot be reused by another node while the entry exists.
        self._memo: dict[int, tuple[cst.CSTNode, frozenset[str]]] = {}
        self._tf_memo: dict[int, tuple[cst.CSTNode, str | None]] = {}

    @classmethod
    def for_module(cls, wrapper: MetadataWrapper, source: str) -> NameResolver:
        table = ImportTable.from_source(source)
        if table.exact:
            return cls(table)
        return cls(table, wrapper.resolve(QualifiedNameProvider))

    @property
    def uses_scope_analysis(self) -> bool:
        return self._scope_names is not None

    def qualified_names(self, node: cst.CSTNode) -> set[QualifiedName]:
        if self._scope_names is not None:
            value = self._scope_names.get(node, ())
            # libcst stores some metadata as LazyValue callables, evaluated on first read.
            return set(value() if callable(value) else value)
        found = {QualifiedName(name, QualifiedNameSource.IMPORT) for name in self._names(node)}
        variable = self._module_variable_name(node)
        if variable is not None:
            found.add(QualifiedName(variable, QualifiedNameSource.LOCAL))
        return found

    def _module_variable_name(self, node: cst.CSTNode) -> str | None:
        """"slim.arg_scope" for `slim.arg_scope` when `slim` is one of the table's module
        variables, as the scope analysis names it."""
        if not self.table.module_variables:
            return None
        if isinstance(node, cst.Call):
            return self._module_variable_name(node.func)
        if isinstance(node, cst.Subscript):
            return self._module_variable_name(node.value)
        parts: list[str] = []
        while isinstance(node, cst.Attribute):
            parts.append(node.attr.value)
            node = node.value
        if not isinstance(node, cst.Name) or node.value not in self.table.module_variables:
            return None
        return ".".join([node.value, *reversed(parts)])

    def tf_name(self, node: cst.CSTNode) -> str | None:
        """The TensorFlow symbol `node` names, as "tf.x.y" whatever the import style, or None."""
        # Asked for the same nodes by many rules: answered once per node.
        known = self._tf_memo.get(id(node))
        if known is not None:
            return known[1]
        names: Iterable[str]
        if self._scope_names is not None:
            names = (qualified.name for qualified in self.qualified_names(node))
        else:
            names = self._names(node)
        found = None
        # A name bound twice (`tf` as tensorflow and as its compat.v1) has several: they are
        # tried in sorted order, so that the answer never depends on the order of a set.
        for name in sorted(names):
            found = as_tf_name(name)
            if found is not None:
                break
        self._tf_memo[id(node)] = (node, found)
        return found

    def _names(self, node: cst.CSTNode) -> frozenset[str]:
        known = self._memo.get(id(node))
        if known is not None:
            return known[1]
        if isinstance(node, cst.Name):
            names = self.table.aliases.get(node.value, frozenset())
        elif isinstance(node, cst.Attribute):
            names = frozenset(f"{base}.{node.attr.value}" for base in self._names(node.value))
        elif isinstance(node, cst.Call | cst.Subscript):
            # As libcst does: `tf.train.AdamOptimizer(0.1).minimize` is named
            # "tensorflow.train.AdamOptimizer.minimize", `tf.x[0].y` "tensorflow.x.y".
            names = self._names(node.func if isinstance(node, cst.Call) else node.value)
        else:
            names = frozenset()
        self._memo[id(node)] = (node, names)
        return names
