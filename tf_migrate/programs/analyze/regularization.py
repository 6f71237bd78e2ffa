"""Weight penalties of a graph program: a regularizer given to a layer or to `tf.get_variable`,
and the sum TF1 collected of them (`tf.losses.get_regularization_loss()`, the
REGULARIZATION_LOSSES collection).

TF1 computed each regularizer on its variable and kept the result in a collection; a program
paid the penalty only where it read that collection into its loss. TF2 has no collections, so
the rewrite writes each penalty where the collection was read, on the variable it regularizes:
contrib's `l2_regularizer(scale)` is `scale * tf.nn.l2_loss(w)` (scale·Σw²/2),
`l1_regularizer(scale)` is `scale * tf.reduce_sum(tf.abs(w))`, Keras's `l2(l)` is
`l * tf.reduce_sum(tf.square(w))`, a TF op given as the regularizer (`tf.nn.l2_loss`) is its
call on the variable. A regularizer whose collection the program never reads
costs nothing, in TF1 and in the rewrite. A regularizer object bound to a name (`reg =
tf.contrib.layers.l2_regularizer(0.01)`) goes, once every use of it is one of these."""

from __future__ import annotations

from collections import Counter

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import read_names, reads
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.expressions import ExpressionFacts
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import GraphStatement, Penalties, Penalty, Position

# TF1 regularizer constructors: their parameters, and the penalty as a format of its scale and
# the variable (`{tf}` the script's TF alias).
_REGULARIZERS = {
    "tf.contrib.layers.l2_regularizer": (("scale", "scope"), "{scale} * {tf}.nn.l2_loss({w})"),
    "tf.contrib.layers.l1_regularizer": (("scale", "scope"),
                                         "{scale} * {tf}.reduce_sum({tf}.abs({w}))"),
    "tf.keras.regularizers.l2": (("l",), "{scale} * {tf}.reduce_sum({tf}.square({w}))"),
    "tf.keras.regularizers.l1": (("l",), "{scale} * {tf}.reduce_sum({tf}.abs({w}))"),
}
_SLIM = {name.replace("tf.contrib.layers.", "tf.contrib.slim."): spec
         for name, spec in _REGULARIZERS.items() if name.startswith("tf.contrib.layers.")}
_REGULARIZERS.update(_SLIM)
# Readers of the collection: whether they give the sum (else the list).
READERS = {"tf.losses.get_regularization_loss": True,
           "tf.losses.get_regularization_losses": False}


def regularizer_penalty(state: ProgramState, regularizer: cst.BaseExpression
                        ) -> str | None:
    """The penalty's format (`{w}` for the variable) of a regularizer constructed in place or
    bound to a name by a regularizer statement; None when it is neither."""
    if isinstance(regularizer, cst.Name):
        found = state.regularizer_objects.get(regularizer.value)
        if found is not None:
            state.regularizer_uses[regularizer.value] = (
                state.regularizer_uses.get(regularizer.value, 0) + 1)
        return found
    function = state.ctx.tf_name(regularizer) if isinstance(
        regularizer, cst.Name | cst.Attribute) else None
    if function is not None and not sym.unsupported(function) and not sym.is_random(function):
        # A TF op given as the regularizer (`tf.nn.l2_loss`): TF1 called it on the variable.
        return f"{cst.Module([]).code_for_node(regularizer)}({{w}})"
    if not isinstance(regularizer, cst.Call):
        return None
    name = state.ctx.tf_name(regularizer.func)
    spec = _REGULARIZERS.get(name or "")
    if spec is None:
        return None
    params, penalty = spec
    arguments = bind_args(regularizer, params)
    scale = arguments.get(params[0]) if arguments is not None else None
    if scale is None or read_names(scale) & set(state.graph_names):
        return None
    text = cst.Module([]).code_for_node(scale)
    if not isinstance(scale, cst.Name | cst.Integer | cst.Float):
        text = f"({text})"
    tf = state.tf
    return penalty.replace("{scale}", text).replace("{tf}", tf)


def add_penalty(state: ProgramState, penalty: str, variable: str,
                owner: GraphStatement) -> None:
    state.penalties.append(Penalty(penalty.replace("{w}", variable), owner.position, owner))


def is_reader(state: ProgramState, value: cst.BaseExpression) -> bool | None:
    """Whether `value` reads the regularization losses: True for their sum, False for their
    list, None when it does not read them."""
    if not isinstance(value, cst.Call):
        return None
    name = state.ctx.tf_name(value.func)
    if name in READERS and not value.args:
        return READERS[name]
    if name == "tf.get_collection" and len(value.args) == 1 and state.ctx.tf_name(
            value.args[0].value) == "tf.GraphKeys.REGULARIZATION_LOSSES":
        return False
    return None


class _Readers(cst.CSTVisitor):
    def __init__(self, state: ProgramState) -> None:
        super().__init__()
        self.state = state
        self.found: list[tuple[cst.Call, bool]] = []

    def visit_Call(self, node: cst.Call) -> None:
        summed = is_reader(self.state, node)
        if summed is not None:
            self.found.append((node, summed))


def plan_reads(state: ProgramState, position: Position, value: cst.BaseExpression,
               facts: ExpressionFacts) -> None:
    """Plans each read of TF1's regularization losses in `value` (a statement at `position`)
    as the penalties of the variables made before it, as TF1's collection held them: the call
    leaves the facts' unsupported calls, and the statement reads those variables and layers."""
    visitor = _Readers(state)
    _walk_visit(value, visitor)
    if not visitor.found:
        return
    penalties = [p for p in state.penalties if p.position < position]
    for call, summed in visitor.found:
        state.rewrites[id(call)] = Penalties(tuple(p.text for p in penalties), summed, state.tf)
    planned = {id(call) for call, _ in visitor.found}
    facts.unsupported = [(node, name) for node, name in facts.unsupported
                         if id(node) not in planned]
    facts.graph_reads |= {p.owner.targets[0] for p in penalties}


def finish(state: ProgramState) -> None:
    """A regularizer object goes with the rewrite: every use of its name must be one the
    rewrite writes as a penalty."""
    if not state.regularizer_objects:
        return
    nodes = [small for item in state.items for small in (
        item.node.body if isinstance(item.node, cst.SimpleStatementLine) else [item.node])]
    read = Counter(name.value for node in nodes for name in reads(node)
                   if name.value in state.regularizer_objects)
    for name, count in read.items():
        if count > state.regularizer_uses.get(name, 0):
            statement = state.graph_names.get(name)
            state.block(statement.line if statement is not None else state.module,
                        f"the regularizer `{name}` is used other than as a layer's or a "
                        "variable's regularizer (the rewrite writes its penalties out)")
