"""TF1 optimizers in TF1 eager programs: where the Keras optimizer of the same algorithm can
take the TF1 one's place.

In eager code `optimizer.apply_gradients(pairs)` as a statement updates the variables at once, as
a Keras optimizer's does; no session runs a training op. So the constructor alone changes,
provided the optimizer is used only that way (no `global_step=`, `minimize`, slots or variables,
whose Keras forms differ) and its arguments are plain values (a decay computes its rate from a
global step). The Keras class and its arguments come from the training rewrite's optimizer table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from tf_migrate.cst.code import code
from tf_migrate.cst.dotted import dotted_name
from tf_migrate.programs.analyze.optimizers import Mapped, keras_optimizer
from tf_migrate.programs.emit.constructs import constructed
from tf_migrate.rules.support.ancestry import Ancestry

# The TF name ("tf.x.y") a node spells, or None.
Resolver = Callable[[cst.CSTNode], "str | None"]
_GLOBAL_STEPS = frozenset({"tf.train.get_or_create_global_step", "tf.train.get_global_step"})


@dataclass(frozen=True)
class KerasOptimizer:
    call: cst.Call  # the TF1 constructor call, which the Keras one replaces
    replacement: cst.Call
    mapped: Mapped


def keras_replacement(
    ancestry: Ancestry, func: cst.CSTNode, name: str, keras: str, tf_name: Resolver
) -> KerasOptimizer | str | None:
    """The Keras optimizer for the TF1 optimizer `name` that `func` constructs, or why it cannot
    take its place; None when `func` is not a constructor call assigned to a name or attribute.
    `tf_name` names the TF symbols of the file."""
    call = ancestry.call_of(func)
    assign = ancestry.parent(call) if call is not None else None
    if (
        call is None
        or not isinstance(assign, cst.Assign)
        or assign.value is not call
        or len(assign.targets) != 1
    ):
        return None
    target = dotted_name(assign.targets[0].target)
    if target is None:
        return None
    computed = [arg.value for arg in call.args if _computed(arg.value)]
    if computed:
        return (f"its argument `{code(computed[0])}` is computed (a decayed rate counts a "
                "global step; Keras schedules count the optimizer's steps)")
    misuse = _other_use(ancestry, target, assign.targets[0].target, tf_name)
    if misuse is not None:
        return (f"`{target}` is used as `{misuse}`, where only `apply_gradients(pairs)` works "
                "the same with a Keras optimizer")
    learning_rate = call.args[0].value if call.args else None
    mapped = keras_optimizer(
        name, call, keras, scheduled=not isinstance(learning_rate, cst.Float | cst.Integer)
    )
    if isinstance(mapped, str):
        return mapped
    return KerasOptimizer(call, constructed(mapped.constructor), mapped)


def _computed(value: cst.BaseExpression) -> bool:
    """Whether an argument is computed by a call (a decay, a tensor) rather than a value."""
    if isinstance(value, cst.Call):
        return True
    if isinstance(value, cst.UnaryOperation):
        return _computed(value.expression)
    if isinstance(value, cst.BinaryOperation):
        return _computed(value.left) or _computed(value.right)
    return False


def _other_use(
    ancestry: Ancestry, target: str, bound: cst.BaseExpression, tf_name: Resolver
) -> str | None:
    """The first use of the optimizer named `target` other than `.apply_gradients(pairs)`."""
    for use in ancestry.uses_of(target, bound):
        if not _applies_gradients(ancestry, use, tf_name):
            return code(ancestry.parent(use) or use)
    return None


def _applies_gradients(ancestry: Ancestry, use: cst.CSTNode, tf_name: Resolver) -> bool:
    """`use.apply_gradients(pairs)` as a statement of its own: gradients applied at once (in a
    graph program the op would be kept to be run), with at most a global step that can go."""
    method = ancestry.parent(use)
    if not isinstance(method, cst.Attribute) or method.attr.value != "apply_gradients":
        return False
    call = ancestry.call_of(method)
    if call is None or not isinstance(ancestry.parent(call), cst.Expr) or not call.args:
        return False
    arg = call.args[0]
    if arg.star or (arg.keyword is not None and arg.keyword.value != "grads_and_vars"):
        return False
    return len(call.args) == 1 or dropped_global_step(ancestry, call, tf_name) is not None


def dropped_global_step(ancestry: Ancestry, call: cst.Call, tf_name: Resolver) -> cst.Arg | None:
    """In `opt.apply_gradients(pairs, global_step=tf.train.get_or_create_global_step())`, the
    global step argument, when it can go: the step is made in place and the file mentions no
    global step elsewhere, so nothing reads the count TF1 kept in it (a Keras optimizer counts
    its own steps in `optimizer.iterations`)."""
    if len(call.args) != 2:
        return None
    step = call.args[1]
    value = step.value
    if (
        step.star
        or (step.keyword is not None and step.keyword.value != "global_step")
        or not isinstance(value, cst.Call)
        or value.args
        or tf_name(value.func) not in _GLOBAL_STEPS
    ):
        return None
    mentions = sum(len(ancestry.names(name.rpartition(".")[2])) for name in _GLOBAL_STEPS)
    return step if mentions == 1 else None


def dropped_in_place(ancestry: Ancestry, func: cst.CSTNode, tf_name: Resolver) -> bool:
    """Whether `func` makes the global step that `dropped_global_step` drops."""
    step = ancestry.call_of(func)
    arg = ancestry.parent(step) if step is not None else None
    apply = ancestry.parent(arg) if arg is not None else None
    return (
        isinstance(apply, cst.Call)
        and isinstance(ancestry.parent(apply), cst.Expr)
        and dropped_global_step(ancestry, apply, tf_name) is arg
    )
