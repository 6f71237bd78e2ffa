"""RNNs of a graph program: `cell = tf.nn.rnn_cell.LSTMCell(128)` and `outputs, state =
tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)` (or `static_rnn`,
a `MultiRNNCell` of cells, `cell.zero_state(...)` as the initial state).

TF1 built the RNN's variables where `dynamic_rnn` was called and ran the loop per run. TF2
spells that as a Keras recurrent layer created once where the call was (`lstm =
tf.keras.layers.LSTM(128, return_sequences=True, ...)`, or `tf.keras.layers.RNN([...cells])`
for a stack) and called by the run functions: `outputs, *state = lstm(x, mask=...)`. The cells
and zero states go: the layer holds the one and starts from the other. How TF1's weights map to
Keras's is in analyze/recurrent_table.py; `sequence_length` becomes a mask, with Keras told to
zero the outputs past each length as TF1 did (`zero_output_for_mask=True`), and the final state
is the one at each sequence's last step in both. Keras returns an LSTM's state as [h, c] where
TF1 had the tuple (c, h): the program's reads of it (`state.h`, `state[0]`, `states[-1].c`) are
rewritten to Keras's order, and any other read of the state refuses the program."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import libcst as cst

from tf_migrate.analysis.names import fresh_name, read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.code import code
from tf_migrate.cst.targets import target_name_nodes
from tf_migrate.programs.analyze import initializers
from tf_migrate.programs.analyze.call_arguments import per_run_argument
from tf_migrate.programs.analyze.recurrent_cells import (
    cell_list,
    cells_of,
    is_zero_state,
    makes_cells,
    zero_state_of,
)
from tf_migrate.programs.analyze.recurrent_states import without_state
from tf_migrate.programs.analyze.recurrent_table import (
    BIDIRECTIONAL,
    CELL_MODULES,
    DRIVERS,
    STATIC,
    Cell,
    CellStack,
    RecurrentState,
)
from tf_migrate.programs.analyze.shapes import float64_inputs, last_dimension
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import is_name, operand
from tf_migrate.programs.model import (
    Argument,
    ArgumentList,
    Constructor,
    GraphStatement,
    Kind,
    Layer,
    RecurrentRun,
    SourceText,
)

_GRU_RANGES = ("a GRUCell with TF1's default initializer: TF1 drew the candidate's kernel from "
               "a wider range than the gates' (each Glorot over its own matrix), Keras draws "
               "all three blocks from the gates' range")


def is_recurrent_call(name: str | None) -> bool:
    """A TF1 cell, stack or RNN driver: what makes a function build graph state."""
    return name is not None and (name in DRIVERS or name.startswith(CELL_MODULES))


def classify(state: ProgramState, statement: GraphStatement, value: cst.BaseExpression,
             names: Callable[[], set[str]]) -> bool:
    """Sets the statement's kind and facts when it makes a cell, a list of cells or a zero
    state, or runs an RNN; False otherwise. `names`: the names the module spells (asked only
    for an RNN)."""
    if isinstance(value, cst.List | cst.ListComp) and makes_cells(state, value):
        # `layers = [tf.nn.rnn_cell.BasicRNNCell(n) for _ in range(k)]`, for a MultiRNNCell.
        statement.kind = Kind.DEFERRED
        statement.elided = statement.returns_none = True
        listed = cell_list(state, value)
        if listed is not None and len(statement.targets) == 1:
            state.rnn.lists[statement.targets[0]] = listed
        return True
    if not isinstance(value, cst.Call):
        return False
    name = state.ctx.tf_name(value.func)
    if name in DRIVERS:
        _driver(state, statement, value, name, names)
        return True
    zero_state = zero_state_of(state, value)
    made = zero_state is None and name is not None and name.startswith(CELL_MODULES)
    if zero_state is None and not made:
        return False
    # The cell or zero state goes: the Keras layer holds the one and starts from the other.
    statement.kind = Kind.DEFERRED
    statement.elided = statement.returns_none = True
    target = statement.targets[0] if len(statement.targets) == 1 else None
    if zero_state is not None:
        if target is not None:
            state.rnn.zero_states.add(target)
        return True
    stack = cells_of(state, value)
    if stack is not None and target is not None:
        state.rnn.cells[target] = stack
    elif stack is not None:
        state.block(statement.line, "the cell is unpacked")
    return True


def _driver(state: ProgramState, statement: GraphStatement, value: cst.Call, name: str,
            names: Callable[[], set[str]]) -> None:
    """`outputs, state = tf.nn.dynamic_rnn(cell, x, ...)`: the Keras layer, made where the call
    was, and the statement of its call. A bidirectional RNN's two cells make one
    `tf.keras.layers.Bidirectional` layer, which runs a copy of its layer backwards."""
    statement.kind = Kind.LAYER
    params = DRIVERS[name]
    bidirectional = name in BIDIRECTIONAL
    cell_params = ("cell_fw", "cell_bw") if bidirectional else ("cell",)
    bound = bind_args(value, params)
    if bound is None or "inputs" not in bound or any(p not in bound for p in cell_params):
        state.block(value, f"cannot read the arguments of `{name}`")
        return
    stacks = [cells_of(state, bound[param]) for param in cell_params]
    stack = stacks[0]
    if stack is None or None in stacks or not _initial_states(state, bound) or not _targets(
            state, statement, name, bidirectional):
        return
    if bidirectional and not _mirrored(stacks):
        state.block(value, f"`{name}` over a forward and a backward cell that differ, or over "
                           "stacks of cells, is not rewritten yet")
        return
    time_major = bound.get("time_major")
    if bidirectional and time_major is not None and not is_name(time_major, "False"):
        state.block(time_major, f"`{name}` over time-major inputs is not rewritten yet")
        return
    if time_major is not None and not is_name(time_major, "True", "False"):
        state.block(time_major, "`time_major=` must be True or False where it is written")
        return
    inputs = bound["inputs"]
    static = name in STATIC
    masked = "sequence_length" in bound and not is_name(bound["sequence_length"], "None")
    if masked and not isinstance(inputs, cst.Name):
        state.block(inputs, "the inputs of an RNN with `sequence_length` must be a name (its "
                            "mask reads their length)")
        return
    depth = last_dimension(state, inputs, listed=static)
    if depth is None:
        state.block(inputs, "the depth of the RNN's inputs is not known where its layer is "
                            "made: TF1 drew each cell's kernel over [depth + units, ...], "
                            "whose range needs it (give the inputs a static last dimension)")
        return
    taken = names()
    cell_names = [cell.value for cell in (bound[p] for p in cell_params)
                  if isinstance(cell, cst.Name)]
    for cell_name in cell_names:
        if cell_name in state.rnn.run:
            state.block(bound[cell_params[0]], f"the cell `{cell_name}` is run by two RNNs, "
                                               "which share its weights: not rewritten yet")
            return
        # Its name is free again: the cell's statement goes.
        state.rnn.run.add(cell_name)
        taken.discard(cell_name)
    layer_name = _object_name(state, bound.get("scope"), stack, taken, bidirectional)
    taken.update(cell_names)
    limits = _limits(state, stack, depth, taken)
    cells = _keras_cells(state, stack, [name for _, name, _ in limits])
    if cells is None:
        return
    unpacked_state = _unpacked_targets(state, statement, stack, bidirectional)
    if unpacked_state is None:
        return
    outputs, final, pair = unpacked_state
    layer_keywords: list[tuple[str, Argument]] = [("return_state", SourceText("True"))]
    if outputs is not None:
        layer_keywords.insert(0, ("return_sequences", SourceText("True")))
    if masked:
        # TF1 zeroed the outputs past each length; Keras repeats the last one unless told.
        layer_keywords.append(("zero_output_for_mask", SourceText("True")))
    if float64_inputs(state, inputs):
        layer_keywords.append(("dtype", SourceText('"float64"')))
    constructor = _constructor(state, stack, cells, layer_keywords)
    if bidirectional:
        # Outputs side by side, forward first, as static_bidirectional_rnn concatenated them;
        # bidirectional_dynamic_rnn kept them apart: a list of the two.
        constructor = Constructor(f"{state.keras}.layers.Bidirectional", () if static else (
            ("merge_mode", SourceText("None")),), (replace(constructor, keywords=tuple(
                (k, v) for k, v in constructor.keywords if k != "return_state")),))
    layer = Layer(layer_name, constructor, (f"*{layer_name}.trainable_variables",),
                  prelude=tuple(limits))
    statement.layer = layer
    state.random_draws.append(f"`{layer_name}`")
    layer.op = _call_statement(state, statement, bound, layer)
    unpacked = stack.stacked or stack.cells[0].spec.lstm
    state.rewrites[id(statement.line)] = RecurrentRun(
        layer_name, params, static, is_name(time_major, "True"), masked, outputs or None,
        final, unpacked, state.tf, bidirectional, pair)
    if final is not None:  # (an unpacked `c, h` are tensors in both: nothing to plan)
        state.rnn.states.append(RecurrentState(final, stack, layer.op))
        if unpacked and not stack.stacked:
            state.tuple_fields[final] = frozenset({"c", "h"})  # TF1's LSTMStateTuple
    elif pair is None and not bidirectional:
        without_state(state, layer.op)


def _initial_states(state: ProgramState, bound: dict[str, cst.BaseExpression]) -> bool:
    """Every initial state given is the cell's zero state (else False, after blocking)."""
    for param in ("initial_state", "initial_state_fw", "initial_state_bw"):
        initial = bound.get(param)
        if initial is not None and not is_name(initial, "None") and not is_zero_state(
                state, initial):
            state.block(initial, "an initial state other than the cell's zero state is not "
                                 "rewritten yet")
            return False
    return True


