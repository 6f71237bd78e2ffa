"""Line/column positions of chosen nodes, computed by one cheap code-generation pass.

libcst's PositionProvider records line and column for every node while generating code and
splits every token on newlines, which costs several times the rules themselves. Here the pass
only counts characters, and only the nodes that were reported are turned into line/column
(a binary search over newline offsets). Positions equal PositionProvider's (syntactic ranges).
"""

from __future__ import annotations

import bisect
import re

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import CodePosition, CodeRange

_NEWLINE = re.compile("\n")


class _OffsetState(CodegenState):
    def __init__(self, module: cst.Module) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.offset = 0
        self.starts: list[int] = []
        # Keyed by id(node): libcst nodes hash in Python, ints in C. The ids stay unique while
        # the module, which holds every node, is alive (the PositionIndex holds it).
        self.spans: dict[int, tuple[int, int]] = {}

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
        self.spans.setdefault(id(node), (start, self.offset))

    def record_syntactic_position(  # type: ignore[override]
        self,
        node: cst.CSTNode,
        *,
        start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> _SyntacticPosition:
        return _SyntacticPosition(self, node, start_node, end_node)


class _SyntacticPosition:
    """`with state.record_syntactic_position(node):` -- a plain class, not a generator-based
    context manager: libcst enters one for most nodes, and contextlib's costs add up."""

    __slots__ = ("end_node", "node", "start", "start_node", "state")

    def __init__(
        self,
        state: _OffsetState,
        node: cst.CSTNode,
        start_node: cst.CSTNode | None,
        end_node: cst.CSTNode | None,
    ) -> None:
        self.state, self.node, self.start_node, self.end_node = state, node, start_node, end_node
        self.start = 0

    def __enter__(self) -> None:
        self.start = self.state.offset

    def __exit__(self, *exc_info: object) -> None:
        state = self.state
        start, end = self.start, state.offset
        if self.start_node is not None:
            start = state.spans[id(self.start_node)][0]
        if self.end_node is not None:
            end = state.spans[id(self.end_node)][1]
        state.spans[id(self.node)] = (start, end)


class PositionIndex:
    """Positions in one module, computed on first use by a single pass."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self._spans: dict[int, tuple[int, int]] | None = None
        self._newlines: list[int] = []

    def _ensure(self) -> dict[int, tuple[int, int]]:
        if self._spans is None:
            state = _OffsetState(self.module)
            self.module._codegen(state)
            code = "".join(state.tokens)
            self._newlines = [match.start() for match in _NEWLINE.finditer(code)]
            self._spans = state.spans
        return self._spans

    def _position(self, offset: int) -> CodePosition:
        line = bisect.bisect_left(self._newlines, offset)
        line_start = self._newlines[line - 1] + 1 if line else 0
        return CodePosition(line + 1, offset - line_start)

    def range(self, node: cst.CSTNode) -> CodeRange:
        """The CodeRange (1-based line, 0-based column) of `node`, as PositionProvider gives."""
        start, end = self._ensure()[id(node)]
        return CodeRange(self._position(start), self._position(end))
