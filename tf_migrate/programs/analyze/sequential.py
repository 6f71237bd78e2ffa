"""Keras models from chains of layer calls: `net = conv1(x)`, `net = pool1(net)`, ...,
`logits = fc(net)`, each call on the previous one's output alone, which nothing else reads.

A TF2 author composes such a chain into one model, `model = tf.keras.Sequential([conv1, pool1,
..., fc])`, made right after its last layer, and calls the model where the chain ended:
`logits = model(x)`. The layers are the same objects, built in the same order at the model's
first call, so their variables, their names in the program (`conv1.kernel`) and their initial
values are those of the separate calls. The calls that the model makes go from the run
functions. A chain passes one `training` to all its layers that take one (a dropout, a batch
normalization) as TF1's calls did; calls with different ones, or a chain whose value between two
layers is read elsewhere (fetched, printed, used by another op), stay separate calls."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

from tf_migrate.analysis.names import fresh_name, read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.code import code
from tf_migrate.programs.model import (
    GraphProgram,
    GraphStatement,
    Kind,
    LayerCall,
    ModelCall,
    SequentialModel,
)

_MIN_LAYERS = 2


def compose(program: GraphProgram, names: Callable[[], set[str]], keras: str) -> None:
    """Each chain of two or more layer calls becomes a Sequential model's call; `names`: the
    names the module spells, which a model's must not be (asked only for a model)."""
    if not any(s.layer is not None for s in program.statements):
        return
    readers = _readers(program.statements)
    seen = {id(root) for s in program.slices for root in s.roots} | {
        id(statement) for p in program.prints for statement in p.reads.values()}
    chain: list[GraphStatement] = []
    training: str | None = None
    for statement in program.statements:
        if statement.kind is Kind.LAYER:
            continue  # layer objects stay where they are
        if _layer_call(program, statement) is None:
            _make(program, chain, training, names, keras)
            chain, training = [], None
            continue
        own = _training(program, statement)
        previous = chain[-1] if chain else None
        if previous is not None and not (
                _reads_only(program, statement, previous, training or own)
                and readers.get(id(previous)) == [statement] and id(previous) not in seen
                and (own is None or training is None or own == training)):
            _make(program, chain, training, names, keras)
            chain, training = [], None
        chain.append(statement)
        training = training or own
    _make(program, chain, training, names, keras)


def _layer_call(program: GraphProgram, statement: GraphStatement) -> LayerCall | None:
    """The call a layer op statement makes (`h = h_layer(x)`), when it is its whole value."""
    value = statement.node.value
    plan = program.rewrites.get(id(value))
    if (statement.kind is not Kind.DEFERRED or statement.layer is None or statement.elided
            or len(statement.targets) != 1 or not isinstance(plan, LayerCall)):
        return None
    return plan


def _bound(program: GraphProgram, statement: GraphStatement
           ) -> tuple[LayerCall, dict[str, cst.BaseExpression]]:
    plan = _layer_call(program, statement)
    assert plan is not None and isinstance(statement.node.value, cst.Call)
    return plan, bind_args(statement.node.value, plan.params) or {}


def _training(program: GraphProgram, statement: GraphStatement) -> str | None:
    """The training a call passes, as source (its TF1 default when left out), or None."""
    plan, bound = _bound(program, statement)
    if plan.training is None:
        return None
    given = bound.get(plan.training)
    return code(given) if given is not None else plan.training_default


def _reads_only(program: GraphProgram, statement: GraphStatement, previous: GraphStatement,
                training: str | None) -> bool:
    """The call's inputs are the previous call's output, by its name; it reads nothing else
    but what the chain's training reads."""
    inputs = _bound(program, statement)[1].get("inputs")
    allowed = read_names(cst.parse_expression(training)) if training is not None else set()
    others = [d for d in statement.deps if d.kind is not Kind.LAYER and d is not previous]
    return isinstance(inputs, cst.Name) and inputs.value == previous.targets[0] and all(
        set(d.targets) & allowed for d in others)


def _readers(statements: list[GraphStatement]) -> dict[int, list[GraphStatement]]:
    found: dict[int, list[GraphStatement]] = {}
    for statement in statements:
        for dep in statement.deps:
            found.setdefault(id(dep), []).append(statement)
    return found


def _make(program: GraphProgram, chain: list[GraphStatement], training: str | None,
          names: Callable[[], set[str]], keras: str) -> None:
    if len(chain) < _MIN_LAYERS:
        return
    inputs = _bound(program, chain[0])[1].get("inputs")
    layers = [s.layer for s in chain if s.layer is not None]
    layer_names = tuple(layer.name for layer in layers)
    if not isinstance(inputs, cst.Name) or len(set(layer_names)) != len(layer_names):
        return  # an expression read twice, or one object called twice: not a chain
    plans = [_bound(program, s)[0] for s in chain]
    name = fresh_name("model", names())
    program.rewrites[id(chain[-1].node.value)] = ModelCall(
        name, inputs, cst.parse_expression(training) if training is not None else None,
        any(plan.training_tensor for plan in plans), plans[0].cond)
    for statement in chain[:-1]:
        statement.elided = True  # the model makes this call
    chain[-1].random = any(s.random for s in chain)
    layers[-1].model = SequentialModel(name, f"{keras}.Sequential", layer_names)
