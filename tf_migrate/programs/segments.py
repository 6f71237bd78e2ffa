"""Scripts that build and run one graph after another: each `tf.reset_default_graph()` at the top
level, after graph ops were built, starts a new graph, with new variables and a new session. Each
part of the module between two resets is a program of its own, analysed and rewritten alone;
the rewritten parts follow one another as the TF1 parts did."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.analysis.names import bindings
from tf_migrate.programs.analyze.program import analyze
from tf_migrate.programs.analyze.syntax import call_name
from tf_migrate.programs.emit.module import rewrite_body
from tf_migrate.programs.model import Context, GraphProgram, ImportedHelper
from tf_migrate.programs.reset_helpers import calls_reset_helper, reset_helpers

# The blocker a one-program analysis gives where the module holds several.
RESET_AFTER_OPS = "the default graph is reset after ops were built"


def _resets_graph(statement: cst.BaseStatement, ctx: Context) -> bool:
    """A top-level line that is only `tf.reset_default_graph()` (or `ops.reset_...`)."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return False
    small = statement.body[0]
    return isinstance(small, cst.Expr) and call_name(ctx, small.value) in sym.DROPPED_CALLS


def segments(module: cst.Module, ctx: Context) -> list[tuple[int, int]]:
    """The ranges of top-level statements between graph resets (a reset opens its range): a
    `tf.reset_default_graph()` line, or a call of a function that only resets and seeds
    (reset_helpers.py)."""
    helpers = reset_helpers(module, ctx)
    starts = [index for index, statement in enumerate(module.body)
              if index and (_resets_graph(statement, ctx)
                            or calls_reset_helper(statement, helpers))]
    bounds = [0, *starts, len(module.body)]
    return list(pairwise(bounds))


def analyze_segments(module: cst.Module, ctx: Context, keras: str,
                     imported: Mapping[str, ImportedHelper] | None = None) -> list[GraphProgram]:
    """The program of each part of the module; parts that build no graph are programs without
    statements or run sites."""
    programs = [analyze(module, ctx, tf1_evidence=True, keras=keras, segment=segment,
                        imported=imported)
                for segment in segments(module, ctx)]
    # A part's new functions must not take a name the other parts keep; the names of their
    # graph statements go with them (moved into functions or dropped).
    kept = [{name for name, _ in bindings(item.node for item in program.items if not item.drop)}
            for program in programs]
    for index, program in enumerate(programs):
        program.outer_names = set().union(*kept[:index], *kept[index + 1:])
    return programs


def rewrite_segments(module: cst.Module, programs: list[GraphProgram], ctx: Context
                     ) -> cst.Module:
    """The module with each part that runs a graph rewritten; the others as they were."""
    body: list[cst.BaseStatement] = []
    for program in programs:
        assert program.segment is not None
        start, end = program.segment
        if any(not site.initializer for site in program.sites):
            body.extend(rewrite_body(module, program, ctx))
        else:
            body.extend(module.body[start:end])
    return module.with_changes(body=body)
