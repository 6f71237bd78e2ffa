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
from tf_migrate.cst.targets import target_name_nodes
from tf_migrate.programs.analyze import initializers
from tf_migrate.programs.analyze.expressions import block_on, examine
from tf_migrate.programs.analyze.recurrent_table import (
    CELL_MODULES,
    CELLS,
    DRIVERS,
    STACK,
    STACK_PARAMS,
    STATIC,
    WRAPPERS,
    Cell,
    CellStack,
    RecurrentState,
)
from tf_migrate.programs.analyze.shapes import float64_inputs, last_dimension
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import bound_value, is_name
from tf_migrate.programs.model import (
    Argument,
    ArgumentList,
    Constructor,
    GraphStatement,
    Kind,
    Layer,
    RecurrentRun,
    SourceText,
    StateIndex,
)

# Initializers whose distribution does not depend on the kernel's shape: the same for TF1's one
# kernel and Keras's two.
_SHAPE_FREE = frozenset({"tf.random_normal_initializer", "tf.truncated_normal_initializer",
                         "tf.random_uniform_initializer", "tf.constant_initializer",
                         "tf.zeros_initializer", "tf.ones_initializer"})
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
    if isinstance(value, cst.List | cst.ListComp) and _makes_cells(state, value):
        # `layers = [tf.nn.rnn_cell.BasicRNNCell(n) for _ in range(k)]`, for a MultiRNNCell.
        statement.kind = Kind.DEFERRED
        statement.elided = statement.returns_none = True
        listed = _cell_list(state, value)
        if listed is not None and len(statement.targets) == 1:
            state.rnn.lists[statement.targets[0]] = listed
        return True
    if not isinstance(value, cst.Call):
        return False
    name = state.ctx.tf_name(value.func)
    if name in DRIVERS:
        _driver(state, statement, value, name, names)
        return True
    zero_state = _zero_state_of(state, value)
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
    stack = _cells(state, value)
    if stack is not None and target is not None:
        state.rnn.cells[target] = stack
    elif stack is not None:
        state.block(statement.line, "the cell is unpacked")
    return True


def _zero_state_of(state: ProgramState, value: cst.Call) -> str | None:
    """`cell.zero_state(batch_size, dtype)` of a known cell: the cell's name."""
    func = value.func
    if (isinstance(func, cst.Attribute) and func.attr.value == "zero_state"
            and isinstance(func.value, cst.Name) and func.value.value in state.rnn.cells):
        state.rnn.reads.add(id(func.value))
        return func.value.value
    return None


def _cells(state: ProgramState, value: cst.BaseExpression) -> CellStack | None:
    """The cells an expression makes or names; None after blocking (or when it is none)."""
    if isinstance(value, cst.Name) and value.value in state.rnn.cells:
        state.rnn.reads.add(id(value))
        return state.rnn.cells[value.value]
    name = state.ctx.tf_name(value.func) if isinstance(value, cst.Call) else None
    tail = (name or "").rsplit(".", 1)[-1]
    if not isinstance(value, cst.Call) or name is None or not name.startswith(CELL_MODULES):
        state.block(value, "the RNN's cell is not a TF1 cell made in this program")
        return None
    if tail in CELLS:
        cell = _cell(state, value, tail)
        return CellStack((cell,), stacked=False) if cell is not None else None
    if tail == STACK:
        return _stack(state, value)
    if tail in WRAPPERS:
        state.block(value, f"`{name}` is not rewritten yet: TF1 drew its masks per step inside "
                           "the loop, which a Keras recurrent layer's `dropout` does not")
    else:
        state.block(value, f"`{name}` has no Keras recurrent cell the rewrite maps it to")
    return None


def _stack(state: ProgramState, value: cst.Call) -> CellStack | None:
    """`MultiRNNCell([cell_1, cell_2])` or `MultiRNNCell([LSTMCell(n) for _ in range(k)])`."""
    bound = bind_args(value, STACK_PARAMS)
    if bound is None or "cells" not in bound or not is_name(
            bound.get("state_is_tuple", cst.Name("True")), "True"):
        state.block(value, "cannot read the cells of the MultiRNNCell (a concatenated state "
                           "has no Keras counterpart)")
        return None
    listed = bound["cells"]
    if isinstance(listed, cst.Name) and listed.value in state.rnn.lists:
        state.rnn.reads.add(id(listed))
        return CellStack(state.rnn.lists[listed.value], stacked=True)
    cells = _cell_list(state, listed)
    return CellStack(cells, stacked=True) if cells is not None else None


