"""A session opened after the first one over the same graph. TF1 gives each new session its own
uninitialized variables: a script that runs the variables initializer there starts training
again from the initial values, with the optimizers' slots and step counts at zero. TF2 keeps its
variables in the program, so the rewrite assigns them their initial values where that
initializer ran (a `VariableReset`, written by emit/resets.py). A second session that uses the
graph before running the initializer fails in TF1 (FailedPreconditionError): refused."""

from __future__ import annotations

from itertools import takewhile

import libcst as cst

from tf_migrate.cst.arguments import bind_args
from tf_migrate.programs.analyze.metrics import is_local_initializer
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import GraphStatement, Kind, Position, RunSite, VariableReset

_END: Position = (10**9, 0)
_GLOBAL_INITIALIZERS = frozenset({"tf.global_variables_initializer",
                                  "tf.initialize_all_variables"})
# Keras optimizers whose variables (but the learning rate) all start at zero, as the TF1 slots
# they stand for do (Momentum's accumulators, Adam's moments; Adam's beta powers follow its
# step count). Adagrad's accumulators, for one, start at `initial_accumulator_value`.
_ZERO_STATE = ("SGD", "Adam")
_VARIABLE_PARAMS = ("initial_value", "trainable", "collections", "validate_shape",
                    "caching_device", "name", "variable_def", "dtype")


def plan(state: ProgramState, opened: list[cst.CSTNode]) -> None:
    """Reads every session after the first: the initializer it runs first becomes the reset,
    anything else that runs first is refused."""
    if len(opened) < 2 or not any(s.kind in (Kind.VARIABLE, Kind.LAYER)
                                  for s in state.statements):
        return
    earlier: RunSite | None = None  # the first initializer that resets
    for index, node in enumerate(opened[1:], start=1):
        start = state.ctx.start(node)
        end = state.ctx.start(opened[index + 1]) if index + 1 < len(opened) else _END
        if isinstance(node, cst.With):
            end = min(end, state.ctx.end(node))
        sites = sorted((s for s in state.sites if start <= s.position < end),
                       key=lambda s: s.position)
        leading = list(takewhile(lambda s: s.initializer, sites))
        first = next((s for s in leading if _global_initializer(state, s)), None)
        if first is None:
            if leading:
                state.block(leading[0].call, "a second session starts with an initializer other "
                                             "than `tf.global_variables_initializer()` run once, "
                                             "alone on its line (only that one is rewritten "
                                             "there)")
            elif sites:
                state.block(sites[0].call, "a second session uses the graph before running "
                                           "`tf.global_variables_initializer()` (TF1 raises "
                                           "FailedPreconditionError there)")
            continue
        if _reset_allowed(state, first, leading):
            first.reinitializes = True
            state.items[first.item].drop = False  # the line becomes the call of the reset
            if earlier is None:
                # The variables built before it (those after are created where they are).
                variables = [s for s in state.statements
                             if s.kind is Kind.VARIABLE and s.position < first.position]
                state.reset = _reset(state, variables, first)
                earlier = first
            elif any(s.kind is Kind.VARIABLE and earlier.position < s.position < first.position
                     for s in state.statements):
                # One function resets them all: it would read variables not made yet.
                state.block(first.call, "variables are built between two sessions after the "
                                        "first")


def _global_initializer(state: ProgramState, site: RunSite) -> bool:
    """`sess.run(tf.global_variables_initializer())` (or an init op bound to a name), alone on
    its line, once."""
    fetch = site.fetch
    if isinstance(fetch, cst.Name):
        known = state.graph_names.get(fetch.value)
        if known is None or known.kind is not Kind.INITIALIZER:
            return False
        fetch = known.node.value
    if not (isinstance(fetch, cst.Call) and not fetch.args
            and state.ctx.tf_name(fetch.func) in _GLOBAL_INITIALIZERS):
        return False
    line = state.items[site.item].node
    return site.discarded and not site.repeated and isinstance(line, cst.SimpleStatementLine) and (
        len(line.body) == 1 and isinstance(line.body[0], cst.Expr)
        and line.body[0].value is site.call)


