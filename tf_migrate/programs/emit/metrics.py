"""Writes `tf.metrics.*` as Keras metrics (see analyze/metrics.py): the metric object where the
TF1 call was, `update_state` for a run of the update op, `result()` for its fetched value and
`reset_state()` for a run of the local-variables initializer."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from tf_migrate.cst.arguments import keyword_arg
from tf_migrate.cst.dotted import dotted
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.slicing import fetch_leaves, reaching
from tf_migrate.programs.emit.constructs import constructed
from tf_migrate.programs.model import GraphProgram, GraphStatement, Kind, MetricUpdate, Slice


def _call(receiver: str, method: str, args: list[cst.Arg] | None = None) -> cst.Call:
    return cst.Call(cst.Attribute(cst.Name(receiver), cst.Name(method)), args or [])


def _update_arguments(update: MetricUpdate) -> list[cst.Arg]:
    args = [cst.Arg(value) for value in update.values]
    if update.cast_module is not None:
        labels, predictions = update.values[0], update.values[1]
        args[1] = cst.Arg(cst.Call(dotted(f"{update.cast_module}.cast"), [
            cst.Arg(predictions), cst.Arg(cst.Attribute(labels, cst.Name("dtype")))]))
    if update.sample_weight is not None:
        args.append(keyword_arg("sample_weight", update.sample_weight))
    return args


def update_line(statement: GraphStatement) -> cst.SimpleStatementLine | None:
    """The update op's statement inside a run function: `metric.update_state(...)`."""
    metric = statement.metric
    if metric is None or statement.kind is not Kind.DEFERRED:
        return None
    update = _call(metric.name, "update_state", _update_arguments(metric.update))
    return cst.SimpleStatementLine([cst.Expr(update)])


def results(program: GraphProgram, slice_: Slice) -> dict[str, cst.BaseExpression]:
    """Fetched metric values and update ops -> `metric.result()` (after the update, as the
    update op's value in TF1)."""
    found: dict[str, cst.BaseExpression] = {}
    site = slice_.site
    names = [leaf.value for leaf in fetch_leaves(site.fetch) if isinstance(leaf, cst.Name)]
    for name in names:
        statement = reaching(program, name, site.position)
        if statement is not None and statement.metric is not None:
            found[name] = _call(statement.metric.name, "result")
    return found


class _ResetLines(cst.CSTVisitor):
    """The statement lines that are a reset site's call and nothing else."""

    def __init__(self, calls: set[int]) -> None:
        super().__init__()
        self.calls = calls
        self.found: dict[int, cst.SimpleStatementLine] = {}

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        if len(node.body) == 1 and isinstance(node.body[0], cst.Expr) and (
            id(node.body[0].value) in self.calls
        ):
            self.found[id(node.body[0].value)] = node


def in_place(module: cst.Module, program: GraphProgram, fresh: Callable[[str], str]
             ) -> dict[int, cst.CSTNode]:
    """The metric objects where the TF1 calls were; initializer runs that become resets."""
    found: dict[int, cst.CSTNode] = {}
    for statement in program.statements:
        metric = statement.metric
        if statement.kind is Kind.METRIC and metric is not None:
            found[id(statement.line)] = statement.line.with_changes(body=[cst.Assign(
                [cst.AssignTarget(cst.Name(metric.name))], constructed(metric.constructor))])
    resets = [s for s in program.sites if s.resets]
    if not resets:
        return found
    finder = _ResetLines({id(s.call) for s in resets})
    _walk_visit(module, finder)
    for site in resets:
        line = finder.found[id(site.call)]
        if len(site.resets) == 1:
            body: cst.BaseStatement = line.with_changes(body=[
                cst.Expr(_call(site.resets[0], "reset_state"))])
        else:
            variable = fresh("metric")
            body = cst.For(
                cst.Name(variable),
                cst.Tuple([cst.Element(cst.Name(n)) for n in site.resets]),
                cst.IndentedBlock([cst.SimpleStatementLine([
                    cst.Expr(_call(variable, "reset_state"))])]),
                leading_lines=line.leading_lines,
            )
        found[id(line)] = body
    return found
