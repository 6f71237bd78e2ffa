"""Training statements of a graph program: optimizers, learning-rate decay, the global step, and
`minimize` / `compute_gradients` / `apply_gradients`.

TF1 builds a train op that, on every `sess.run`, computes the loss, its gradients with respect
to the trainable variables and applies them. TF2 spells the same step as a `tf.GradientTape`
over the loss and the Keras optimizer's `apply_gradients`. This module classifies the TF1
statements (kinds and facts on GraphStatement); emit/train.py writes the TF2 step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst

from tf_migrate.analysis.names import function_globals, read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.code import code
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.expressions import block_on, examine
from tf_migrate.programs.analyze.optimizers import (
    OPTIMIZERS,
    SCHEDULES,
    keras_optimizer,
    learning_rate_schedule,
)
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import (
    Constructor,
    Context,
    GraphStatement,
    Kind,
    TrainStep,
    dependencies,
)

# The TF 1.15 signatures of the optimizer methods.
_METHODS: dict[str, tuple[str, ...]] = {
    "minimize": ("loss", "global_step", "var_list", "gate_gradients", "aggregation_method",
                 "colocate_gradients_with_ops", "name", "grad_loss"),
    "compute_gradients": ("loss", "var_list", "gate_gradients", "aggregation_method",
                          "colocate_gradients_with_ops", "grad_loss"),
    "apply_gradients": ("grads_and_vars", "global_step", "name"),
}
# Arguments about graph scheduling and op names: they change nothing computed.
_IGNORED = frozenset({"gate_gradients", "aggregation_method", "colocate_gradients_with_ops",
                      "name"})
STEP_COUNTERS = frozenset({"tf.train.get_or_create_global_step", "tf.train.create_global_step"})


def optimizer_method(ctx: Context, graph_names: dict[str, GraphStatement],
                     call: cst.BaseExpression) -> str | None:
    """The method name when `call` is `opt.minimize(...)`-like on an optimizer of the program
    or on an inline `tf.train.*Optimizer(...)`."""
    if not isinstance(call, cst.Call) or not isinstance(call.func, cst.Attribute):
        return None
    method = call.func.attr.value
    if method not in _METHODS:
        return None
    receiver = call.func.value
    if isinstance(receiver, cst.Name):
        known = graph_names.get(receiver.value)
        return method if known is not None and known.kind is Kind.OPTIMIZER else None
    if isinstance(receiver, cst.Call) and ctx.tf_name(receiver.func) in OPTIMIZERS:
        return method
    return None


def classify(state: ProgramState, statement: GraphStatement, value: cst.BaseExpression) -> bool:
    """Sets the statement's kind and facts when it is a training statement; False otherwise."""
    if isinstance(value, cst.Call):
        name = state.ctx.tf_name(value.func)
        if name in OPTIMIZERS:
            _optimizer(state, statement, value, name)
            return True
        if name in SCHEDULES:
            _schedule(state, statement, value, name)
            return True
        if name in STEP_COUNTERS:
            _step_counter(state, statement, value, name)
            return True
    method = optimizer_method(state.ctx, state.graph_names, value)
    if method is not None:
        assert isinstance(value, cst.Call)
        _train(state, statement, value, method)
        return True
    # `grads, variables = zip(*opt.compute_gradients(loss))`
    finder = _MethodCalls(state)
    _walk_visit(value, finder)
    if [m for _, m in finder.found] == ["compute_gradients"]:
        _train(state, statement, finder.found[0][0], "compute_gradients")
        return True
    if finder.found:
        state.block(statement.line, f"`{finder.found[0][1]}` inside an expression")
        return True
    return False


class _MethodCalls(cst.CSTVisitor):
    def __init__(self, state: ProgramState) -> None:
        super().__init__()
        self.state = state
        self.found: list[tuple[cst.Call, str]] = []

    def visit_Call(self, node: cst.Call) -> None:
        method = optimizer_method(self.state.ctx, self.state.graph_names, node)
        if method is not None:
            self.found.append((node, method))


