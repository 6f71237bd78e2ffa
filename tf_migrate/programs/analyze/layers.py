"""`tf.layers.*` calls of a graph program: `h = tf.layers.dense(x, 64, activation=tf.nn.relu)`.

TF1 created the layer's variables where the call was built and computed the layer per run. TF2
spells that as a Keras layer object created once, where the call was (`h_layer =
tf.keras.layers.Dense(64, activation=tf.nn.relu)`), and called by the run functions (`h =
h_layer(x)`); its variables are created at its first call, with the same initializers (Keras
and tf.layers both default to glorot_uniform kernels and zero biases), and training
differentiates them as `h_layer.kernel` and `h_layer.bias`. TF 1.15's signatures are bound
here; the Keras arguments follow its layer of the same name, with TF1's defaults written out
where Keras has none (dropout's `rate=0.5`, `training=False`). A dropout whose `training=` is
a graph value (a placeholder) picks at run time, as TF1 did (emit/rewrites.py).

What the mapping does not follow is refused with the argument named: regularizers (their
losses lived in a TF1 collection), constraints, `reuse=`, batch normalization (its moving
statistics lived in UPDATE_OPS), and initializers other than TF1's own, mapped to Keras
initializers with the same distributions (analyze/initializers.py)."""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tf_migrate.analysis.names import fresh_name, read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.programs.analyze import initializers
from tf_migrate.programs.analyze.expressions import block_on, examine
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import tf_alias
from tf_migrate.programs.model import (
    Argument,
    Constructor,
    GraphStatement,
    Kind,
    Layer,
    LayerCall,
)

_CONV_TAIL = ("activation", "use_bias", "kernel_initializer", "bias_initializer",
              "kernel_regularizer", "bias_regularizer", "activity_regularizer",
              "kernel_constraint", "bias_constraint", "trainable", "name", "reuse")
_CONV = ("inputs", "filters", "kernel_size", "strides", "padding", "data_format",
         "dilation_rate", *_CONV_TAIL)
_POOL = ("inputs", "pool_size", "strides", "padding", "data_format", "name")


@dataclass(frozen=True)
class _Spec:
    """A tf.layers function: its TF 1.15 parameters, its Keras class, the parameters the
    Keras constructor takes positionally, and the variables it creates."""

    params: tuple[str, ...]
    keras: str
    positional: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()


_LAYERS: dict[str, _Spec] = {
    "tf.layers.dense": _Spec(("inputs", "units", *_CONV_TAIL), "Dense", ("units",),
                             ("kernel", "bias")),
    **{f"tf.layers.conv{n}d": _Spec(_CONV, f"Conv{n}D", ("filters", "kernel_size"),
                                    ("kernel", "bias")) for n in (1, 2, 3)},
    "tf.layers.conv2d_transpose": _Spec(
        tuple(p for p in _CONV if p != "dilation_rate"), "Conv2DTranspose",
        ("filters", "kernel_size"), ("kernel", "bias")),
    **{f"tf.layers.max_pooling{n}d": _Spec(_POOL, f"MaxPooling{n}D", ("pool_size",))
       for n in (1, 2, 3)},
    **{f"tf.layers.average_pooling{n}d": _Spec(_POOL, f"AveragePooling{n}D", ("pool_size",))
       for n in (1, 2, 3)},
    "tf.layers.flatten": _Spec(("inputs", "name", "data_format"), "Flatten"),
    "tf.layers.dropout": _Spec(("inputs", "rate", "noise_shape", "seed", "training", "name"),
                               "Dropout", ("rate",)),
}
# Arguments the mapping does not carry over, with why.
_REFUSED = {
    "kernel_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "bias_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "activity_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "kernel_constraint": "constraints are not mapped yet",
    "bias_constraint": "constraints are not mapped yet",
    "reuse": "TF2 shares a layer by calling the same object again",
}
_INITIALIZERS = ("kernel_initializer", "bias_initializer")


def is_layer_call(name: str | None) -> bool:
    return name in _LAYERS