def _targets(state: ProgramState, statement: GraphStatement, name: str,
             bidirectional: bool) -> bool:
    """The result is unpacked as TF1 gave it: (outputs, state), or a bidirectional RNN's outputs
    and states, the states unread (else False, after blocking)."""
    targets = statement.node.targets[0].target
    count = 3 if name in STATIC and bidirectional else 2
    if not isinstance(targets, cst.Tuple) or len(targets.elements) != count:
        state.block(statement.line, f"the result of `{name}` is not unpacked as TF1 gave it "
                                    f"({'outputs, states' if bidirectional else 'outputs, state'})")
        return False
    if bidirectional:
        # Their reads refuse the program (recurrent_states.py).
        state.rnn.unread.update(n.value for e in targets.elements[1:]
                                for n in target_name_nodes(e.value) if n.value != "_")
    return True


def _unpacked_targets(state: ProgramState, statement: GraphStatement, stack: CellStack,
                      bidirectional: bool) -> tuple[str | None, str | None,
                                                    tuple[str, str] | None] | None:
    """The names the outputs and the final state go to (None for `_`), and an LSTM state
    unpacked as TF1's (c, h) pair; None after blocking. A bidirectional RNN's outputs go where
    the program wrote them ("" here), its states nowhere."""
    if bidirectional:
        return "", None, None
    target = statement.node.targets[0].target
    assert isinstance(target, cst.Tuple)
    outputs, final = (element.value for element in target.elements)
    if not isinstance(outputs, cst.Name):
        state.block(outputs, "the RNN's outputs are unpacked (give them one name)")
        return None
    first = None if outputs.value == "_" else outputs.value
    if isinstance(final, cst.Name):
        return first, None if final.value == "_" else final.value, None
    parts = final.elements if isinstance(final, cst.Tuple | cst.List) else []
    if not stack.stacked and stack.cells[0].spec.lstm and len(parts) == 2 and all(
            isinstance(part.value, cst.Name) for part in parts):
        c, h = (part.value.value for part in parts if isinstance(part.value, cst.Name))
        return first, None, (c, h)
    state.block(final, "the RNN's final state is unpacked otherwise than as an LSTM's (c, h)")
    return None