def _makes_cells(state: ProgramState, value: cst.List | cst.ListComp) -> bool:
    """A list display or comprehension whose elements are TF1 cells made in place."""
    made = [value.elt] if isinstance(value, cst.ListComp) else [e.value for e in value.elements]
    return bool(made) and all(
        isinstance(e, cst.Call) and (state.ctx.tf_name(e.func) or "").startswith(CELL_MODULES)
        for e in made)


def _cell_list(state: ProgramState, listed: cst.BaseExpression) -> tuple[Cell, ...] | None:
    """`[cell_1, cell_2]`, or `[LSTMCell(n) for _ in range(k)]`: the cells, bottom first; None
    after blocking."""
    found: list[Cell] = []
    if isinstance(listed, cst.List | cst.Tuple):
        for element in listed.elements:
            if isinstance(element, cst.StarredElement):
                break
            stack = _cells(state, element.value)
            if stack is None:
                return None
            found.extend(stack.cells)
        else:
            return tuple(found)
    elif isinstance(listed, cst.ListComp) and (count := _repeat_count(state, listed)) is not None:
        stack = _cells(state, listed.elt)
        if stack is None:
            return None
        return stack.cells * count
    state.block(listed, "the MultiRNNCell's cells are not a list of cells or a comprehension "
                        "making one per step of `range(n)` (a cell listed twice shares its "
                        "weights, which a Keras stack does not)")
    return None


def _repeat_count(state: ProgramState, comprehension: cst.ListComp) -> int | None:
    """`n` of `[... for _ in range(n)]`, an int the program binds once."""
    loop = comprehension.for_in
    if loop.inner_for_in is not None or comprehension.for_in.ifs:
        return None
    iterated = loop.iter
    if not (isinstance(iterated, cst.Call) and is_name(iterated.func, "range")
            and len(iterated.args) == 1):
        return None
    used = {n for n in read_names(comprehension.elt)}
    if isinstance(loop.target, cst.Name) and loop.target.value in used:
        return None  # each cell made otherwise
    return int_value(state, iterated.args[0].value)


def int_value(state: ProgramState, node: cst.BaseExpression | None) -> int | None:
    """An int literal, or a name the module binds once to one (`N = 8`, `N, M = 8, 4`)."""
    if isinstance(node, cst.Name):
        name = node.value
        node, _ = bound_value(name, list(state.module.body))
        if node is None:
            node = _unpacked_value(state.module, name)
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    return None


def _unpacked_value(module: cst.Module, name: str) -> cst.BaseExpression | None:
    """The value `name` takes in the module's one `a, name = 1, 2` binding it."""
    found: list[cst.BaseExpression] = []
    for line in module.body:
        small = line.body[0] if isinstance(line, cst.SimpleStatementLine) else None
        if not isinstance(small, cst.Assign) or len(small.targets) != 1:
            continue
        target, value = small.targets[0].target, small.value
        if isinstance(target, cst.Tuple) and isinstance(value, cst.Tuple) and len(
                target.elements) == len(value.elements):
            found += [v.value for t, v in zip(target.elements, value.elements, strict=True)
                      if isinstance(t.value, cst.Name) and t.value.value == name]
    return found[0] if len(found) == 1 else None


