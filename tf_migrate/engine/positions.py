"""Line/column positions of chosen nodes, computed by one cheap code-generation pass.

libcst's PositionProvider records line and column for every node while generating code and
splits every token on newlines, which costs several times the rules themselves. Here the pass
only counts characters, and only the nodes that were reported are turned into line/column
(a binary search over newline offsets). Positions equal PositionProvider's (syntactic ranges).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange


class _OffsetState(CodegenState):
    def __init__(self, module: cst.Module) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.offset = 0
        self.starts: list[int] = []
        self.spans: dict[cst.CSTNode, tuple[int, int]] = {}

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        self.offset += sum(len(token) for token in self.indent_tokens)

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.starts.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.starts.pop()
        # A syntactic position recorded inside the node's own codegen takes precedence.
        self.spans.setdefault(node, (start, self.offset))

    @contextmanager
    def record_syntactic_position(
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Iterator[None]:
        start = self.offset
        try:
            yield
        finally:
            end = self.offset
            if start_node is not None:
                start = self.spans[start_node][0]
            if end_node is not None:
                end = self.spans[end_node][1]
            self.spans[node] = (start, end)


class PositionIndex:
    """Positions in one module, computed on first use by a single pass."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._spans: dict[cst.CSTNode, tuple[int, int]] | None = None
        self._newlines: list[int] = []

    def _ensure(self) -> dict[cst.CSTNode, tuple[int, int]]:
        if self._spans is None:
            state = _OffsetState(self.module)
            self.module._codegen(state)
            code = "".join(state.tokens)
            self._newlines = [index for index, char in enumerate(code) if char == "\n"]
            self._spans = state.spans
        return self._spans

    def _position(self, offset: int) -> CodePosition:
        line = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[line - 1] + 1 if line else 0
        return CodePosition(line + 1, offset - line_start)

    def range(self, node: cst.CSTNode) -> CodeRange:
        """The CodeRange (1-based line, 0-based column) of `node`, as PositionProvider gives."""
        start, end = self._ensure()[node]
        return CodeRange(self._position(start), self._position(end))
