"""`tf.get_variable(...)` in a graph program, and the TF1 initializer objects it and `tf.layers`
take.

Outside a reusing variable scope, each `get_variable` call that TF1 ran created a new variable
(a second one of the same name raised), so it is `tf.Variable` of the initializer's value:
`w = tf.get_variable("w", [784, 10], initializer=tf.zeros_initializer())` becomes `w =
tf.Variable(tf.keras.initializers.Zeros()([784, 10]), name="w")`. Its default initializer was
glorot_uniform. An initializer bound to a name first (`init = tf.truncated_normal_initializer(
stddev=0.1)`) becomes the Keras initializer in its place. What has no TF2 form here is refused,
the argument named: regularizers and collections (TF1 collections), partitioners, custom
getters, constraints, distribution settings."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from tf_migrate.cst.arguments import bind_args
from tf_migrate.programs.analyze import initializers, regularization
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import is_name
from tf_migrate.programs.model import (
    Argument,
    Constructed,
    Constructor,
    GraphStatement,
    NewVariable,
)

PARAMS = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "collections",
          "caching_device", "partitioner", "validate_shape", "use_resource", "custom_getter",
          "constraint", "synchronization", "aggregation")
_REFUSED = {
    "regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "collections": "TF2 has no collections",
    "partitioner": "partitioned variables have no TF2 form here",
    "custom_getter": "custom getters have no TF2 form",
    "constraint": "constraints are not mapped yet",
    "synchronization": "distribution settings are not mapped",
    "aggregation": "distribution settings are not mapped",
}
# How a name the initializer is given resolves: the call bound to it, if any.
Resolve = Callable[[str], cst.Call | None]


def is_initializer_call(state: ProgramState, value: cst.BaseExpression) -> bool:
    """A TF1 initializer constructed (`tf.truncated_normal_initializer(stddev=0.1)`)."""
    if not isinstance(value, cst.Call):
        return False
    return initializers.known(state.ctx.tf_name(value.func))


def plan_initializer_object(state: ProgramState, value: cst.Call) -> bool:
    """`init = tf.zeros_initializer()`: the Keras initializer in its place; False after
    blocking when it has none."""
    found = initializers.keras_initializer(state, value)
    if found is None:
        return False
    if isinstance(found, Constructor):
        state.rewrites[id(value)] = Constructed(found)
    return True


# The room on its line a call has where a factory returns it (`    return tf.Variable(...)`).
IN_A_FACTORY = 99 - len("    return ")


def plan_get_variable(state: ProgramState, call: cst.Call, line: cst.CSTNode,
                      resolve: Resolve, room: int = IN_A_FACTORY,
                      owner: GraphStatement | None = None) -> tuple[bool, bool] | None:
    """Plans `tf.Variable(...)` for the call, wrapped when longer than `room`; (whether it
    draws, whether it is trainable), or None after blocking. `owner`: the statement that binds
    the variable to its one name, where a regularizer's penalty can name it."""
    bound = bind_args(call, PARAMS)
    if bound is None or "name" not in bound:
        state.block(line, "cannot read the arguments of `tf.get_variable`")
        return None
    regularizer = bound.get("regularizer")
    if regularizer is not None and not is_name(regularizer, "None"):
        penalty = regularization.regularizer_penalty(state, regularizer)
        if penalty is None or owner is None:
            state.block(regularizer, "`regularizer=` of `tf.get_variable` is not rewritten here "
                                     "(a TF1 regularizer of a variable bound to its own name at "
                                     "the program's top level is)")
            return None
        # Paid where the program reads TF1's regularization losses (regularization.py).
        regularization.add_penalty(state, penalty, owner.targets[0], owner)
    for key, why in _REFUSED.items():
        if key in bound and key != "regularizer" and not is_name(bound[key], "None"):
            state.block(bound[key], f"`{key}=` of `tf.get_variable` is not rewritten: {why}")
            return None
    validate = bound.get("validate_shape")
    if validate is not None and not is_name(validate, "True"):
        state.block(validate, "`validate_shape=` of `tf.get_variable` is not rewritten")
        return None
    trainable = bound.get("trainable")
    if trainable is not None and not is_name(trainable, "True", "False"):
        state.block(trainable, "`trainable=` is not True or False")
        return None
    shape, dtype = bound.get("shape"), bound.get("dtype")
    given = bound.get("initializer")
    initial: Argument
    draws = True
    if given is None or is_name(given, "None"):
        # get_variable's default for floating-point variables.
        initial = Constructor(f"{state.keras}.initializers.GlorotUniform")
    elif isinstance(given, cst.Name) and (made := resolve(given.value)) is not None and (
            is_initializer_call(state, made)):
        if not plan_initializer_object(state, made):
            return None
        initial, draws = given, not initializers.constant(state, made)
    elif is_initializer_call(state, given) or (
            isinstance(given, cst.Call) and ".keras.initializers." in
            f".{state.ctx.tf_name(given.func) or ''}"):
        mapped = initializers.keras_initializer(state, given)
        if mapped is None:
            return None
        initial, draws = mapped, not initializers.constant(state, given)
    elif shape is None:
        # A tensor or an array as the initializer: the variable's initial value itself.
        state.rewrites[id(call)] = _planned(state, given, None, None, bound, trainable, room)
        return False, trainable is None or is_name(trainable, "True")
    else:
        state.block(given, "the initializer of `tf.get_variable` is neither one of TF1's "
                           "initializers nor a value without `shape=`")
        return None
    if shape is None:
        state.block(line, "`tf.get_variable` without `shape=` (give the shape)")
        return None
    state.rewrites[id(call)] = _planned(state, initial, shape, dtype, bound, trainable, room)
    return draws, trainable is None or is_name(trainable, "True")


def _planned(state: ProgramState, initial: Argument, shape: cst.BaseExpression | None,
             dtype: cst.BaseExpression | None, bound: dict[str, cst.BaseExpression],
             trainable: cst.BaseExpression | None, room: int) -> NewVariable:
    keywords = [("name", bound["name"])]
    if trainable is not None:
        keywords.append(("trainable", trainable))
    return NewVariable(f"{state.tf}.Variable", initial, shape, dtype,
                       tuple(keywords), room)

