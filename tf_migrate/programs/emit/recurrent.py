"""An RNN's call in a run function (model.RecurrentRun), and reads of its final state in
Keras's structure (model.StateIndex)."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.arguments import bind_args, keyword_arg
from tf_migrate.cst.dotted import dotted
from tf_migrate.programs.model import RecurrentRun, StateIndex


def recurrent_run(line: cst.SimpleStatementLine, plan: RecurrentRun) -> cst.SimpleStatementLine:
    """`outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=n)` as `outputs, *state =
    lstm(x, mask=tf.sequence_mask(n, maxlen=tf.shape(x)[1]))`, and the statements that give the
    outputs TF1's form after it (one line holding them all: the writer splits it)."""
    assign = line.body[0]
    assert isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call)
    bound = bind_args(assign.value, plan.params)
    assert bound is not None
    tf = plan.tf
    inputs = bound["inputs"]
    sequence: cst.BaseExpression = inputs
    if plan.static:
        sequence = _call(f"{tf}.stack", inputs, keyword_arg("axis", cst.Integer("1")))
    if plan.time_major:
        sequence = _call(f"{tf}.transpose", sequence, cst.Arg(_perm()))
    args = [cst.Arg(sequence)]
    if plan.masked:
        length: cst.BaseExpression = cst.Call(cst.Name("len"), [cst.Arg(inputs)]) if (
            plan.static) else cst.Subscript(_call(f"{tf}.shape", inputs), [cst.SubscriptElement(
                cst.Index(cst.Integer("0" if plan.time_major else "1")))])
        mask = _call(f"{tf}.sequence_mask", bound["sequence_length"],
                     keyword_arg("maxlen", length))
        args.append(keyword_arg("mask", mask))
    if plan.bidirectional:
        return _bidirectional(line, assign, cst.Call(cst.Name(plan.name), args), plan)
    outputs = cst.Name(plan.outputs or "_")
    targets: list[cst.BaseElement] = [cst.Element(outputs)]
    if plan.state_pair is not None:
        c, h = plan.state_pair
        targets += [cst.Element(cst.Name(h)), cst.Element(cst.Name(c))]  # Keras: h, then c
    elif plan.state is not None:
        state = cst.Name(plan.state)
        targets.append(cst.StarredElement(state) if plan.unpacked else cst.Element(state))
    target: cst.BaseAssignTargetExpression = outputs if len(targets) == 1 else cst.Tuple(
        targets, lpar=[], rpar=[])
    body: list[cst.BaseSmallStatement] = [
        assign.with_changes(targets=[cst.AssignTarget(target)],
                            value=cst.Call(cst.Name(plan.name), args))]
    if plan.outputs is not None and plan.time_major:
        body.append(_assign(outputs, _call(f"{tf}.transpose", outputs, cst.Arg(_perm()))))
    if plan.outputs is not None and plan.static:
        body.append(_assign(outputs, _call(f"{tf}.unstack", outputs,
                                           keyword_arg("axis", cst.Integer("1")))))
    return line.with_changes(body=body)


def _bidirectional(line: cst.SimpleStatementLine, assign: cst.Assign, call: cst.Call,
                   plan: RecurrentRun) -> cst.SimpleStatementLine:
    """The outputs as the program named them (`outputs`, or `(output_fw, output_bw)`); the
    states, never read, go."""
    target = assign.targets[0].target
    assert isinstance(target, cst.Tuple)
    first = target.elements[0].value
    assert isinstance(first, cst.BaseAssignTargetExpression)
    body: list[cst.BaseSmallStatement] = [
        assign.with_changes(targets=[cst.AssignTarget(first)], value=call)]
    if plan.static:
        body.append(_assign(first, _call(f"{plan.tf}.unstack", first,
                                         keyword_arg("axis", cst.Integer("1")))))
    return line.with_changes(body=body)


def state_index(node: cst.CSTNode, plan: StateIndex) -> cst.Subscript:
    """`state.h` as `state[0]`, `states[1]` as `states[1][0]` (model.StateIndex)."""
    assert isinstance(node, cst.BaseExpression)
    value = node
    if plan.replace:
        assert isinstance(node, cst.Attribute | cst.Subscript)
        value = node.value
    return cst.Subscript(value, [cst.SubscriptElement(cst.Index(cst.Integer(str(plan.index))))])


def _call(path: str, first: cst.BaseExpression, *rest: cst.Arg) -> cst.Call:
    return cst.Call(dotted(path), [cst.Arg(first), *rest])


def _perm() -> cst.List:
    return cst.List([cst.Element(cst.Integer(i)) for i in ("1", "0", "2")])


def _assign(target: cst.BaseAssignTargetExpression, value: cst.BaseExpression) -> cst.Assign:
    return cst.Assign([cst.AssignTarget(target)], value)
