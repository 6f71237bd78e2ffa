"""Parent links of a module's code nodes, and the Name nodes of each name.

For rules that must look around a use (the call it is the function of, the statement and the
scope it sits in) but only in the few files that have such a use: the rules build it at the end
of the module, and only when they heard of a use, so the files without one pay nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from tf_migrate.cst.dotted import dotted_name
from tf_migrate.cst.fields import CODE_FIELDS
from tf_migrate.cst.walk import table_matches_libcst

Scope = cst.Module | cst.FunctionDef | cst.ClassDef | cst.Lambda


class Ancestry:
    def __init__(self, module: cst.Module) -> None:
        self.module = module
        # Keyed by id(child): the module holds every node while it is alive.
        self._parents: dict[int, cst.CSTNode] = {}
        self._names: dict[str, list[cst.Name]] = {}
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            if isinstance(node, cst.Name):
                self._names.setdefault(node.value, []).append(node)
            for child in _children(node):
                self._parents[id(child)] = node
                stack.append(child)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._parents.get(id(node))

    def ancestors(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        parent = self.parent(node)
        while parent is not None:
            yield parent
            parent = self.parent(parent)

    def call_of(self, func: cst.CSTNode) -> cst.Call | None:
        """The call whose function `func` is."""
        parent = self.parent(func)
        return parent if isinstance(parent, cst.Call) and parent.func is func else None

    def statement_line(self, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """The line of simple statements `node` belongs to, when it belongs to one."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.SimpleStatementLine):
                return ancestor
            if isinstance(ancestor, cst.BaseCompoundStatement):
                return None
        return None

    def scope(self, node: cst.CSTNode) -> Scope:
        """The module, function, class or lambda whose body holds `node`."""
        for ancestor in self.ancestors(node):
            if isinstance(ancestor, cst.FunctionDef | cst.ClassDef | cst.Lambda):
                return ancestor
        return self.module

    def names(self, value: str) -> list[cst.Name]:
        """Every Name node spelled `value`, anywhere in the module."""
        return self._names.get(value, [])

    def spelled(self, value: str) -> bool:
        return value in self._names

    def uses_of(self, target: str, bound: cst.CSTNode) -> list[cst.Name | cst.Attribute]:
        """Where the name or attribute chain `target` ("opt", "self.opt") is spelled, except
        at `bound` (its assignment target); a name in any scope, as a conservative answer."""
        found: list[cst.Name | cst.Attribute] = []
        for name in self.names(target.rpartition(".")[2]):
            parent = self.parent(name)
            use: cst.Name | cst.Attribute = name
            if isinstance(parent, cst.Attribute) and parent.attr is name:
                use = parent
            if use is not bound and dotted_name(use) == target:
                found.append(use)
        return found

    def following(self, statement: cst.CSTNode) -> cst.CSTNode | None:
        """The statement after `statement` in its block, if any."""
        block = self.parent(statement)
        body = getattr(block, "body", None)
        if not isinstance(body, tuple | list):
            return None
        for index, item in enumerate(body):
            if item is statement:
                return body[index + 1] if index + 1 < len(body) else None
        return None


def _children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    if not table_matches_libcst():
        yield from node.children
        return
    for field in CODE_FIELDS[type(node).__name__]:
        value = getattr(node, field)
        if isinstance(value, tuple | list):
            yield from value
        elif isinstance(value, cst.CSTNode):
            yield value
