"""Streaming metrics of a graph program: `value, update_op = tf.metrics.accuracy(...)` or
`tf.metrics.mean(...)`, and the local-variables initializer runs that reset them.

TF1 keeps a metric's state in local variables: running `update_op` adds a batch and returns the
updated value, fetching `value` reads the current value, and running
`tf.local_variables_initializer()` sets the state back to zero. TF2 spells the same state as a
Keras metric object created once (named after `value`): `update_state(...)` in the run function
for `update_op`, `result()` for both values, `reset_state()` for the initializer run.

Measured equal on TF 1.15 and TF 2.21 (Keras 3): accuracy of int64 labels and predictions, with
and without 1-D `weights=`; mean, with and without 1-D `weights=`. TF1's accuracy casts the
predictions to the labels' dtype, Keras the labels to the predictions' dtype (they count
different matches for int labels and float predictions): unless both are known to have one
dtype, the rewrite casts the predictions to the labels' dtype itself.
"""

from __future__ import annotations

import libcst as cst

from tf_migrate.analysis.names import read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.programs.analyze.call_arguments import per_run_argument
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.model import (
    Constructor,
    GraphStatement,
    Kind,
    Metric,
    MetricUpdate,
    Position,
    RunSite,
)

# TF 1.15 signatures; the Keras class and which parameters are update_state's arguments.
_METRICS: dict[str, tuple[str, tuple[str, ...], tuple[str, ...]]] = {
    "tf.metrics.accuracy": ("Accuracy", ("labels", "predictions", "weights",
                                         "metrics_collections", "updates_collections", "name"),
                            ("labels", "predictions")),
    "tf.metrics.mean": ("Mean", ("values", "weights", "metrics_collections",
                                 "updates_collections", "name"), ("values",)),
}
_LOCAL_INITIALIZERS = frozenset({"tf.local_variables_initializer",
                                 "tf.initialize_local_variables"})
_ARGMAX = frozenset({"tf.argmax", "tf.argmin", "tf.math.argmax", "tf.math.argmin"})
_END: Position = (10**9, 0)


def classify(state: ProgramState, statement: GraphStatement, value: cst.BaseExpression) -> bool:
    """Sets the statement's kind and facts when it calls `tf.metrics.*`; False otherwise."""
    if not isinstance(value, cst.Call):
        return False
    name = state.ctx.tf_name(value.func)
    if name is None or not name.startswith("tf.metrics."):
        return False
    statement.kind = Kind.METRIC
    known = _METRICS.get(name)
    if known is None:
        state.block(statement.line, f"`{name}` is not rewritten (only `tf.metrics.accuracy` and "
                                    "`tf.metrics.mean` are mapped to Keras metrics, measured to "
                                    "give TF1's values)")
        return True
    keras_class, params, update_params = known
    bound = bind_args(value, params)
    if bound is None:
        state.block(statement.line, f"cannot read the arguments of `{name}`")
        return True
    for key in ("metrics_collections", "updates_collections"):
        if key in bound:
            state.block(statement.line, f"`{name}` with `{key}=` (TF2 has no collections)")
    targets = statement.targets
    if len(targets) != 2 or targets[0].startswith("_") or targets[1].startswith("_"):
        state.block(statement.line, f"`{name}` is not unpacked into two names (its value and "
                                    "its update op)")
        return True
    deps: list[GraphStatement] = []
    for key in (*update_params, "weights"):
        argument = bound.get(key)
        if argument is None:
            continue
        deps.extend(per_run_argument(state, argument, f"the `{key}` of `{name}`")[1])
    cast: str | None = None
    if name == "tf.metrics.accuracy":
        labels, predictions = bound["labels"], bound["predictions"]
        label_type = _dtype(state, labels)
        if label_type is None or label_type != _dtype(state, predictions):
            if not isinstance(labels, cst.Name):
                state.block(statement.line, "the labels and predictions of `tf.metrics.accuracy` "
                                            "may differ in dtype (TF1 casts the predictions to "
                                            "the labels' dtype, Keras the other way)")
                return True
            cast = _module(value.func) or "tf"
    update = MetricUpdate(tuple(bound[k] for k in update_params), cast, bound.get("weights"))
    metric = Metric(targets[0], Constructor(f"{state.keras}.metrics.{keras_class}"), update)
    statement.metric = metric
    metric.op = GraphStatement(statement.line, statement.node, (targets[1],), Kind.DEFERRED,
                               statement.position, deps=deps, reads=read_names(value),
                               updates={targets[0]}, metric=metric)
    return True


def _module(func: cst.BaseExpression) -> str | None:
    """`tf` of `tf.metrics.accuracy` (the alias the script spells TF with)."""
    while isinstance(func, cst.Attribute):
        func = func.value
    return func.value if isinstance(func, cst.Name) else None


