"""Constructor calls built from their plans: the Keras optimizers, schedules and metrics the
analysis chose (model.Constructor)."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.arguments import keyword_arg
from tf_migrate.cst.dotted import dotted
from tf_migrate.cst.wrapping import LINE_LIMIT, fitted_call, one_per_line
from tf_migrate.programs.model import Argument, ArgumentList, Constructor, SourceText


def constructed(plan: Constructor) -> cst.Call:
    """`tf.keras.optimizers.Adam(learning_rate=0.01, ...)`: every argument by keyword but the
    plan's positional ones (`tf.keras.layers.Dense(64, ...)`)."""
    args = [cst.Arg(argument(value)) for value in plan.positional]
    args += [keyword_arg(keyword, argument(value)) for keyword, value in plan.keywords]
    return cst.Call(func=dotted(plan.path), args=args)


def argument(value: Argument) -> cst.BaseExpression:
    """The expression of a planned argument."""
    if isinstance(value, SourceText):
        return cst.parse_expression(value.text)
    if isinstance(value, Constructor):
        return constructed(value)
    if isinstance(value, ArgumentList):
        # An argument of a constructor written one argument per line: its items one per line
        # under it, a long call's arguments one per line under that.
        elements = [cst.Element(fitted_call(item, LINE_LIMIT - 8, " " * 12, " " * 8)
                                if isinstance(item, cst.Call) else item)
                    for item in map(argument, value.items)]
        return one_per_line(elements, " " * 8, " " * 4)
    return value
