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

from tf_migrate.cst.arguments import NO_SPACE
from tf_migrate.cst.atoms import parenthesized
from tf_migrate.rules.tables import CallSpec

ValueRewrite = Callable[[cst.BaseExpression], cst.BaseExpression | None]


@dataclass
class ArgsOutcome:
    args: list[cst.Arg]
    changed: bool
    problem: str | None = None  # set when the call cannot be rewritten automatically


def one_minus(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`1 - expr`, parenthesised where the expression needs it (`1 - (a + b)`)."""
    return cst.BinaryOperation(
        left=cst.Integer("1"), operator=cst.Subtract(), right=parenthesized(expr)
    )


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
