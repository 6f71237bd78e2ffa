"""Dotted names: `"tf.math.log"` as an expression, and an expression's chain of names as text."""

from __future__ import annotations

import libcst as cst


def dotted(name: str) -> cst.Attribute | cst.Name:
    """`"tf.math.log"` -> the expression tf.math.log."""
    parts = name.split(".")
    node: cst.Attribute | cst.Name = cst.Name(parts[0])
    for part in parts[1:]:
        node = cst.Attribute(value=node, attr=cst.Name(part))
    return node


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`self.sess` -> "self.sess"; None for anything that is not a chain of names."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        inner = dotted_name(node.value)
        return None if inner is None else f"{inner}.{node.attr.value}"
    return None


def root_name(node: cst.BaseExpression) -> cst.Name | None:
    """The first name of a chain: `tf` for `tf.nn.relu`."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node if isinstance(node, cst.Name) else None


def last_name(func: cst.BaseExpression) -> str | None:
    """`softmax` for `tf.nn.softmax` or `softmax`: a cheap filter before resolving names."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None
