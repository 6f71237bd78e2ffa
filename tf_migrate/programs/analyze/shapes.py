"""What the analysis knows of a graph value's static type where a Keras layer is made for it:
whether it is computed from float64 placeholders, and the size of its last dimension as the
program writes it (`n_inputs` of `tf.placeholder(tf.float32, [None, n_steps, n_inputs])`)."""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst

from tf_migrate.analysis.names import read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import (
    ArgumentList,
    Constructor,
    GraphStatement,
    Kind,
    dependencies,
)

# Functions whose result has their first argument's last dimension.
_SAME_DEPTH = frozenset({"tf.cast", "tf.identity", "tf.nn.dropout", "tf.nn.relu", "tf.nn.tanh",
                         "tf.tanh", "tf.sigmoid", "tf.nn.sigmoid", "tf.to_float", "tf.abs",
                         "tf.nn.elu", "tf.nn.l2_normalize", "tf.squeeze"})
_LOOKUPS = frozenset({"tf.nn.embedding_lookup", "tf.gather"})
_MADE_WITH_SHAPE = frozenset({"tf.Variable", "tf.get_variable", "tf.random_normal",
                              "tf.random_uniform", "tf.truncated_normal", "tf.zeros", "tf.ones",
                              "tf.placeholder"})
_DEPTH = 8  # how many definitions are followed back


def float64_inputs(state: ProgramState, inputs: cst.BaseExpression) -> bool:
    """The inputs are computed from a float64 placeholder."""
    roots = [state.graph_names[name] for name in read_names(inputs) if name in state.graph_names]
    for statement in dependencies(roots):
        if statement.kind is Kind.PLACEHOLDER and (
                statement.literal_dtype == "float64"
                or (statement.dtype is not None
                and state.ctx.tf_name(statement.dtype) in ("tf.float64", "tf.double"))):
            return True
    return False


def last_dimension(state: ProgramState, value: cst.BaseExpression, listed: bool = False
                   ) -> cst.BaseExpression | None:
    """The size of the value's last dimension as the program writes it (an int or a name of
    one), or None when it is not known; `listed`: the value is a list of tensors made by
    `tf.unstack` (static_rnn's inputs), whose elements' last dimension is asked."""
    names: Names = state.graph_names
    if listed:
        if isinstance(value, cst.Name) and (known := names.get(value.value)) is not None:
            value, names = known.node.value, _inputs_of(known)
        if isinstance(value, cst.List | cst.Tuple) and value.elements:
            return _last(state, value.elements[0].value, names, _DEPTH)  # `[x0, x1]`
        if not (isinstance(value, cst.Call) and state.ctx.tf_name(value.func) == "tf.unstack"):
            return None
        bound = bind_args(value, ("value", "num", "axis", "name"))
        axis = bound.get("axis") if bound is not None else None
        if bound is None or "value" not in bound or (
                axis is not None and not isinstance(axis, cst.Integer)):
            return None  # the last axis unstacked, or one not known
        return _last(state, bound["value"], names, _DEPTH)
    return _last(state, value, names, _DEPTH)


Names = Mapping[str, GraphStatement]


def _inputs_of(statement: GraphStatement) -> Names:
    """The definitions a statement's value read where it was written (a name bound again later,
    `x = tf.unstack(x, ...)`, is read as it was)."""
    return {target: dep for dep in statement.deps for target in dep.targets}


def _last(state: ProgramState, value: cst.BaseExpression, names: Names, depth: int
          ) -> cst.BaseExpression | None:
    if depth == 0:
        return None
    if isinstance(value, cst.Name):
        known = names.get(value.value)
        if known is None:
            return None
        if known.kind is Kind.PLACEHOLDER:
            return _last_of_shape(state, known.shape)
        recurrent = _recurrent_units(known, value.value)
        if recurrent is not None or len(known.targets) != 1:
            return recurrent
        value, names = known.node.value, _inputs_of(known)
    if not isinstance(value, cst.Call):
        return _last(state, value, names, depth - 1) if isinstance(value, cst.Name) else None
    name = state.ctx.tf_name(value.func)
    args = [arg.value for arg in value.args]
    if name == "tf.reshape" and len(args) >= 2:
        return _last_of_shape(state, args[1])
    if name == "tf.one_hot":
        bound = bind_args(value, ("indices", "depth"))
        return _python_int(state, bound.get("depth")) if bound is not None else None
    if name in _LOOKUPS and args:
        return _last(state, args[0], names, depth - 1)
    if name == "tf.transpose":
        bound = bind_args(value, ("a", "perm"))
        perm_node = bound.get("perm") if bound is not None else None
        if bound is None or "a" not in bound or not isinstance(perm_node, cst.List | cst.Tuple):
            return None
        perm = [e.value for e in perm_node.elements]
        last = perm[-1] if perm else None
        if isinstance(last, cst.Integer) and int(last.evaluated_value) == len(perm) - 1:
            return _last(state, bound["a"], names, depth - 1)
        return None
    if name in _SAME_DEPTH and args:
        return _last(state, args[0], names, depth - 1)
    if name in _MADE_WITH_SHAPE:
        shape = next((a for a in args if isinstance(a, cst.List | cst.Tuple)), None)
        if shape is None:
            nested = next((a for a in args if isinstance(a, cst.Call)), None)
            return _last(state, nested, names, depth - 1) if nested is not None else None
        return _last_of_shape(state, shape)
    return None


def _recurrent_units(known: GraphStatement | None, name: str) -> cst.BaseExpression | None:
    """The outputs of an RNN the program made: the top cell's units."""
    layer = known.layer if known is not None else None
    if layer is None or known is None or known.kind is not Kind.DEFERRED or (
            known.targets[0] != name):
        return None
    constructor = layer.constructor
    if not constructor.path.endswith((".LSTM", ".GRU", ".SimpleRNN", ".RNN")):
        return None
    positional = constructor.positional[0] if constructor.positional else None
    if constructor.path.endswith(".RNN"):
        if not isinstance(positional, ArgumentList) or not isinstance(
                top := positional.items[-1], Constructor):
            return None
        positional = top.positional[0] if top.positional else None
    return positional if isinstance(positional, cst.BaseExpression) else None


def _last_of_shape(state: ProgramState, shape: cst.BaseExpression | None
                   ) -> cst.BaseExpression | None:
    if not isinstance(shape, cst.List | cst.Tuple) or not shape.elements:
        return None
    return _python_int(state, shape.elements[-1].value)


def _python_int(state: ProgramState, node: cst.BaseExpression | None
                ) -> cst.BaseExpression | None:
    """An int literal or a plain name that is no graph value."""
    if isinstance(node, cst.Integer):
        return node
    if isinstance(node, cst.Name) and node.value not in state.graph_names and (
            node.value not in ("None", "True", "False")):
        return node
    return None
