"""Writes a second session's variables initializer (analyze/second_sessions.py): one function
that gives every variable its initial value again and sets the optimizers' state back to zero,
called in place of each such initializer run."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from tf_migrate.programs.model import GraphProgram, VariableReset


def _line(expression: cst.BaseExpression) -> cst.SimpleStatementLine:
    return cst.SimpleStatementLine([cst.Expr(expression)])


def _method(receiver: cst.BaseExpression, name: str, *args: cst.BaseExpression) -> cst.Call:
    return cst.Call(cst.Attribute(receiver, cst.Name(name)), [cst.Arg(a) for a in args])


def _optimizer_reset(optimizer: str, variable: str, tf: str) -> cst.For:
    """Every variable of the Keras optimizer but its learning rate (the step count, the slots)
    back to zero: a new TF1 session starts the optimizer's slots and counts anew, and the
    tf.functions keep the optimizer object they captured, so it cannot be replaced."""
    zeros = cst.parse_expression(f"{tf}.zeros({variable}.shape, {variable}.dtype)")
    assign = _line(_method(cst.Name(variable), "assign", zeros))
    condition = cst.parse_expression(f"{variable} is not {optimizer}.learning_rate")
    return cst.For(
        cst.Name(variable),
        cst.Attribute(cst.Name(optimizer), cst.Name("variables")),
        cst.IndentedBlock([cst.If(condition, cst.IndentedBlock([assign]))]),
    )


def definition(reset: VariableReset, name: str, optimizers: list[str], tf: str,
               fresh: Callable[[str], str], blank_lines: int) -> cst.FunctionDef:
    """`def reset_variables():` assigning each variable its initial value, in creation order."""
    body: list[cst.BaseStatement] = [
        _line(_method(cst.parse_expression(access), "assign", value))
        for access, value in reset.assignments
    ]
    if optimizers:
        variable = fresh("variable")
        body.extend(_optimizer_reset(optimizer, variable, tf) for optimizer in optimizers)
    return cst.FunctionDef(
        name=cst.Name(name),
        params=cst.Parameters(),
        body=cst.IndentedBlock(body or [cst.SimpleStatementLine([cst.Pass()])]),
        leading_lines=[cst.EmptyLine(indent=False)] * blank_lines,
    )


def calls(program: GraphProgram, name: str) -> dict[int, cst.CSTNode]:
    """The lines that ran the initializer in a second session -> `reset_variables()`."""
    found: dict[int, cst.CSTNode] = {}
    for site in program.sites:
        if not site.reinitializes:
            continue
        line = program.items[site.item].node
        assert isinstance(line, cst.SimpleStatementLine)
        found[id(line)] = line.with_changes(body=[cst.Expr(cst.Call(cst.Name(name)))])
    return found
