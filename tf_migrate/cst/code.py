"""A node's source text, for code that reads the tree and must not build nodes of its own."""

from __future__ import annotations

import libcst as cst

# Written with libcst's defaults (four-space indent, "\n"): an expression's text does not
# depend on them.
_WRITER = cst.Module(body=[])


def code(node: cst.CSTNode) -> str:
    """`tf.train.AdamOptimizer(0.1)` -> "tf.train.AdamOptimizer(0.1)"."""
    return _WRITER.code_for_node(node)
