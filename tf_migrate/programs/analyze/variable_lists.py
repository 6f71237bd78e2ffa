"""`tf.trainable_variables()` in a graph statement: TF1's list of the trainable variables created
so far, in creation order, which the program knows by name. It becomes that list (`[w, b]`),
so that, say, an L2 penalty over every weight (`tf.add_n([tf.nn.l2_loss(v) for v in
tf.trainable_variables()])`) reads the same variables in TF2."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.expressions import ExpressionFacts
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.training import trainable_variables
from tf_migrate.programs.model import Kind, Position, VariableList

TRAINABLE_VARIABLES = "tf.trainable_variables"


class _Calls(cst.CSTVisitor):
    def __init__(self, state: ProgramState) -> None:
        super().__init__()
        self.state = state
        self.found: list[cst.Call] = []

    def visit_Call(self, node: cst.Call) -> None:
        if not node.args and self.state.ctx.tf_name(node.func) == TRAINABLE_VARIABLES:
            self.found.append(node)


def plan_variable_lists(state: ProgramState, value: cst.BaseExpression,
                        facts: ExpressionFacts, position: Position) -> None:
    """Plans each `tf.trainable_variables()` of `value` as the list of the program's trainable
    variables so far: the call leaves the facts' unsupported calls, and the statement reads
    those variables (it then runs per call, as it reads variables)."""
    visitor = _Calls(state)
    _walk_visit(value, visitor)
    if not visitor.found:
        return
    members = tuple(trainable_variables(state))
    planned = {id(call) for call in visitor.found}
    for call in visitor.found:
        state.rewrites[id(call)] = VariableList(members)
    facts.unsupported = [(node, name) for node, name in facts.unsupported
                         if id(node) not in planned]
    layered = [s for s in state.statements if s.kind is Kind.LAYER and s.trainable]
    if layered and not any(not site.initializer and site.position < position
                           for site in state.sites):
        state.block(visitor.found[0], "`tf.trainable_variables()` lists the variables of layers, "
                                      "which Keras creates at their first call: before the "
                                      "program's first run they do not exist yet (read them "
                                      "after it)")
    # The variables a Python value lists: layers' stay where the list is, read once built.
    roots = dict.fromkeys(member.split("[", 1)[0] for member in members)
    facts.graph_reads |= {root for root in roots if root in state.graph_names}