def _mirrored(stacks: list[CellStack | None]) -> bool:
    """A forward and a backward cell Keras can make one from the other: single cells, alike."""
    forward, backward = stacks
    if forward is None or backward is None or forward.stacked or backward.stacked:
        return False
    (one,), (other,) = forward.cells, backward.cells
    return one.spec == other.spec and code(one.units) == code(other.units) and [
        (k, _text(v)) for k, v in one.keywords] == [(k, _text(v)) for k, v in other.keywords] and (
        (one.initializer is None) == (other.initializer is None)) and (
        one.initializer is None or other.initializer is None
        or code(one.initializer) == code(other.initializer))


def _text(value: Argument) -> str:
    return value.text if isinstance(value, SourceText) else repr(value) if not isinstance(
        value, cst.CSTNode) else code(value)


def _constructor(state: ProgramState, stack: CellStack,
                 cells: list[tuple[tuple[str, Argument], ...]],
                 layer_keywords: list[tuple[str, Argument]]) -> Constructor:
    """The Keras layer of one cell (`LSTM`), or `RNN` over a stack's cells."""
    keras = f"{state.keras}.layers"
    if stack.stacked:
        return Constructor(f"{keras}.RNN", tuple(layer_keywords), (ArgumentList(tuple(
            Constructor(f"{keras}.{cell.spec.cell}", keywords, (cell.units,))
            for cell, keywords in zip(stack.cells, cells, strict=True))),))
    (cell,), (keywords,) = stack.cells, cells
    return Constructor(f"{keras}.{cell.spec.layer}", (*keywords, *layer_keywords),
                       (cell.units,))


