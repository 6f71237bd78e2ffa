"""Writes a TF1 training step as TF2: the statements the loss needs under a `tf.GradientTape`,
then the gradients and the Keras optimizer's `apply_gradients` (see analyze/training.py)."""

from __future__ import annotations

from collections.abc import Callable, Collection

import libcst as cst

from tf_migrate.analysis.names import fresh_name
from tf_migrate.cst.arguments import keyword_arg
from tf_migrate.cst.dotted import dotted
from tf_migrate.cst.wrapping import LINE_LIMIT, one_per_line
from tf_migrate.programs.model import GraphStatement, TrainStep

LineWriter = Callable[[GraphStatement], list[cst.SimpleStatementLine]]


def _line(expression: cst.BaseExpression, target: str | None = None) -> cst.SimpleStatementLine:
    if target is None:
        return cst.SimpleStatementLine([cst.Expr(expression)])
    return cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(cst.Name(target))],
                                               expression)])


def _names(accesses: list[str]) -> cst.List:
    """`[w, b]`, or `[weights["h1"], ...]` for variables kept in a dict, or
    `[*fc1_layer.trainable_variables, ...]` for a module's."""
    return cst.List([cst.StarredElement(cst.parse_expression(a[1:])) if a.startswith("*")
                     else cst.Element(cst.parse_expression(a)) for a in accesses])


def _method(receiver: str, method: str, *args: cst.BaseExpression) -> cst.Call:
    return cst.Call(cst.Attribute(cst.Name(receiver), cst.Name(method)),
                    [cst.Arg(a) for a in args])


class TrainWriter:
    """One function's body. `taken`: names the body must not shadow (the module's, the
    function's own)."""

    def __init__(self, tf: str, taken: Collection[str], optimizers: dict[int, str]) -> None:
        self.tf = tf
        self.taken = set(taken)
        self.optimizers = optimizers  # id of a statement with an inline optimizer -> its name

    def fresh(self, stem: str) -> str:
        return fresh_name(stem, self.taken)

    def body(self, statements: list[GraphStatement], write: LineWriter,
             prelude: list[cst.BaseStatement]) -> list[cst.BaseStatement]:
        """`prelude`: statements that read the state before the step."""
        trains = [s for s in statements if s.train is not None]
        if not trains:
            return [*prelude, *(line for s in statements for line in write(s))]
        dependent = _dependents(statements, trains)
        # Values that do not need the step are computed first, under the tape: the loss
        # fetched with a train op is the loss before the update, as in TF1.
        recorded = [s for s in statements if s.train is None and id(s) not in dependent]
        later = [s for s in statements if s.train is not None or id(s) in dependent]
        self.tape = self.fresh("tape")
        tape_body: list[cst.BaseStatement] = [
            *prelude, *(line for s in recorded for line in write(s))] or [
            cst.SimpleStatementLine([cst.Pass()])]
        tape = cst.With(
            [cst.WithItem(cst.Call(dotted(f"{self.tf}.GradientTape")),
                          asname=cst.AsName(cst.Name(self.tape)))],
            cst.IndentedBlock(tape_body),
        )
        body: list[cst.BaseStatement] = [tape]
        for statement in later:
            if statement.train is None:
                body.extend(write(statement))
            else:
                body.extend(self._step(statement, statement.train))
        return body

    def _optimizer(self, statement: GraphStatement, step: TrainStep) -> str:
        if step.optimizer is not None:
            return step.optimizer
        return self.optimizers[id(statement)]

    def _variables(self, step: TrainStep, lines: list[cst.BaseStatement]
                   ) -> cst.BaseExpression:
        if step.var_list is not None:
            return step.var_list
        if len(step.variables) <= 2 and not any(a.startswith("*") for a in step.variables):
            return _names(step.variables)
        name = self.fresh("variables")
        listed = _names(step.variables)
        # Written in a function, perhaps a method's: wrapped before it could pass the limit.
        if len(name) + len(cst.Module([]).code_for_node(listed)) + 3 + 8 > LINE_LIMIT:
            listed = one_per_line(list(listed.elements), "    ")
        lines.append(_line(listed, name))
        return cst.Name(name)

    def _step(self, statement: GraphStatement, step: TrainStep) -> list[cst.BaseStatement]:
        lines: list[cst.BaseStatement] = []
        optimizer = self._optimizer(statement, step)
        if step.method == "apply_gradients":
            assert step.pairs is not None
            lines.append(_line(_method(optimizer, "apply_gradients", step.pairs)))
        else:
            assert step.loss is not None
            variables = self._variables(step, lines)
            gradient = _method(self.tape, "gradient", cst.Name(step.loss), variables)
            if step.method == "compute_gradients":
                pairs = cst.Call(cst.Name("list"), [cst.Arg(cst.Call(cst.Name("zip"), [
                    cst.Arg(gradient), cst.Arg(variables)]))])
                line = statement.line.deep_replace(step.call, pairs)
                assert isinstance(line, cst.SimpleStatementLine)
                comments = [e for e in line.leading_lines if e.comment is not None]
                return [*lines, line.with_changes(leading_lines=comments)]
            gradients = self.fresh("gradients")
            lines.append(_line(gradient, gradients))
            pairs = cst.Call(cst.Name("zip"), [cst.Arg(cst.Name(gradients)),
                                               cst.Arg(variables)])
            lines.append(_line(_method(optimizer, "apply_gradients", pairs)))
        if step.global_step is not None:
            lines.append(_line(_method(step.global_step, "assign_add", cst.Integer("1"))))
        return _with_comments(lines, statement)


def _with_comments(lines: list[cst.BaseStatement], statement: GraphStatement
                   ) -> list[cst.BaseStatement]:
    comments = [e for e in statement.line.leading_lines if e.comment is not None]
    if comments and lines:
        first = lines[0]
        assert isinstance(first, cst.SimpleStatementLine)
        lines[0] = first.with_changes(leading_lines=comments)
    return lines


def _dependents(statements: list[GraphStatement], trains: list[GraphStatement]) -> set[int]:
    """Statements of the function that depend, directly or not, on a training statement."""
    inside = {id(s) for s in statements}
    found: set[int] = set()
    changed = True
    train_ids = {id(t) for t in trains}
    while changed:
        changed = False
        for statement in statements:
            if id(statement) in found:
                continue
            if any(id(d) in inside and (id(d) in train_ids or id(d) in found)
                   for d in statement.deps):
                found.add(id(statement))
                changed = True
    return found - train_ids


def step_counter(tf: str) -> cst.Call:
    """TF1's global step: an int64 variable starting at 0, not trained."""
    return cst.Call(dotted(f"{tf}.Variable"), [
        cst.Arg(cst.Integer("0")),
        keyword_arg("dtype", dotted(f"{tf}.int64")),
        keyword_arg("trainable", cst.Name("False")),
        keyword_arg("name", cst.SimpleString('"global_step"')),
    ])