def _dtype(state: ProgramState, value: cst.BaseExpression) -> str | None:
    """The dtype a name of the program is known to have: placeholders, argmax, casts."""
    known = state.graph_names.get(value.value) if isinstance(value, cst.Name) else None
    if known is None:
        return None
    if known.kind is Kind.PLACEHOLDER and known.literal_dtype is not None:
        return f"tf.{known.literal_dtype}"
    if known.kind is Kind.PLACEHOLDER and known.dtype is not None:
        return state.ctx.tf_name(known.dtype)
    call = known.node.value
    if len(known.targets) != 1 or not isinstance(call, cst.Call):
        return None
    name = state.ctx.tf_name(call.func)
    if name in _ARGMAX:
        bound = bind_args(call, ("input", "axis", "name", "dimension", "output_type"))
        output = bound.get("output_type") if bound is not None else None
        return "tf.int64" if bound is not None and output is None else (
            state.ctx.tf_name(output) if output is not None else None)
    if name == "tf.cast":
        bound = bind_args(call, ("x", "dtype", "name"))
        dtype = bound.get("dtype") if bound is not None else None
        return state.ctx.tf_name(dtype) if dtype is not None else None
    return None


def register(state: ProgramState, statement: GraphStatement) -> None:
    """After the statement is recorded: its update op becomes a statement of its own."""
    metric = statement.metric
    if statement.kind is not Kind.METRIC or metric is None or metric.op is None:
        return
    statement.targets = (metric.name,)
    state.graph_names[metric.op.targets[0]] = metric.op
    state.statements.append(metric.op)


def is_local_initializer(state: ProgramState, fetch: cst.BaseExpression) -> bool:
    if isinstance(fetch, cst.Name):
        known = state.graph_names.get(fetch.value)
        return known is not None and known.kind is Kind.INITIALIZER and is_local_initializer(
            state, known.node.value)
    if not isinstance(fetch, cst.Call):
        return False
    name = state.ctx.tf_name(fetch.func)
    if name in _LOCAL_INITIALIZERS:
        return not fetch.args
    if name == "tf.variables_initializer" and len(fetch.args) == 1:
        inner = fetch.args[0].value
        return isinstance(inner, cst.Call) and state.ctx.tf_name(inner.func) in (
            "tf.local_variables", ) and not inner.args
    return False


def _position(state: ProgramState, fetch: cst.BaseExpression, site: RunSite) -> Position:
    """Where the initializer was built: it resets the metrics created before."""
    if isinstance(fetch, cst.Name):
        known = state.graph_names.get(fetch.value)
        if known is not None:
            return known.position
    return site.position


def finish(state: ProgramState) -> None:
    """Before the session checks: a local-variables initializer run after the metrics were
    used (or in a loop) resets them; fetches and graph uses the rewrite does not follow stop it."""
    metrics = [s for s in state.statements if s.kind is Kind.METRIC and s.metric is not None]
    _reset_sites(state, metrics)
    if not metrics:
        return
    pairs = {s.targets[0]: s.metric.op.targets[0] for s in metrics
             if s.metric is not None and s.metric.op is not None}
    for statement in state.statements:
        for dep in statement.deps:
            if dep.kind is Kind.METRIC or (dep.metric is not None and dep is not statement):
                state.block(statement.line, f"`{dep.targets[0]}` of a `tf.metrics` call is used "
                                            "by another graph statement (only fetching it is "
                                            "rewritten)")
    for site in state.sites:
        fetched = read_names(site.fetch)
        for name in sorted(fetched & set(pairs)):
            if pairs[name] in fetched:
                state.block(site.call, f"`{name}` is fetched together with its update op (TF1 "
                                       "leaves the order open)")


def _reset_sites(state: ProgramState, metrics: list[GraphStatement]) -> None:
    """A run of the local-variables initializer after the metrics were used (or in a loop)
    resets the metrics built before the initializer. Other initializer runs inside a block
    stop the rewrite (the top-level ones before any run are dropped)."""
    first_run = min((s.position for s in state.sites if not s.initializer), default=_END)
    for site in state.sites:
        if not site.initializer or id(site.call) in state.own_initializers:
            continue
        item = state.items[site.item]
        top = isinstance(item.node, cst.SimpleStatementLine) and any(
            isinstance(small, cst.Expr) and small.value is site.call for small in item.node.body)
        if site.discarded and is_local_initializer(state, site.fetch) and (
            site.repeated or site.position > first_run or not top
        ):
            built = _position(state, site.fetch, site)
            site.resets = [s.targets[0] for s in metrics if s.position < built]
            if top:
                item.drop = False  # the statement becomes the resets
        if not top and not site.resets:
            state.block(site.call, "an initializer runs inside a block (only a local-variables "
                                   "initializer that resets `tf.metrics` is rewritten there)")
