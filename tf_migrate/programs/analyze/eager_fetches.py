"""Fetches that build new ops in the run call itself (`sess.run(tf.div(3, 4))`,
`sess.run(polynomial(num))`): TF1 builds them at each such run and runs them once. When the run
needs no per-run statement and no placeholder, TF2 evaluates the same expression eagerly where
it is, once, which is the same computation; the script's helpers it calls must build ops only
from what TF2 keeps at module level (constants, variables) and create no variables."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import libcst as cst

from tf_migrate.analysis.names import function_globals
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.callables import imported_calls
from tf_migrate.programs.analyze.control_flow_results import returns_one_tensor
from tf_migrate.programs.analyze.expressions import (
    ExpressionFacts,
    assign_call,
    block_on,
    examine,
)
from tf_migrate.programs.model import Context, GraphProgram, GraphStatement, Kind, RunSite

__all__ = [
    "HelperFacts", "check_helpers", "check_in_place", "read_beside_updates", "returns_one_tensor",
]

Block = Callable[[cst.CSTNode, str], None]


@dataclass(frozen=True)
class HelperFacts:
    """What the functions a fetch calls do: build ops (the fetch is a graph value), draw."""

    builds_ops: bool = False
    random: bool = False


def check_helpers(ctx: Context, program: GraphProgram, site: RunSite, facts: ExpressionFacts,
                  graph_names: set[str], block: Block) -> HelperFacts:
    """Checks the script's helpers and the project's imported helpers called in `site`'s fetch:
    they must create and update no variables (TF1 made new ones at each run, TF2 would make
    them once) and read only graph values TF2 keeps at module level (constants, variables)."""
    builds = bool(facts.graph_helpers)
    random = False
    for name, inner in _called(ctx, program, facts):
        helper = program.helpers[name]
        block_on(block, inner, f" in `{name}`")
        builds = builds or bool(inner.tf_calls)
        random = random or inner.random
        if inner.creates or inner.updates:
            block(site.call, f"the fetch calls `{name}`, which creates or updates variables")
        for dep in sorted(function_globals(helper) & graph_names):
            statement = _reaching(program, dep, site)
            if statement is None or statement.kind not in (Kind.EAGER, Kind.VARIABLE):
                block(site.call, f"the fetch calls `{name}`, which reads `{dep}`, a value "
                                 "computed per run")
    for _node, imported in imported_calls(site.fetch, program.imported):
        builds = builds or imported.builds_ops
        random = random or imported.random
    return HelperFacts(builds, random)


def _called(ctx: Context, program: GraphProgram, facts: ExpressionFacts
            ) -> list[tuple[str, ExpressionFacts]]:
    """The script's functions the fetch calls, and those they call in turn, with what each
    does, by name."""
    found: dict[str, ExpressionFacts] = {}
    waiting = sorted(facts.called_helpers)
    while waiting:
        name = waiting.pop(0)
        if name in found:
            continue
        found[name] = examine(ctx, program.helpers[name], set(), program.helpers)
        waiting.extend(sorted(found[name].called_helpers))
    return sorted(found.items())


def check_in_place(program: GraphProgram, site: RunSite, block: Block) -> None:
    """A fetch evaluated where it is: a project helper it calls must not make state (a run
    function's calls are checked as per-run calls instead)."""
    for node, imported in imported_calls(site.fetch, program.imported):
        if imported.problem is not None:
            block(node, imported.refusal())


def _reaching(program: GraphProgram, name: str, site: RunSite) -> GraphStatement | None:
    found = None
    for statement in program.statements:
        if statement.position < site.position and name in statement.targets:
            found = statement
    return found


def read_beside_updates(ctx: Context, fetch: cst.BaseExpression) -> set[str]:
    """The variables a fetch updates (`tf.assign_add(w, 1.0)`) and also reads outside those
    updates (`[w, tf.assign_add(w, 1.0)]`): TF1 leaves the order of the two open."""
    finder = _Updates(ctx)
    _walk_visit(fetch, finder)
    return finder.updated & finder.outside


class _Updates(cst.CSTVisitor):
    def __init__(self, ctx: Context) -> None:
        super().__init__()
        self.ctx = ctx
        self.depth = 0  # inside an update call
        self.updated: set[str] = set()
        self.outside: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        update = assign_call(self.ctx, node)
        if update is not None and isinstance(update[1], cst.Name):
            self.updated.add(update[1].value)
            self.depth += 1

    def leave_Call(self, original_node: cst.Call) -> None:
        update = assign_call(self.ctx, original_node)
        if update is not None and isinstance(update[1], cst.Name):
            self.depth -= 1

    def visit_Name(self, node: cst.Name) -> None:
        if self.depth == 0:
            self.outside.add(node.value)
