"""An argument of a call the run functions make (a layer's inputs, a metric's labels, a helper
object's tensors): what it reads, checked that it computes nothing that must not repeat per run.
A Keras object's call evaluates its arguments each time, where TF1 built them once."""

from __future__ import annotations

import libcst as cst

from tf_migrate.programs.analyze.expressions import ExpressionFacts, block_on, examine
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import GraphStatement


def per_run_argument(state: ProgramState, argument: cst.BaseExpression, what: str
                     ) -> tuple[ExpressionFacts, list[GraphStatement]]:
    """The argument's facts and the statements it reads; blocked, with `what` named (the
    argument: "an argument of `tf.layers.dense`"), where it creates, updates, draws or calls
    the script's functions."""
    facts = examine(state.ctx, argument, set(state.graph_names), state.helpers,
                    fields=state.tuple_fields)
    block_on(state.block, facts)
    if facts.creates or facts.updates or facts.called_helpers or facts.random:
        state.block(argument, f"{what} draws, updates or calls the script's functions (give it "
                              "a name of its own first)")
    return facts, [state.graph_names[name] for name in sorted(facts.graph_reads)]