def _reset_allowed(state: ProgramState, site: RunSite, leading: list[RunSite]) -> bool:
    """What a new TF1 session restarts besides the variables must be restarted too."""
    found = len(state.blockers)
    if any(s.kind is Kind.LAYER for s in state.statements):
        state.block(site.call, "a second session restarts the layers' variables, which a Keras "
                               "layer creates at its first call: their reset is not rewritten")
    if any(s.kind is Kind.ITERATOR for s in state.statements):
        state.block(site.call, "a second session restarts the program's tf.data iterators "
                               "(a TF2 iterator goes on where it was)")
    metrics = any(s.kind is Kind.METRIC for s in state.statements)
    if metrics and not any(is_local_initializer(state, s.fetch) for s in leading):
        state.block(site.call, "a second session starts the `tf.metrics` state uninitialized: "
                               "run `tf.local_variables_initializer()` there too")
    return len(state.blockers) == found


def _reset(state: ProgramState, variables: list[GraphStatement], site: RunSite
           ) -> VariableReset:
    line = site.position[0]
    assignments: list[tuple[str, cst.BaseExpression]] = []
    for statement in variables:
        name = statement.targets[0]
        if statement.step_counter:
            assignments.append((name, cst.Integer("0")))
            continue
        value = statement.node.value
        calls = _creations(state, statement, value)
        if calls is None:
            state.block(site.call, f"a second session would start `{name}` from its initial "
                                   "value, which is made by a function of the script (only "
                                   "`tf.Variable(...)` written where it is bound is repeated)")
            continue
        for access, call in calls:
            bound = bind_args(call, _VARIABLE_PARAMS)
            initial = bound.get("initial_value") if bound is not None else None
            if initial is None:
                state.block(site.call, f"the initial value of `{access}` cannot be read for a "
                                       "second session")
                continue
            assignments.append((access, initial))
        if any(dep.kind is not Kind.EAGER for dep in statement.deps):
            state.block(site.call, f"the initial value of `{name}` reads a value computed per "
                                   "run: a second session cannot give it again")
        if f"`{name}`" in state.random_draws:
            state.random_draws.append(f"`{name}` again at line {line}")
    # Optimizers built later are created where they are, with their state at zero.
    optimizers = [s for s in state.statements if s.position < site.position and (
        s.kind is Kind.OPTIMIZER or (s.train is not None and s.train.constructor is not None))]
    for optimizer in optimizers:
        path = optimizer.replacement.path if optimizer.replacement is not None else ""
        if path.rsplit(".", 1)[-1] not in _ZERO_STATE:
            state.block(site.call, f"a second session starts the optimizer at line "
                                   f"{optimizer.position[0]} anew, and only SGD's and Adam's "
                                   "Keras state is known to start at zero")
    return VariableReset(assignments, optimizers)


def _creations(state: ProgramState, statement: GraphStatement, value: cst.BaseExpression
               ) -> list[tuple[str, cst.Call]] | None:
    """`w = tf.Variable(...)` or a dict or list of them: how to reach each variable and the
    call creating it; None for a variable made by a function of the script."""
    if not statement.members:
        if isinstance(value, cst.Call) and state.ctx.tf_name(value.func) == "tf.Variable":
            return [(statement.targets[0], value)]
        return None
    if not isinstance(value, cst.Dict | cst.List | cst.Tuple):
        return None
    calls = [e.value for e in value.elements if isinstance(e, cst.DictElement | cst.Element)]
    if len(calls) != len(statement.members) or not all(isinstance(c, cst.Call) for c in calls):
        return None
    return [(access, call) for access, call in zip(statement.members, calls, strict=True)
            if isinstance(call, cst.Call)]
