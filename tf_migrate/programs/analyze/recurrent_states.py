"""The final states of a program's RNNs as Keras returns them: an LSTM's as [h, c] where TF1
had the tuple (c, h), a stack's as one list per layer. Once the program is read, each read of a
state (`state.h`, `state[0]`, `states[-1][1]`) is planned in Keras's structure; a state read
otherwise, and a cell or zero state read where the rewrite removes it, refuse the program."""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from tf_migrate.cst.targets import target_name_nodes
from tf_migrate.programs.analyze.recurrent_table import RecurrentState
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import GraphStatement, RecurrentRun, StateIndex


def without_state(state: ProgramState, op: GraphStatement) -> None:
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
    watched = gone | state.rnn.unread | {s.name for s in state.rnn.states}
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
        if node.value in state.rnn.unread and id(node) not in targets:
            state.block(node, f"`{node.value}`, a final state of a bidirectional RNN, is read: "
                              "not rewritten yet")
    for recurrent in state.rnn.states:
        found = [(node, around) for node, around in reads.found
                 if node.value == recurrent.name and id(node) not in targets
                 and state.ctx.start(node) > recurrent.op.position]
        if not found:
            without_state(state, recurrent.op)
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
