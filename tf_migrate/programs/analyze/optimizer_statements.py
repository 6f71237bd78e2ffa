"""Optimizers, learning-rate schedules and global steps of a graph program: statements that stay
where they are, as the Keras optimizer or schedule analyze/optimizers.py's table maps them to and
as an int64 variable, and the checks that a Keras schedule counts what the TF1 decay counted."""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from tf_migrate.analysis.names import read_names
from tf_migrate.programs.analyze.expressions import examine, not_handled
from tf_migrate.programs.analyze.optimizers import (
    SCHEDULES,
    keras_optimizer,
    learning_rate_schedule,
)
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import Constructor, GraphStatement, Kind

STEP_COUNTERS = frozenset({"tf.train.get_or_create_global_step", "tf.train.create_global_step"})


def _single_target(state: ProgramState, statement: GraphStatement, what: str) -> bool:
    if len(statement.targets) != 1:
        state.block(statement.line, f"{what} is unpacked")
        return False
    return True


def _argument_reads(state: ProgramState, arguments: Iterable[cst.BaseExpression]
                    ) -> list[GraphStatement]:
    """Graph statements the arguments of a call read; the arguments may read only values that
    exist once (constants, schedules), not values computed per run."""
    graph = set(state.graph_names)
    found: list[GraphStatement] = []
    for argument in arguments:
        facts = examine(state.ctx, argument, graph, state.helpers)
        for node, name in facts.unsupported:
            state.block(node, not_handled(name))
        for read in sorted(facts.graph_reads):
            found.append(state.graph_names[read])
    return found


def classify_optimizer(state: ProgramState, statement: GraphStatement, call: cst.Call,
                       name: str) -> None:
    statement.kind = Kind.OPTIMIZER
    if not _single_target(state, statement, "an optimizer"):
        return
    statement.replacement = keras_optimizer_of(state, statement, call, name)
    statement.reads = read_names(call)


def keras_optimizer_of(state: ProgramState, owner: GraphStatement, call: cst.Call,
                       name: str) -> Constructor | None:
    """The Keras optimizer for a TF1 constructor; a decayed rate (a schedule statement or an
    inline `tf.train.*_decay(...)`) becomes its Keras schedule, and `owner.counter` the step
    variable the decay counts."""
    where = owner.line
    schedules: dict[int, Constructor] = {}
    for arg in call.args:
        inline = state.ctx.tf_name(arg.value.func) if isinstance(arg.value, cst.Call) else None
        if inline in SCHEDULES:
            assert isinstance(arg.value, cst.Call) and inline is not None
            schedule = _schedule_call(state, where, arg.value, inline)
            if schedule is None:
                return None
            owner.counter = schedule[1]
            schedules[id(arg.value)] = schedule[0]
        else:
            for read in _argument_reads(state, [arg.value]):
                direct = isinstance(arg.value, cst.Name)
                if read.kind is Kind.SCHEDULE and direct:
                    owner.counter = read.counter
                    owner.deps.append(read)
                elif read.kind is Kind.SCHEDULE:
                    state.block(where, f"the learning rate is computed from the decayed rate "
                                       f"`{read.targets[0]}` (only the decayed rate itself maps "
                                       "to a Keras schedule)")
                elif read.kind is not Kind.EAGER:
                    state.block(where, f"the optimizer's arguments read `{read.targets[0]}`, "
                                       "which is computed per run")
    mapped = keras_optimizer(name, call, state.keras, scheduled=owner.counter is not None,
                             schedules=schedules)
    if isinstance(mapped, str):
        state.block(where, mapped)
        return None
    if not mapped.safe and mapped.reason:
        state.unsafe.append(mapped.reason)
    return mapped.constructor


def _schedule_call(state: ProgramState, where: cst.CSTNode, call: cst.Call, name: str
                   ) -> tuple[Constructor, str] | None:
    """The Keras schedule of a TF1 decay and the name of the step variable it counts."""
    schedule = learning_rate_schedule(name, call, state.keras)
    if isinstance(schedule, str):
        state.block(where, schedule)
        return None
    counter = schedule.global_step
    known = state.graph_names.get(counter.value) if isinstance(counter, cst.Name) else None
    if known is None or known.kind is not Kind.VARIABLE:
        state.block(where, "the decayed learning rate counts steps with something other than a "
                           "variable of the script")
        return None
    for read in _argument_reads(state, (arg.value for arg in call.args)):
        if read is not known and read.kind is not Kind.EAGER:
            state.block(where, f"the decay reads `{read.targets[0]}`, which is computed per run")
    return schedule.constructor, known.targets[0]


def classify_schedule(state: ProgramState, statement: GraphStatement, call: cst.Call,
                      name: str) -> None:
    statement.kind = Kind.SCHEDULE
    if not _single_target(state, statement, "a decayed learning rate"):
        return
    schedule = _schedule_call(state, statement.line, call, name)
    if schedule is None:
        return
    statement.replacement, statement.counter = schedule
    statement.deps = [state.graph_names[statement.counter]]
    statement.reads = read_names(call)


def classify_step_counter(state: ProgramState, statement: GraphStatement, call: cst.Call,
                          name: str) -> None:
    statement.kind = Kind.VARIABLE
    statement.trainable = False
    statement.step_counter = True
    if call.args:
        state.block(statement.line, f"`{name}` with arguments")
    _single_target(state, statement, "the global step")


def check_schedules(state: ProgramState) -> None:
    """Checks that need the whole program: a Keras schedule counts the optimizer's own steps,
    so the TF1 global step must start at 0 and advance once per step of that optimizer only."""
    statements = state.statements
    steps = [s for s in statements if s.train is not None
             and s.train.method != "compute_gradients"]
    owners = [s for s in statements if s.counter is not None and (
        s.kind is Kind.OPTIMIZER or (s.train is not None and s.train.constructor is not None))]
    for owner in owners:
        counter = owner.counter
        assert counter is not None
        if owner.kind is Kind.OPTIMIZER:
            uses = [s for s in steps if s.train is not None
                    and s.train.optimizer in owner.targets]
        else:
            uses = [owner]
        if len(uses) != 1:
            state.block(owner.line, f"an optimizer with a decayed learning rate has "
                                    f"{len(uses) or 'no'} training steps (one is rewritten)")
            continue
        step = uses[0].train
        assert step is not None
        if step.global_step != counter:
            state.block(owner.line, f"the decayed learning rate counts `{counter}`, which the "
                                    "training step does not advance")
            continue
        variable = state.graph_names.get(counter)
        if variable is not None and not _starts_at_zero(variable):
            state.block(variable.line, f"`{counter}` does not start at 0, as the optimizer's own "
                                       "step count does")
        writers = [s for s in statements if counter in s.updates and s is not uses[0]]
        if writers:
            state.block(writers[0].line, f"`{counter}` is also changed here, but the Keras "
                                         "schedule counts only optimizer steps")


def _starts_at_zero(counter: GraphStatement) -> bool:
    if counter.step_counter:
        return True
    value = counter.node.value
    if not isinstance(value, cst.Call) or not value.args:
        return False
    first = value.args[0]
    if first.keyword is not None and first.keyword.value != "initial_value":
        first = next((a for a in value.args if a.keyword and a.keyword.value == "initial_value"),
                     first)
    initial = first.value
    return isinstance(initial, cst.Integer | cst.Float) and float(initial.value) == 0.0
