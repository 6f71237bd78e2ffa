"""Constructor calls built from their plans: the Keras optimizers, schedules and metrics the
analysis chose (model.Constructor)."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.arguments import keyword_arg
from tf_migrate.cst.dotted import dotted
from tf_migrate.programs.model import Argument, Constructor, SourceText


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
    return value