def classify(state: ProgramState, statement: GraphStatement, value: cst.BaseExpression,
             taken: set[str]) -> bool:
    """Sets the statement's kind and facts when it calls a `tf.layers` function; False
    otherwise. `taken`: names the module binds, which the layer object must not take."""
    if not isinstance(value, cst.Call):
        return False
    name = state.ctx.tf_name(value.func)
    if name is None or not name.startswith("tf.layers."):
        return False
    statement.kind = Kind.LAYER
    spec = _LAYERS.get(name)
    if spec is None:
        state.block(statement.line, f"`{name}` is not rewritten yet (the finding at this line "
                                    "says how)")
        return True
    bound = bind_args(value, spec.params)
    if bound is None or "inputs" not in bound:
        state.block(statement.line, f"cannot read the arguments of `{name}`")
        return True
    if len(statement.targets) != 1:
        state.block(statement.line, f"the result of `{name}` is unpacked")
        return True
    for key, why in _REFUSED.items():
        if key in bound and not _is_none(bound[key]):
            state.block(bound[key], f"`{key}=` of `{name}` is not rewritten: {why}")
    target = statement.targets[0]
    layer_name = fresh_name(f"{target}_layer", taken)
    taken.add(layer_name)
    constructor = _constructor(state, statement, name, spec, bound)
    if constructor is None:
        return True
    variables = tuple(f"{layer_name}.{v}" for v in spec.variables
                      if not (v == "bias" and _is_false(bound.get("use_bias"))))
    trainable = bound.get("trainable")
    layer = Layer(layer_name, constructor, variables,
                  trainable=trainable is None or not _is_false(trainable))
    statement.layer = layer
    statement.trainable = layer.trainable
    if variables and not initializers.constant(state, bound.get("kernel_initializer")):
        state.random_draws.append(f"`{layer_name}`")
    op = _call_statement(state, statement, value, name, bound, layer)
    layer.op = op
    return True


def spec_params(name: str) -> tuple[str, ...]:
    return _LAYERS[name].params


def register(state: ProgramState, statement: GraphStatement) -> None:
    """After the statement is recorded: the call becomes a statement of its own, and the
    statement stands for the layer object."""
    layer = statement.layer
    if statement.kind is not Kind.LAYER or layer is None or layer.op is None:
        return
    state.graph_names[layer.op.targets[0]] = layer.op
    statement.targets = (layer.name,)
    state.graph_names[layer.name] = statement
    state.statements.append(layer.op)


def _constructor(state: ProgramState, statement: GraphStatement, name: str, spec: _Spec,
                 bound: dict[str, cst.BaseExpression]) -> Constructor | None:
    positional: list[Argument] = []
    keywords: list[tuple[str, Argument]] = []
    for param in spec.params:
        if param in ("inputs", "training", "reuse") or param in _REFUSED:
            continue
        argument = bound.get(param)
        if argument is None:
            if name == "tf.layers.dropout" and param == "rate":
                argument = cst.Float("0.5")  # Keras has no default rate
            else:
                continue
        known = state.graph_names.get(argument.value) if isinstance(argument, cst.Name) else None
        if param in _INITIALIZERS and known is not None and known.initializer:
            keywords.append((param, argument))  # a name bound to a (Keras) initializer
            continue
        facts = examine(state.ctx, argument, set(state.graph_names), state.helpers)
        if facts.graph_reads or facts.creates or facts.updates:
            state.block(argument, f"`{param}=` of `{name}` reads graph values (a Keras layer "
                                  "takes Python values there)")
            return None
        mapped: Argument = argument
        if param in _INITIALIZERS:
            initializer = initializers.keras_initializer(state, argument)
            if initializer is None:
                return None
            mapped = initializer
        elif param in ("padding", "data_format") and isinstance(argument, cst.SimpleString):
            mapped = argument.with_changes(value=argument.value.lower())
        if param in spec.positional and len(positional) == spec.positional.index(param):
            positional.append(mapped)
        else:
            keywords.append((param, mapped))
    return Constructor(f"{state.keras}.layers.{spec.keras}", tuple(keywords), tuple(positional))


def _call_statement(state: ProgramState, statement: GraphStatement, value: cst.Call,
                    name: str, bound: dict[str, cst.BaseExpression], layer: Layer
                    ) -> GraphStatement:
    """The statement of the call, run per call of the run functions that need it."""
    inputs = bound["inputs"]
    training = bound.get("training") if name == "tf.layers.dropout" else None
    deps: list[GraphStatement] = [statement]
    reads = read_names(inputs)
    tensor = False
    for argument in (inputs, training):
        if argument is None:
            continue
        facts = examine(state.ctx, argument, set(state.graph_names), state.helpers)
        block_on(state.block, facts)
        if facts.creates or facts.updates or facts.called_helpers or facts.random:
            state.block(argument, f"an argument of `{name}` draws, updates or calls the "
                                  "script's functions (give it a name of its own first)")
        deps.extend(state.graph_names[n] for n in sorted(facts.graph_reads))
        reads |= read_names(argument)
        if argument is training:
            tensor = bool(facts.graph_reads)
    state.rewrites[id(value)] = LayerCall(layer.name, spec_params(name),
                                          name == "tf.layers.dropout", tensor,
                                          f"{tf_alias(state.module) or 'tf'}.cond")
    op = GraphStatement(statement.line, statement.node, statement.targets, Kind.DEFERRED,
                        statement.position, deps=deps, reads=reads | {layer.name},
                        random=name == "tf.layers.dropout", layer=layer)
    return op


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _is_false(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "False"