def _cell(state: ProgramState, call: cst.Call, tail: str) -> Cell | None:
    spec = CELLS[tail]
    bound = bind_args(call, spec.params)
    if bound is None or "num_units" not in bound:
        state.block(call, f"cannot read the arguments of `{tail}`")
        return None
    for param, default, why in spec.only_default:
        given = bound.get(param)
        if given is not None and not is_name(given, default):
            state.block(given, f"`{param}=` of `{tail}` is not rewritten: {why}")
            return None
    reuse = bound.get("reuse")
    if reuse is not None and not is_name(reuse, "None", "False"):
        state.block(reuse, f"`reuse=` of `{tail}`: TF2 shares a layer by calling the same "
                           "object again")
        return None
    keywords: list[tuple[str, Argument]] = []
    activation = bound.get("activation")
    if activation is not None and not is_name(activation, "None"):
        keywords.append(("activation", activation))
    forget_bias = bound.get("forget_bias")
    if forget_bias is not None:
        folded = _number(forget_bias)
        if folded == 0.0:
            keywords.append(("unit_forget_bias", SourceText("False")))
        elif folded != 1.0:
            state.block(forget_bias, "a forget bias other than 0 or 1 has no Keras counterpart "
                                     "(`unit_forget_bias` starts the bias at 1)")
            return None
    initializer = bound.get(spec.kernel_initializer) if spec.kernel_initializer else None
    if is_name(initializer, "None"):
        initializer = None
    if initializer is not None and not (isinstance(initializer, cst.Call) and state.ctx.tf_name(
            initializer.func) in _SHAPE_FREE):
        state.block(initializer, f"the initializer of `{tail}` is not rewritten: Keras splits "
                                 "TF1's one kernel in two, so only an initializer whose "
                                 "distribution ignores the shape (normal, truncated normal, "
                                 "uniform, constant) draws the same")
        return None
    if spec.layer == "GRU":
        keywords.append(("reset_after", SourceText("False")))
        keywords.append(("bias_initializer", _gru_bias(state, bound, bound["num_units"])))
    return Cell(spec, bound["num_units"], tuple(keywords), initializer, call)


def _gru_bias(state: ProgramState, bound: dict[str, cst.BaseExpression],
              units: cst.BaseExpression) -> Argument:
    """TF1 started the gates' biases at 1.0 and the candidate's at 0 unless told otherwise;
    Keras keeps them in one vector, update and reset gates first."""
    given = bound.get("bias_initializer")
    if given is not None and not is_name(given, "None"):
        mapped = initializers.keras_initializer(state, given)
        if mapped is not None:
            return mapped
    text = _operand(units)
    return SourceText(f"{state.keras}.initializers.Constant([1.0] * (2 * {text}) + [0.0] * "
                      f"{text})")


def _number(node: cst.BaseExpression) -> float | None:
    if isinstance(node, cst.Integer | cst.Float):
        return float(node.evaluated_value)
    return None


def _operand(node: cst.BaseExpression) -> str:
    """The node's source, in parentheses unless a name or a number."""
    text = cst.Module([]).code_for_node(node)
    return text if isinstance(node, cst.Name | cst.Integer | cst.Float) else f"({text})"


def _driver(state: ProgramState, statement: GraphStatement, value: cst.Call, name: str,
            names: Callable[[], set[str]]) -> None:
    """`outputs, state = tf.nn.dynamic_rnn(cell, x, ...)`: the Keras layer, made where the call
    was, and the statement of its call."""
    statement.kind = Kind.LAYER
    params = DRIVERS[name]
    bound = bind_args(value, params)
    if bound is None or "cell" not in bound or "inputs" not in bound:
        state.block(value, f"cannot read the arguments of `{name}`")
        return
    stack = _cells(state, bound["cell"])
    if stack is None:
        return
    if len(statement.targets) != 2:
        state.block(statement.line, f"the result of `{name}` is not unpacked as (outputs, "
                                    "state)")
        return
    initial = bound.get("initial_state")
    if initial is not None and not is_name(initial, "None") and not _zero_state(state, initial):
        state.block(initial, "an initial state other than the cell's zero state is not "
                             "rewritten yet")
        return
    time_major = bound.get("time_major")
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
    cell_name = bound["cell"].value if isinstance(bound["cell"], cst.Name) else None
    if cell_name is not None and cell_name in state.rnn.run:
        state.block(bound["cell"], f"the cell `{cell_name}` is run by two RNNs, which share its "
                                   "weights: not rewritten yet")
        return
    if cell_name is not None:
        # Its name is free again: the cell's statement goes.
        state.rnn.run.add(cell_name)
        taken.discard(cell_name)
    layer_name = _object_name(state, bound.get("scope"), stack, taken)
    if cell_name is not None:
        taken.add(cell_name)
    limits = _limits(state, stack, depth, taken)
    cells = _keras_cells(state, stack, [name for _, name, _ in limits])
    if cells is None:
        return
    outputs, final = (None if target == "_" else target for target in statement.targets)
    layer_keywords: list[tuple[str, Argument]] = [("return_state", SourceText("True"))]
    if outputs is not None:
        layer_keywords.insert(0, ("return_sequences", SourceText("True")))
    if masked:
        # TF1 zeroed the outputs past each length; Keras repeats the last one unless told.
        layer_keywords.append(("zero_output_for_mask", SourceText("True")))
    if float64_inputs(state, inputs):
        layer_keywords.append(("dtype", SourceText('"float64"')))
    keras = f"{state.keras}.layers"
    if stack.stacked:
        constructor = Constructor(f"{keras}.RNN", tuple(layer_keywords), (ArgumentList(tuple(
            Constructor(f"{keras}.{cell.spec.cell}", keywords, (cell.units,))
            for cell, keywords in zip(stack.cells, cells, strict=True))),))
    else:
        (cell,), (keywords,) = stack.cells, cells
        constructor = Constructor(f"{keras}.{cell.spec.layer}",
                                  (*keywords, *layer_keywords), (cell.units,))
    layer = Layer(layer_name, constructor, (f"*{layer_name}.trainable_variables",),
                  prelude=tuple(limits))
    statement.layer = layer
    state.random_draws.append(f"`{layer_name}`")
    layer.op = _call_statement(state, statement, bound, layer)
    unpacked = stack.stacked or stack.cells[0].spec.lstm
    state.rewrites[id(statement.line)] = RecurrentRun(
        layer_name, params, static, is_name(time_major, "True"), masked, outputs, final,
        unpacked, state.tf)
    if final is not None:
        state.rnn.states.append(RecurrentState(final, stack, layer.op))
        if unpacked and not stack.stacked:
            state.tuple_fields[final] = frozenset({"c", "h"})  # TF1's LSTMStateTuple
    else:
        _without_state(state, layer.op)


