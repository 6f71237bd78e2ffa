"""The TF1 symbols that idiom rules own: never rewrite them to `tf.compat.v1`.

Graph, session, scope, layers, estimator and summary-v1 symbols renamed to `tf.compat.v1` give
code that crashes on TF 2.21 (`tf.compat.v1.placeholder` raises under eager execution); the other
symbols here have a TF2-native form that the owning rule's message names. A rename or compat.v1
fallback rule checks `in_graph_family(name)` and leaves such a symbol to its idiom finding.
"""

from __future__ import annotations

from tf_migrate.rules import (
    checkpoints_summaries,
    contrib_flags,
    contrib_layers,
    distribution,
    estimator,
    graph_session,
    graph_state,
    input_pipeline,
    losses_metrics,
    training,
    variables_layers,
)
from tf_migrate.rules.support.symbol_findings import SymbolFinding

_FAMILY_MODULES = (
    checkpoints_summaries,
    contrib_flags,
    contrib_layers,
    distribution,
    estimator,
    graph_session,
    graph_state,
    input_pipeline,
    losses_metrics,
    training,
    variables_layers,
)

# Each entry covers the symbol and everything under it ("tf.layers" covers tf.layers.dense).
GRAPH_FAMILY_PREFIXES: frozenset[str] = frozenset(
    key
    for module in _FAMILY_MODULES
    for value in vars(module).values()
    if isinstance(value, type) and issubclass(value, SymbolFinding) and "code" in vars(value)
    for key in value.symbols
)


def in_graph_family(name: str) -> bool:
    """Whether `name` ("tf.x.y", as `Rule.tf_name` spells it) is owned by an idiom rule."""
    candidate = name
    while candidate:
        if candidate in GRAPH_FAMILY_PREFIXES:
            return True
        candidate = candidate.rpartition(".")[0]
    return False
