"""A `Context` for analysing a source text on its own (tests, scripts): TF names through
libcst's qualified names, positions through its position metadata."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider, QualifiedNameProvider

from tf_migrate.analysis.graph_program import analyze
from tf_migrate.analysis.program_model import GraphProgram, Position

_TF_PREFIXES = ("tensorflow.compat.v1.", "tensorflow.")


class SourceContext:
    def __init__(self, source: str) -> None:
        self.wrapper = MetadataWrapper(cst.parse_module(source))
        self.module = self.wrapper.module
        self._names = self.wrapper.resolve(QualifiedNameProvider)
        self._positions = self.wrapper.resolve(PositionProvider)

    def tf_name(self, node: cst.CSTNode) -> str | None:
        names = self._names.get(node)
        if names is None:
            return None
        # Lazily computed metadata values are callables that produce the value.
        resolved = names() if callable(names) else names
        for qualified in resolved:
            name = qualified.name
            if name in ("tensorflow", "tensorflow.compat.v1"):
                return "tf"
            for prefix in _TF_PREFIXES:
                if name.startswith(prefix):
                    return "tf." + name[len(prefix):]
        return None

    def start(self, node: cst.CSTNode) -> Position:
        position = self._positions[node].start
        return (position.line, position.column)

    def end(self, node: cst.CSTNode) -> Position:
        position = self._positions[node].end
        return (position.line, position.column)


def analyze_source(source: str) -> tuple[GraphProgram, SourceContext]:
    ctx = SourceContext(source)
    return analyze(ctx.module, ctx), ctx
