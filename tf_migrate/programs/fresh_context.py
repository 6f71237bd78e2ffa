"""The `Context` of a module the rewrite built from the file's (a builder written out at its
call, a model class's program): TF names resolve as in the file, which has the same imports;
positions are the new module's."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.cst.positions import PositionIndex
from tf_migrate.programs.model import Position


class FreshContext:

    def __init__(self, module: cst.Module, names: NameResolver) -> None:
        self._positions = PositionIndex(module)
        self._names = names

    def tf_name(self, node: cst.CSTNode) -> str | None:
        return self._names.tf_name(node)

    def start(self, node: cst.CSTNode) -> Position:
        start = self._positions.range(node).start
        return (start.line, start.column)

    def end(self, node: cst.CSTNode) -> Position:
        end = self._positions.range(node).end
        return (end.line, end.column)