def _object_name(state: ProgramState, scope: cst.BaseExpression | None, stack: CellStack,
                 taken: set[str], bidirectional: bool = False) -> str:
    """TF1's scope name when it is a free identifier, else the layer's kind: `lstm`,
    `stacked_lstm`, `bidirectional_lstm`."""
    text = scope.evaluated_value if isinstance(scope, cst.SimpleString) else None
    if isinstance(text, str) and text.isidentifier() and text not in taken:
        taken.add(text)
        return text
    kind = cell_kind(stack.cells[0])
    prefix = "bidirectional_" if bidirectional else "stacked_" if stack.stacked else ""
    return fresh_name(prefix + kind, taken)


def cell_kind(cell: Cell) -> str:
    """`lstm`, `gru`, `rnn`: what names the cell's layer and values."""
    return {"SimpleRNN": "rnn"}.get(cell.spec.layer, cell.spec.layer.lower())


def _limits(state: ProgramState, stack: CellStack, depth: cst.BaseExpression,
            taken: set[str]) -> list[tuple[str, str, str]]:
    """For each cell drawn with TF1's default initializer, the range of TF1's glorot_uniform
    over its one kernel [depth + units, gates * units] (a GRU's gates kernel: 2 blocks), which
    both Keras kernels are drawn from: (comment, name, source); the depth is the input's for
    the bottom cell, the cell below's units above it."""
    found = []
    for index, cell in enumerate(stack.cells):
        if cell.initializer is not None:
            continue
        below = depth if index == 0 else stack.cells[index - 1].units
        blocks = 2 if cell.spec.layer == "GRU" else cell.spec.gates
        kind = cell_kind(cell)
        name = fresh_name(f"{kind}_limit" if len(stack.cells) == 1 else
                          f"{kind}_limit_{index}", taken)
        columns = f"{blocks} * units" if blocks > 1 else "units"
        found.append((f"TF1's glorot_uniform range over the cell's one kernel, [inputs + units, "
                      f"{columns}]",
                      name, f"(6 / ({operand(below)} + {blocks + 1} * {operand(cell.units)})) "
                            "** 0.5"))
    return found


def _keras_cells(state: ProgramState, stack: CellStack, limits: list[str]
                 ) -> list[tuple[tuple[str, Argument], ...]] | None:
    """Each cell's Keras keywords with its two kernels' initializers: TF1's own, or uniform
    within the cell's range (`limits`: their names, for the cells TF1 drew with glorot_uniform,
    in order)."""
    found = []
    ranges = iter(limits)
    for cell in stack.cells:
        pair: list[Argument | None]
        if cell.initializer is not None:
            # Two objects: Keras draws the same numbers again from one unseeded initializer.
            pair = [initializers.keras_initializer(state, cell.initializer) for _ in range(2)]
        else:
            limit = next(ranges)
            pair = [Constructor(f"{state.keras}.initializers.RandomUniform", (),
                                (SourceText(f"-{limit}"), SourceText(limit))) for _ in range(2)]
            if cell.spec.layer == "GRU" and _GRU_RANGES not in state.unsafe:
                state.unsafe.append(_GRU_RANGES)
        kernel, recurrent = pair
        if kernel is None or recurrent is None:
            return None
        found.append((*cell.keywords, ("kernel_initializer", kernel),
                      ("recurrent_initializer", recurrent)))
    return found


def _call_statement(state: ProgramState, statement: GraphStatement,
                    bound: dict[str, cst.BaseExpression], layer: Layer) -> GraphStatement:
    """The statement of the layer's call, run per call of the run functions that need it."""
    deps: list[GraphStatement] = [statement]
    reads: set[str] = {layer.name}
    for param in ("inputs", "sequence_length"):
        argument = bound.get(param)
        if argument is None:
            continue
        deps.extend(per_run_argument(state, argument, "an argument of the RNN")[1])
        reads |= read_names(argument)
    return GraphStatement(statement.line, statement.node, statement.targets, Kind.DEFERRED,
                          statement.position, deps=deps, reads=reads, layer=layer)
