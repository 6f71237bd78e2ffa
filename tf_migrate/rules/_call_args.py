"""Rewriting a TF1 call's arguments for the TF2 signature of the same function.

The call is read with TF1's parameter order (tf-migrate reads its input as TF1 code). A positional
argument stays positional only while TF2 has the same parameter at the same position and its value
is unchanged; from the first one that differs on, arguments are passed by keyword, so no argument
can land in a different parameter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from tf_migrate.rules.tables import CallSpec

NO_SPACE = cst.AssignEqual(
    whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
)

ValueRewrite = Callable[[cst.BaseExpression], cst.BaseExpression | None]


@dataclass
class ArgsOutcome:
    args: list[cst.Arg]
    changed: bool
    problem: str | None = None  # set when the call cannot be rewritten automatically


def last_name(func: cst.BaseExpression) -> str | None:
    """`softmax` for `tf.nn.softmax` or `softmax`: a cheap filter before resolving names."""
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return func.value if isinstance(func, cst.Name) else None


def _atomic(expr: cst.BaseExpression) -> bool:
    return isinstance(
        expr,
        cst.Name | cst.Attribute | cst.Call | cst.Subscript | cst.Integer | cst.Float,
    ) or bool(expr.lpar)


def one_minus(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`1 - expr`, parenthesised where the expression needs it (`1 - (a + b)`)."""
    operand = (
        expr
        if _atomic(expr)
        else expr.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    )
    return cst.BinaryOperation(left=cst.Integer("1"), operator=cst.Subtract(), right=operand)


def rewrite_args(call: cst.Call, spec: CallSpec, values: dict[str, ValueRewrite]) -> ArgsOutcome:
    """The call's arguments for TF2. `values` maps a TF1 parameter to a rewrite of its value
    (returning None when the value is already in its TF2 form)."""
    if any(arg.star for arg in call.args):
        touched = [a for a in call.args if a.keyword and a.keyword.value in spec.keywords]
        # `*args` may fill a parameter whose position or value TF2 changed, `**kwargs` may hold
        # a renamed or removed keyword: neither can be checked, so neither is left as it is.
        star = any(arg.star == "*" for arg in call.args)
        double_star = any(arg.star == "**" for arg in call.args)
        hidden = (star and (bool(spec.values) or spec.tf1_params != spec.tf2_params)) or (
            double_star and bool(spec.keywords or spec.values or spec.removed)
        )
        problem = (
            "`*args`/`**kwargs` hide which parameters are passed" if touched or hidden else None
        )
        return ArgsOutcome(list(call.args), False, problem)
    out: list[cst.Arg] = []
    changed = False
    by_keyword = False
    seen: set[str] = set()
    for index, arg in enumerate(call.args):
        if arg.keyword is None and spec.keyword_only:
            return ArgsOutcome(list(call.args), False, (
                "TF 1.15 takes its arguments by keyword only, and TF before 1.0 read them "
                "positionally as (logits, labels): name them (`labels=`, `logits=`) after "
                "checking which is which"))
        if arg.keyword is None:
            if index >= len(spec.tf1_params):
                return ArgsOutcome(
                    list(call.args), False, "more positional arguments than TF1 takes"
                )
            old = spec.tf1_params[index]
        else:
            old = arg.keyword.value
        if old in spec.removed:
            return ArgsOutcome(list(call.args), False, f"`{old}`: {spec.removed[old]}")
        new = spec.keywords.get(old, old)
        if new in seen:
            return ArgsOutcome(list(call.args), False, f"`{new}` is given twice")
        seen.add(new)
        value = arg.value
        rewrite = values.get(old)
        rewritten = rewrite(value) if rewrite is not None else None
        if arg.keyword is None:
            same_slot = index < len(spec.tf2_params) and spec.tf2_params[index] == new
            if not by_keyword and same_slot and rewritten is None:
                out.append(arg)
                continue
            by_keyword = True
            changed = True
            out.append(
                arg.with_changes(keyword=cst.Name(new), equal=NO_SPACE, value=rewritten or value)
            )
            continue
        if new != old or rewritten is not None:
            changed = True
            arg = arg.with_changes(keyword=cst.Name(new), value=rewritten or value)
        out.append(arg)
    return ArgsOutcome(out, changed)


def bind_call(call: cst.Call, params: tuple[str, ...]) -> dict[str, cst.BaseExpression] | None:
    """The call's arguments by parameter name; None for `*args`, unknown or repeated ones."""
    bound: dict[str, cst.BaseExpression] = {}
    for index, arg in enumerate(call.args):
        if arg.star:
            return None
        key = arg.keyword.value if arg.keyword else (params[index] if index < len(params) else "")
        if key not in params or key in bound:
            return None
        bound[key] = arg.value
    return bound