def _zero_state(state: ProgramState, initial: cst.BaseExpression) -> bool:
    """The cell's zero state: a name bound to one, or `cell.zero_state(...)` itself."""
    if isinstance(initial, cst.Name) and initial.value in state.rnn.zero_states:
        state.rnn.reads.add(id(initial))
        return True
    return isinstance(initial, cst.Call) and _zero_state_of(state, initial) is not None


def _object_name(state: ProgramState, scope: cst.BaseExpression | None, stack: CellStack,
                 taken: set[str]) -> str:
    """TF1's scope name when it is a free identifier, else the layer's kind: `lstm`."""
    text = scope.evaluated_value if isinstance(scope, cst.SimpleString) else None
    if isinstance(text, str) and text.isidentifier() and text not in taken:
        taken.add(text)
        return text
    kind = _kind(stack.cells[0])
    return fresh_name(f"stacked_{kind}" if stack.stacked else kind, taken)


def _kind(cell: Cell) -> str:
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
        kind = _kind(cell)
        name = fresh_name(f"{kind}_limit" if len(stack.cells) == 1 else
                          f"{kind}_limit_{index}", taken)
        columns = f"{blocks} * units" if blocks > 1 else "units"
        found.append((f"TF1's glorot_uniform range over the cell's one kernel, [inputs + units, "
                      f"{columns}]",
                      name, f"(6 / ({_operand(below)} + {blocks + 1} * {_operand(cell.units)})) "
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
        facts = examine(state.ctx, argument, set(state.graph_names), state.helpers)
        block_on(state.block, facts)
        if facts.creates or facts.updates or facts.called_helpers or facts.random:
            state.block(argument, "an argument of the RNN draws, updates or calls the "
                                  "script's functions (give it a name of its own first)")
        deps.extend(state.graph_names[n] for n in sorted(facts.graph_reads))
        reads |= read_names(argument)
    return GraphStatement(statement.line, statement.node, statement.targets, Kind.DEFERRED,
                          statement.position, deps=deps, reads=reads, layer=layer)


def _without_state(state: ProgramState, op: GraphStatement) -> None:
    """The program never reads the final state: the layer returns the outputs alone."""
    layer = op.layer
    assert layer is not None
    layer.constructor = replace(layer.constructor, keywords=tuple(
        (key, value) for key, value in layer.constructor.keywords if key != "return_state"))
    plan = state.rewrites[id(op.line)]
    assert isinstance(plan, RecurrentRun)
    state.rewrites[id(op.line)] = replace(plan, state=None)


class _Reads(cst.CSTVisitor):
    """Every read of the given names, with the nodes around it, innermost first."""

    def __init__(self, names: set[str]) -> None:
        super().__init__()
        self.names = names
        self.stack: list[cst.CSTNode] = []
        self.found: list[tuple[cst.Name, list[cst.CSTNode]]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.Name) and node.value in self.names and not self._naming(node):
            self.found.append((node, self.stack[::-1][:3]))
        self.stack.append(node)
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.stack.pop()

    def _naming(self, node: cst.Name) -> bool:
        """The name of an attribute, keyword or parameter: no read of the variable."""
        parent = self.stack[-1] if self.stack else None
        return (isinstance(parent, cst.Attribute) and parent.attr is node) or (
            isinstance(parent, cst.Arg) and parent.keyword is node) or (
            isinstance(parent, cst.Param) and parent.name is node)


def finish(state: ProgramState) -> None:
    """Once the program is read: the reads of each final state in Keras's structure, and no
    read of a cell or zero state the rewrite removes."""
    gone = set(state.rnn.cells) | state.rnn.zero_states | set(state.rnn.lists)
    watched = gone | {s.name for s in state.rnn.states}
    if not watched:
        return
    reads = _Reads(watched)
    for item in state.items:  # the program's statements (a notebook may hold several)
        item.node.visit(reads)
    targets = {id(name) for s in state.statements for t in s.node.targets
               for name in target_name_nodes(t.target)}
    for node, _ in reads.found:
        if node.value in gone and id(node) not in state.rnn.reads and (
                id(node) not in targets):
            state.block(node, f"`{node.value}` is read where the rewrite removes it (its Keras "
                              "layer holds the cell)")
    for recurrent in state.rnn.states:
        found = [(node, around) for node, around in reads.found
                 if node.value == recurrent.name and id(node) not in targets
                 and state.ctx.start(node) > recurrent.op.position]
        if not found:
            _without_state(state, recurrent.op)
        for node, around in found:
            _plan_read(state, recurrent, node, around)


def _plan_read(state: ProgramState, recurrent: RecurrentState, node: cst.Name,
               around: list[cst.CSTNode]) -> None:
    """One read of a final state, in Keras's structure."""
    stack = recurrent.stack
    if not stack.stacked and not stack.cells[0].spec.lstm:
        return  # one simple cell: its state is one tensor in both
    if not stack.stacked:
        if not _plan_lstm_part(state, node, around):
            state.block(node, f"`{node.value}` is read whole: Keras returns an LSTM's state as "
                              "[h, c], TF1 as (c, h); read `.h` or `.c`")
        return
    layer = around[0] if around else None
    index = _literal_index(layer, node) if isinstance(layer, cst.Subscript) else None
    if index is None or not -len(stack.cells) <= index < len(stack.cells):
        state.block(node, f"`{node.value}` is read otherwise than one layer's state at a "
                          "literal index")
        return
    if not stack.cells[index].spec.lstm:
        assert layer is not None
        state.rewrites[id(layer)] = StateIndex(0, replace=False)  # Keras: [h] per layer
    elif not _plan_lstm_part(state, layer, around[1:]):
        state.block(node, f"`{node.value}` holds LSTM states read whole: Keras returns each as "
                          "[h, c], TF1 as (c, h); read `.h` or `.c`")


def _plan_lstm_part(state: ProgramState, value: cst.CSTNode | None,
                    around: list[cst.CSTNode]) -> bool:
    """`state.h`, `state.c`, `state[1]`, `state[0]` of TF1's (c, h) as Keras's [h, c]."""
    parent = around[0] if around else None
    if isinstance(parent, cst.Attribute) and parent.value is value and (
            parent.attr.value in ("c", "h")):
        state.rewrites[id(parent)] = StateIndex(0 if parent.attr.value == "h" else 1, True)
        return True
    index = _literal_index(parent, value) if isinstance(parent, cst.Subscript) else None
    if index is not None and index in (0, 1, -1, -2):
        state.rewrites[id(parent)] = StateIndex(1 - index % 2, True)
        return True
    return False


def _literal_index(subscript: cst.Subscript, value: cst.CSTNode | None) -> int | None:
    """`k` of `value[k]`, an int literal (negative too)."""
    if subscript.value is not value or len(subscript.slice) != 1:
        return None
    index = subscript.slice[0].slice
    if not isinstance(index, cst.Index):
        return None
    number = index.value
    sign = 1
    if isinstance(number, cst.UnaryOperation) and isinstance(number.operator, cst.Minus):
        number, sign = number.expression, -1
    return sign * int(number.evaluated_value) if isinstance(number, cst.Integer) else None
