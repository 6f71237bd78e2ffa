"""TF1 RNN cells as the program makes them: `tf.nn.rnn_cell.LSTMCell(128)`, a `MultiRNNCell`
of a list or a comprehension of cells, a list of cells bound to a name, and a cell's
`zero_state(...)`, read into the Keras cells they become (analyze/recurrent_table.py); what has
no Keras counterpart is refused with the reason."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.names import read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.programs.analyze import initializers
from tf_migrate.programs.analyze.recurrent_table import (
    CELL_MODULES,
    CELLS,
    STACK,
    STACK_PARAMS,
    WRAPPERS,
    Cell,
    CellStack,
)
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import bound_value, is_name, operand
from tf_migrate.programs.model import Argument, SourceText

# Initializers whose distribution does not depend on the kernel's shape: the same for TF1's one
# kernel and Keras's two.
_SHAPE_FREE = frozenset({"tf.random_normal_initializer", "tf.truncated_normal_initializer",
                         "tf.random_uniform_initializer", "tf.constant_initializer",
                         "tf.zeros_initializer", "tf.ones_initializer"})
def zero_state_of(state: ProgramState, value: cst.Call) -> str | None:
    """`cell.zero_state(batch_size, dtype)` of a known cell: the cell's name."""
    func = value.func
    if (isinstance(func, cst.Attribute) and func.attr.value == "zero_state"
            and isinstance(func.value, cst.Name) and func.value.value in state.rnn.cells):
        state.rnn.reads.add(id(func.value))
        return func.value.value
    return None


def cells_of(state: ProgramState, value: cst.BaseExpression) -> CellStack | None:
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
    cells = cell_list(state, listed)
    return CellStack(cells, stacked=True) if cells is not None else None


def makes_cells(state: ProgramState, value: cst.List | cst.ListComp) -> bool:
    """A list display or comprehension whose elements are TF1 cells made in place."""
    made = [value.elt] if isinstance(value, cst.ListComp) else [e.value for e in value.elements]
    return bool(made) and all(
        isinstance(e, cst.Call) and (state.ctx.tf_name(e.func) or "").startswith(CELL_MODULES)
        for e in made)


def cell_list(state: ProgramState, listed: cst.BaseExpression) -> tuple[Cell, ...] | None:
    """`[cell_1, cell_2]`, or `[LSTMCell(n) for _ in range(k)]`: the cells, bottom first; None
    after blocking."""
    found: list[Cell] = []
    if isinstance(listed, cst.List | cst.Tuple):
        for element in listed.elements:
            if isinstance(element, cst.StarredElement):
                break
            stack = cells_of(state, element.value)
            if stack is None:
                return None
            found.extend(stack.cells)
        else:
            return tuple(found)
    elif isinstance(listed, cst.ListComp) and (count := _repeat_count(state, listed)) is not None:
        stack = cells_of(state, listed.elt)
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
    text = operand(units)
    return SourceText(f"{state.keras}.initializers.Constant([1.0] * (2 * {text}) + [0.0] * "
                      f"{text})")


def _number(node: cst.BaseExpression) -> float | None:
    if isinstance(node, cst.Integer | cst.Float):
        return float(node.evaluated_value)
    return None


def is_zero_state(state: ProgramState, initial: cst.BaseExpression) -> bool:
    """The cell's zero state: a name bound to one, or `cell.zero_state(...)` itself."""
    if isinstance(initial, cst.Name) and initial.value in state.rnn.zero_states:
        state.rnn.reads.add(id(initial))
        return True
    return isinstance(initial, cst.Call) and zero_state_of(state, initial) is not None