def trainable_variables(state: ProgramState, before: GraphStatement | None = None) -> list[str]:
    """TF1's `tf.trainable_variables()` at this point: every trainable variable so far."""
    return [member for s in state.statements
            if s.kind is Kind.VARIABLE and s.trainable and s is not before
            for member in _members(s)]


def _members(statement: GraphStatement) -> list[str]:
    """How to reach each variable a statement creates: `w`, or `weights["h1"]`, ...."""
    return statement.members or [statement.targets[0]]


def _root(access: str) -> str:
    return access.split("[", 1)[0]


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
            state.block(node, f"`{name}` is not handled by the session rewrite")
        for read in sorted(facts.graph_reads):
            found.append(state.graph_names[read])
    return found


def _optimizer(state: ProgramState, statement: GraphStatement, call: cst.Call, name: str) -> None:
    statement.kind = Kind.OPTIMIZER
    if not _single_target(state, statement, "an optimizer"):
        return
    statement.replacement = _keras_optimizer(state, statement, call, name)
    statement.reads = read_names(call)


def _keras_optimizer(state: ProgramState, owner: GraphStatement, call: cst.Call,
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


def _schedule(state: ProgramState, statement: GraphStatement, call: cst.Call, name: str) -> None:
    statement.kind = Kind.SCHEDULE
    if not _single_target(state, statement, "a decayed learning rate"):
        return
    schedule = _schedule_call(state, statement.line, call, name)
    if schedule is None:
        return
    statement.replacement, statement.counter = schedule
    statement.deps = [state.graph_names[statement.counter]]
    statement.reads = read_names(call)


def _step_counter(state: ProgramState, statement: GraphStatement, call: cst.Call, name: str
                  ) -> None:
    statement.kind = Kind.VARIABLE
    statement.trainable = False
    statement.step_counter = True
    if call.args:
        state.block(statement.line, f"`{name}` with arguments")
    _single_target(state, statement, "the global step")


def _train(state: ProgramState, statement: GraphStatement, call: cst.Call, method: str) -> None:
    statement.kind = Kind.DEFERRED
    func = call.func
    assert isinstance(func, cst.Attribute)
    receiver = func.value
    optimizer: str | None = None
    constructor: cst.Call | None = None
    deps: list[GraphStatement] = []
    if isinstance(receiver, cst.Name):
        optimizer = receiver.value
        deps.append(state.graph_names[optimizer])
    else:
        assert isinstance(receiver, cst.Call)
        name = state.ctx.tf_name(receiver.func)
        assert name is not None
        constructor = receiver
        statement.replacement = _keras_optimizer(state, statement, receiver, name)
        deps.extend(statement.deps)
    if call is not statement.node.value:
        _outer_expression(state, statement, call, deps)
    bound = bind_args(call, _METHODS[method])
    if bound is None:
        state.block(call, f"cannot read the arguments of `{method}`")
        return
    for key in sorted(set(bound) - _IGNORED - {"loss", "global_step", "var_list",
                                                 "grads_and_vars"}):
        state.block(call, f"`{method}` with `{key}=`, which the rewrite does not carry over")
    step = TrainStep(method, call, optimizer, constructor, None, bound.get("var_list"),
                     bound.get("grads_and_vars"), None)
    counter = bound.get("global_step")
    if counter is not None:
        known = state.graph_names.get(counter.value) if isinstance(counter, cst.Name) else None
        if known is None or known.kind is not Kind.VARIABLE:
            state.block(call, "`global_step=` is not a variable of the script")
            return
        step.global_step = counter.value if isinstance(counter, cst.Name) else None
        deps.append(known)
    if method == "apply_gradients":
        _apply(state, statement, step, deps)
    else:
        _gradients(state, statement, step, deps, bound.get("loss"))
    statement.train = step
    statement.returns_none = method != "compute_gradients"
    statement.deps = deps
    statement.reads = read_names(call)
    if method != "compute_gradients":
        statement.updates = set(map(_root, step.variables)) | (
            {step.global_step} if step.global_step else set())


def _outer_expression(state: ProgramState, statement: GraphStatement, call: cst.Call,
                      deps: list[GraphStatement]) -> None:
    """What surrounds a nested `compute_gradients` call must be a computation the rewrite
    carries over as it is."""
    facts = examine(state.ctx, statement.node.value, set(state.graph_names), state.helpers,
                    skip=call)
    block_on(state.block, facts)
    if facts.random or facts.updates or facts.called_helpers:
        state.block(statement.line, "`compute_gradients` inside an expression that draws, "
                                    "updates or calls the script's functions")
    deps.extend(state.graph_names[n] for n in sorted(facts.graph_reads))


def _variables(state: ProgramState, statement: GraphStatement, var_list: cst.BaseExpression
               ) -> list[str] | None:
    if not isinstance(var_list, cst.List | cst.Tuple):
        state.block(var_list, "`var_list=` is not a list of the script's variables")
        return None
    names: list[str] = []
    for element in var_list.elements:
        access = code(element.value)
        known = state.graph_names.get(_root(access))
        if known is None or known.kind is not Kind.VARIABLE or access not in _members(known):
            state.block(var_list, "`var_list=` is not a list of the script's variables")
            return None
        names.append(access)
    return names


def _gradients(state: ProgramState, statement: GraphStatement, step: TrainStep,
               deps: list[GraphStatement], loss: cst.BaseExpression | None) -> None:
    known = state.graph_names.get(loss.value) if isinstance(loss, cst.Name) else None
    if loss is None or known is None or known.kind not in (Kind.DEFERRED, Kind.EAGER):
        state.block(statement.line, f"the loss given to `{step.method}` is not a name of a "
                                    "graph value")
        return
    step.loss = known.targets[0]
    deps.append(known)
    if step.var_list is not None:
        variables = _variables(state, statement, step.var_list)
        if variables is None:
            return
    elif step.method == "compute_gradients":
        # TF1 pairs every trainable variable with its gradient (None when unconnected).
        variables = trainable_variables(state)
    else:
        # minimize drops unconnected variables: only those the loss depends on matter.
        reached = {id(s) for s in _reaching(state, [known])}
        variables = [member for s in state.statements
                     if s.kind is Kind.VARIABLE and s.trainable and id(s) in reached
                     for member in _members(s)]
    if not variables:
        state.block(statement.line, f"the loss of `{step.method}` depends on no trainable "
                                    "variable")
        return
    step.variables = variables
    deps.extend(state.graph_names[r] for r in dict.fromkeys(map(_root, variables))
                if r in state.graph_names)


def _apply(state: ProgramState, statement: GraphStatement, step: TrainStep,
           deps: list[GraphStatement]) -> None:
    pairs = step.pairs
    if pairs is None:
        state.block(statement.line, "`apply_gradients` without gradients")
        return
    facts = examine(state.ctx, pairs, set(state.graph_names), state.helpers)
    block_on(state.block, facts)
    read = [state.graph_names[n] for n in sorted(facts.graph_reads)]
    deps.extend(read)
    sources = [s for s in _reaching(state, read)
               if s.train is not None and s.train.method == "compute_gradients"]
    if not sources:
        state.block(statement.line, "`apply_gradients` applies gradients that do not come from "
                                    "the optimizer's `compute_gradients`")
        return
    variables: list[str] = []
    for source in sources:
        assert source.train is not None
        variables.extend(v for v in source.train.variables if v not in variables)
    step.variables = variables


def _reaching(state: ProgramState, roots: Sequence[GraphStatement]) -> list[GraphStatement]:
    """Statements the roots depend on, through per-run statements and the script's helpers."""

    def helpers_globals(statement: GraphStatement) -> list[GraphStatement]:
        functions = (state.helpers.get(helper) for helper in statement.helpers)
        return [state.graph_names[name] for function in functions if function is not None
                for name in function_globals(function) if name in state.graph_names]

    return dependencies(roots, helpers_globals)


def finish(state: ProgramState) -> None:
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
