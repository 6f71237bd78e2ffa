"""Whether an expression needs parentheses to be an operand."""

from __future__ import annotations

import libcst as cst


def is_atomic(expr: cst.BaseExpression) -> bool:
    """Whether `expr` binds tighter than any operator: a name, attribute, call, subscript,
    number or string literal, or anything already in parentheses."""
    return bool(expr.lpar) or isinstance(
        expr,
        cst.Name | cst.Attribute | cst.Call | cst.Subscript | cst.Integer | cst.Float
        | cst.SimpleString,
    )


def parenthesized(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`expr` as an operand: wrapped in parentheses unless it is atomic."""
    if is_atomic(expr):
        return expr
    return expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
