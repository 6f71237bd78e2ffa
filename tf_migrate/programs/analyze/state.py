"""What the parts of the analysis share while they read one program: the syntax tree and how to
see it, the program's flattened statements and what they define so far, its run sites, what is
unsafe or blocks the rewrite, and the planned TF2 forms of nodes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import libcst as cst

from tf_migrate.programs.analyze.layer_table import LayerSpec
from tf_migrate.programs.analyze.recurrent_table import RecurrentFacts
from tf_migrate.programs.analyze.syntax import tf_alias
from tf_migrate.programs.model import (
    Context,
    ExpressionPlan,
    GraphPrint,
    GraphStatement,
    ImportedHelper,
    Item,
    Penalty,
    RunSite,
    SessionsGone,
    StatementPlan,
    VariableReset,
)


@dataclass(eq=False)
class ProgramState:
    ctx: Context
    module: cst.Module
    keras: str  # how the rewrite spells Keras: "tf.keras" or "keras"
    items: list[Item] = field(default_factory=list)
    statements: list[GraphStatement] = field(default_factory=list)
    graph_names: dict[str, GraphStatement] = field(default_factory=dict)  # name -> definition now
    helpers: dict[str, cst.FunctionDef] = field(default_factory=dict)  # the script's functions
    # Helpers imported from the project's own modules, by how the script calls them.
    imported: Mapping[str, ImportedHelper] = field(default_factory=dict)
    sites: list[RunSite] = field(default_factory=list)
    unsafe: list[str] = field(default_factory=list)
    # What draws random numbers (`w`'s initial value, ...): the same distributions in TF2, but
    # other numbers; said in the finding, and `tf-migrate verify` aligns them.
    random_draws: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the finding says of the rewrite
    # Batch normalizations whose moving statistics TF1 updated through UPDATE_OPS, and whether
    # the program ran that collection (as a control input of its training).
    update_op_layers: list[GraphStatement] = field(default_factory=list)
    update_ops_run: bool = False
    # Weight penalties TF1 collected (analyze/regularization.py), and regularizer objects bound
    # to names: name -> the penalty's format.
    penalties: list[Penalty] = field(default_factory=list)
    regularizer_objects: dict[str, str] = field(default_factory=dict)
    regularizer_uses: dict[str, int] = field(default_factory=dict)  # as a regularizer
    blockers: list[tuple[cst.CSTNode, str]] = field(default_factory=list)
    rnn: RecurrentFacts = field(default_factory=RecurrentFacts)  # analyze/recurrent.py
    # tf.layers objects the program made (`dense = tf.layers.Dense(4)`), called where it calls
    # them: their functions' specs, by name (analyze/layers.py).
    layer_objects: dict[str, LayerSpec] = field(default_factory=dict)
    bound_again: set[str] | None = None  # names bound more than once (analyze/layers.py)
    # Graph values that are tuples of tensors (an LSTM's state), and the fields read from them.
    tuple_fields: dict[str, frozenset[str]] = field(default_factory=dict)
    # TF2 forms of control flow and tf.data nodes (GraphProgram.rewrites, in_place).
    rewrites: dict[int, ExpressionPlan] = field(default_factory=dict)
    in_place: dict[int, StatementPlan] = field(default_factory=dict)
    prints: list[GraphPrint] = field(default_factory=list)  # `print(z)` while building
    # The sessions a function of the program opens itself, gone from its body.
    own_sessions: SessionsGone = field(default_factory=SessionsGone)
    # Its initializer runs (by id of the call), which go with them: checked where they are.
    own_initializers: set[int] = field(default_factory=set)
    reset: VariableReset | None = None  # a second session's initializer (second_sessions.py)

    @property
    def tf(self) -> str:
        """How the rewrite spells TensorFlow: the script's alias (`tf`)."""
        return tf_alias(self.module) or "tf"

    def block(self, node: cst.CSTNode, message: str) -> None:
        """Stops the rewrite at `node`: the finding says `message` and the node's line."""
        line = self.ctx.start(node)[0]
        self.blockers.append((node, f"{message} (line {line})"))
