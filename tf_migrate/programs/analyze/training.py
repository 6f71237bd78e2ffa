"""Training statements of a graph program: optimizers, learning-rate decay, the global step, and
`minimize` / `compute_gradients` / `apply_gradients`.

TF1 builds a train op that, on every `sess.run`, computes the loss, its gradients with respect
to the trainable variables and applies them. TF2 spells the same step as a `tf.GradientTape`
over the loss and the Keras optimizer's `apply_gradients`. This module classifies the TF1
statements (kinds and facts on GraphStatement): the steps here, the optimizers, schedules and
global steps in optimizer_statements.py; emit/train.py writes the TF2 step.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from tf_migrate.analysis.names import function_globals, read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.code import code
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze.callables import imported_calls
from tf_migrate.programs.analyze.expressions import block_on, examine
from tf_migrate.programs.analyze.optimizer_statements import (
    STEP_COUNTERS,
    classify_optimizer,
    classify_schedule,
    classify_step_counter,
    keras_optimizer_of,
)
from tf_migrate.programs.analyze.optimizers import OPTIMIZERS, SCHEDULES
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import star_imports
from tf_migrate.programs.model import (
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
            classify_optimizer(state, statement, value, name)
            return True
        if name in SCHEDULES:
            classify_schedule(state, statement, value, name)
            return True
        if name in STEP_COUNTERS:
            classify_step_counter(state, statement, value, name)
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


# Statements that create trainable variables: variables, and layers (their kernels and biases).
_OWNERS = (Kind.VARIABLE, Kind.LAYER)


def trainable_variables(state: ProgramState) -> list[str]:
    """TF1's `tf.trainable_variables()` at this point: every trainable variable so far."""
    return [member for s in state.statements if s.kind in _OWNERS and s.trainable
            for member in _members(s)]


def _members(statement: GraphStatement) -> list[str]:
    """How to reach each variable a statement creates: `w`, or `weights["h1"]`, or a layer's
    `h_layer.kernel`, ...."""
    if statement.kind is Kind.LAYER and statement.layer is not None:
        return list(statement.layer.variables)
    return statement.members or [statement.targets[0]]


def variable_root(access: str) -> str:
    """The name a variable is reached through: `weights` of `weights["h1"]`, `h_layer` of
    `h_layer.kernel` and of `*h_layer.trainable_variables`."""
    return access.removeprefix("*").split("[", 1)[0].split(".", 1)[0]


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
        statement.replacement = keras_optimizer_of(state, statement, receiver, name)
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
        statement.updates = set(map(variable_root, step.variables)) | (
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
        known = state.graph_names.get(variable_root(access))
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
                     if s.kind in _OWNERS and s.trainable and id(s) in reached
                     for member in _members(s)]
    creators = [helper for _, helper in imported_calls(state.module, state.imported)
                if helper.creates_variables]
    if not variables and creators:
        # Not "no trainable variable": they are made in a helper of the project.
        state.block(statement.line, f"the variables of the loss of `{step.method}` are created "
                                    f"in `{creators[0].name}` ({creators[0].shown}:"
                                    f"{creators[0].line})")
        return
    if not variables:
        unknown = star_imports(state.module)
        if unknown:
            # Not "no trainable variable": the functions that make them may come from there.
            dotted, line = unknown[0]
            state.block(statement.line, f"the loss of `{step.method}` depends on no variable "
                        f"the analysis sees created: `from {dotted} import *` (line "
                        f"{state.ctx.start(line)[0]}) may bring the functions that create "
                        "them, and what it binds is unknown: import those functions by name")
            return
        state.block(statement.line, f"the loss of `{step.method}` depends on no trainable "
                                    "variable")
        return
    step.variables = variables
    deps.extend(state.graph_names[r] for r in dict.fromkeys(map(variable_root, variables))
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
