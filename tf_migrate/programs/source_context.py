"""A `Context` for analysing a source text on its own (tests, scripts), with the same name
resolution and positions the engine gives rules."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper

from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.cst.positions import PositionIndex
from tf_migrate.programs.analyze.program import analyze
from tf_migrate.programs.model import GraphProgram, Position


class SourceContext:
    def __init__(self, source: str) -> None:
        self.wrapper = MetadataWrapper(cst.parse_module(source), unsafe_skip_copy=True)
        self.module = self.wrapper.module
        self._names = NameResolver.for_module(self.wrapper, source)
        self._positions = PositionIndex(self.module)

    def tf_name(self, node: cst.CSTNode) -> str | None:
        return self._names.tf_name(node)

    def start(self, node: cst.CSTNode) -> Position:
        position = self._positions.range(node).start
        return (position.line, position.column)

    def end(self, node: cst.CSTNode) -> Position:
        position = self._positions.range(node).end
        return (position.line, position.column)


def analyze_source(source: str) -> tuple[GraphProgram, SourceContext]:
    ctx = SourceContext(source)
    return analyze(ctx.module, ctx), ctx
