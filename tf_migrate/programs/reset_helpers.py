"""`def reset_graph(seed=42): tf.reset_default_graph(); tf.set_random_seed(seed);
np.random.seed(seed)`, which notebooks call before each model they build: a call of it at the top
level starts a new graph as `tf.reset_default_graph()` does (segments.py), and it seeds the next
program's random numbers, so it stays. TF2 has no default graph to reset: the rewritten script's
helper keeps its seeding and loses its reset."""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis import tf_symbols as sym
from tf_migrate.cst.code import code
from tf_migrate.programs.analyze.syntax import call_name, is_docstring
from tf_migrate.programs.model import Context

# Calls a reset helper may make besides the reset itself: seeding, TF1's and Python's.
_SEEDING = frozenset({"tf.set_random_seed", "tf.random.set_seed"})
_PYTHON_SEEDS = frozenset({"np.random.seed", "numpy.random.seed", "random.seed"})


def _call_line(statement: cst.BaseStatement) -> cst.Call | None:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
            return small.value
    return None


def _is_reset_helper(function: cst.FunctionDef, ctx: Context) -> bool:
    if function.decorators or not isinstance(function.body, cst.IndentedBlock):
        return False
    resets = 0
    for statement in function.body.body:
        if is_docstring(statement):
            continue
        call = _call_line(statement)
        if call is None:
            return False
        name = call_name(ctx, call)
        if name in sym.DROPPED_CALLS:
            resets += 1
        elif name not in _SEEDING and code(call.func) not in _PYTHON_SEEDS:
            return False
    return resets > 0


def reset_helpers(module: cst.Module, ctx: Context) -> set[str]:
    """The module's functions that reset the default graph and at most seed."""
    return {statement.name.value for statement in module.body
            if isinstance(statement, cst.FunctionDef) and _is_reset_helper(statement, ctx)}


def calls_reset_helper(statement: cst.BaseStatement, helpers: set[str]) -> bool:
    """A top-level line that is only a call of a reset helper (`reset_graph()`)."""
    call = _call_line(statement)
    return call is not None and isinstance(call.func, cst.Name) and call.func.value in helpers


def without_resets(module: cst.Module, ctx: Context, rewritten: cst.Module) -> cst.Module:
    """`rewritten` with the reset calls gone from the reset helpers of `module`, its source
    (matched by name and the reset line's code: the rewritten module has new nodes)."""
    helpers = reset_helpers(module, ctx)
    if not helpers:
        return rewritten
    resets = {code(call) for statement in module.body
              if isinstance(statement, cst.FunctionDef) and statement.name.value in helpers
              and isinstance(statement.body, cst.IndentedBlock)
              for line in statement.body.body if (call := _call_line(line)) is not None
              and call_name(ctx, call) in sym.DROPPED_CALLS}
    body: list[cst.BaseStatement] = []
    for statement in rewritten.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value in helpers and (
                isinstance(statement.body, cst.IndentedBlock)):
            lines = [line for line in statement.body.body
                     if (call := _call_line(line)) is None or code(call) not in resets]
            if not any(not is_docstring(line) for line in lines):
                lines.append(cst.SimpleStatementLine([cst.Pass()]))
            statement = statement.with_changes(body=statement.body.with_changes(body=lines))
        body.append(statement)
    return rewritten.with_changes(body=body)
