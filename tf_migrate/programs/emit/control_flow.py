"""`tf.cond`, `tf.while_loop` and `tf.gradients` calls written in TF2's signatures, as
analyze/control_flow.py planned them."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.arguments import NO_SPACE
from tf_migrate.programs.model import ArgumentReshape


def reshaped(call: cst.Call, plan: ArgumentReshape) -> cst.BaseExpression:
    """The call with its arguments renamed, made keywords or dropped, then `[0]` `plan.depth`
    times."""
    args: list[cst.Arg] = []
    for arg, action in zip(call.args, plan.actions, strict=True):
        if action is None:
            continue
        if action:
            arg = arg.with_changes(keyword=cst.Name(action), equal=NO_SPACE)
        args.append(arg)
    if args and plan.actions[-1] is None:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    result: cst.BaseExpression = call.with_changes(args=args)
    for _ in range(plan.depth):
        result = cst.Subscript(result, [cst.SubscriptElement(cst.Index(cst.Integer("0")))])
    return result
