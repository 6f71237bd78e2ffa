"""Layer calls of a graph program: `h = tf.layers.dense(x, 64, activation=tf.nn.relu)`, and
contrib's and slim's (`slim.conv2d(x, 32, [3, 3])`).

TF1 created the layer's variables where the call was built and computed the layer per run. TF2
spells that as a Keras layer object created once, where the call was (`h_layer =
tf.keras.layers.Dense(64, activation=tf.nn.relu)`), and called by the run functions (`h =
h_layer(x)`); its variables are created at its first call, with the same initializers, and
training differentiates them as `h_layer.kernel` and `h_layer.bias`. TF 1.15's signatures are
bound here; analyze/layer_table.py says which Keras layer computes the same and which TF1
defaults are written out. A dropout whose `training` is a graph value (a placeholder) picks at
run time, as TF1 did (emit/rewrites.py).

What the mapping does not follow is refused with the argument named: regularizers (their
losses lived in a TF1 collection), constraints, collections, `reuse=`, normalizer functions,
batch normalization (its moving statistics lived in UPDATE_OPS), and initializers other than
TF1's own, mapped to Keras initializers with the same distributions (analyze/initializers.py)."""

from __future__ import annotations

import keyword
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import libcst as cst

from tf_migrate.analysis.names import fresh_name, read_names
from tf_migrate.cst.arguments import bind_args
from tf_migrate.cst.targets import target_name_nodes
from tf_migrate.cst.walk import visit as _walk_visit
from tf_migrate.programs.analyze import initializers, regularization
from tf_migrate.programs.analyze.arg_scopes import with_defaults
from tf_migrate.programs.analyze.call_arguments import per_run_argument
from tf_migrate.programs.analyze.expressions import examine
from tf_migrate.programs.analyze.layer_table import (
    CLASSES,
    DATA_FORMATS,
    INITIALIZERS,
    LAYERS,
    READ_ONLY,
    REFUSED,
    LayerSpec,
)
from tf_migrate.programs.analyze.shapes import float64_inputs
from tf_migrate.programs.analyze.state import ProgramState
from tf_migrate.programs.analyze.syntax import is_name
from tf_migrate.programs.model import (
    ArgScope,
    Argument,
    Constructor,
    Context,
    GraphStatement,
    Kind,
    Layer,
    LayerCall,
    SourceText,
)

# Regularizer arguments and the variable each penalizes.
_REGULARIZED = {"kernel_regularizer": "kernel", "weights_regularizer": "kernel",
                "bias_regularizer": "bias", "biases_regularizer": "bias"}


def classify(state: ProgramState, statement: GraphStatement, value: cst.BaseExpression,
             names: Callable[[], set[str]], scopes: Sequence[ArgScope] = ()) -> bool:
    """Sets the statement's kind and facts when it calls a layer function; False otherwise.
    `names`: the names the module spells, which the layer object must not take (asked only
    for a layer call: finding them walks the module); `scopes`: slim's arg_scopes around it."""
    if not isinstance(value, cst.Call):
        return False
    # `tf.layers.Dense(1)(h)`: an object made and called at once, as the function would be.
    made = value.func if isinstance(value.func, cst.Call) else value
    name = state.ctx.tf_name(made.func)
    if name is None or not (name.startswith("tf.layers.") or name in LAYERS):
        return False
    statement.kind = Kind.LAYER
    spec = LAYERS.get(CLASSES.get(name, name))
    if spec is None:
        state.block(statement.line, f"`{name}` is not rewritten yet (the finding at this line "
                                    "says how)")
        return True
    # A class takes the function's parameters but the inputs, which its object is called with.
    bound = bind_args(made, spec.params[1:] if name in CLASSES else spec.params)
    called = made is not value and bind_args(value, ("inputs", spec.training or "training"))
    if bound is None or called is None:
        state.block(statement.line, f"cannot read the arguments of `{name}`")
        return True
    bound.update(called or {})
    if "inputs" not in bound and (made is not value or name not in CLASSES):
        state.block(statement.line, f"cannot read the arguments of `{name}`")
        return True
    bound = with_defaults(name, bound, spec.params, scopes, state.block)
    if len(statement.targets) != 1:
        state.block(statement.line, f"the result of `{name}` is unpacked")
        return True
    taken = names()
    if made is value and name in CLASSES:
        layer_name = statement.targets[0]  # the object, called where the program calls it
        state.layer_objects[layer_name] = spec
    else:
        layer_name = _object_name(statement.targets[0], spec, bound, taken,
                                  statement.targets[0] in bound_again(state))
    taken.add(layer_name)
    for key, variable in _REGULARIZED.items():
        regularizer = bound.get(key)
        if regularizer is None or is_name(regularizer, "None"):
            continue
        penalty = regularization.regularizer_penalty(state, regularizer)
        if penalty is None:
            state.block(regularizer, f"`{key}=` of `{name}` is not one of TF1's regularizers "
                                     "the rewrite writes as a penalty")
            continue
        # Paid where the program reads TF1's regularization losses (regularization.py).
        regularization.add_penalty(state, penalty, f"{layer_name}.{variable}", statement)
    for key, why in REFUSED.items():
        if key in bound and key not in _REGULARIZED and not is_name(bound[key], "None"):
            state.block(bound[key], f"`{key}=` of `{name}` is not rewritten: {why}")
    for key, (default, why) in spec.only_default.items():
        given = bound.get(key)
        if given is not None and not (isinstance(given, cst.Name) and given.value == default):
            state.block(given, f"`{key}=` of `{name}` is not rewritten: {why}")
    arguments = _keras_arguments(state, name, spec, bound)
    if arguments is None:
        return True
    if "inputs" in bound and float64_inputs(state, bound["inputs"]):
        # tf.layers made float64 variables for float64 inputs; Keras casts them to float32.
        arguments["dtype"] = SourceText('"float64"')
    positional: list[Argument] = []
    for param in spec.positional:
        if param not in arguments or len(positional) < spec.positional.index(param):
            break
        positional.append(arguments.pop(param))
    constructor = Constructor(f"{state.keras}.layers.{spec.keras}", tuple(arguments.items()),
                              tuple(positional))
    use_bias = arguments.get("use_bias")
    no_bias = isinstance(use_bias, cst.BaseExpression) and is_name(use_bias, "False")
    variables = tuple(f"*{layer_name}.{v[1:]}" if v.startswith("*") else f"{layer_name}.{v}"
                      for v in spec.variables if not (v == "bias" and no_bias))
    trainable = bound.get("trainable")
    layer = Layer(layer_name, constructor, variables,
                  trainable=trainable is None or not is_name(trainable, "False"))
    statement.layer = layer
    statement.trainable = layer.trainable
    kernel = next((bound[p] for p in ("kernel_initializer", "weights_initializer") if p in bound),
                  None)
    if "kernel" in spec.variables and not initializers.constant(state, kernel):
        state.random_draws.append(f"`{layer_name}`")
    if spec.update_ops:
        _moving_statistics(state, statement, name, bound)
    if "inputs" in bound:
        params = spec.params if made is value else ("inputs", spec.training or "training")
        layer.op = _call_statement(state, statement, value, name, spec, bound, layer, params)
    return True


def plan_object_calls(state: ProgramState, value: cst.BaseExpression) -> bool:
    """Calls of tf.layers objects the program made (`shared(a) - shared(b)` for `shared =
    tf.layers.Dense(4)`), which stay calls of the Keras objects, each sharing the object's
    variables in TF1 as in Keras; a dropout's `training` as the function's. Whether one may
    draw (a dropout)."""
    found = _ObjectCalls(state.layer_objects)
    _walk_visit(value, found)
    draws = False
    for call, spec in found.calls:
        params = ("inputs", spec.training or "training")
        bound = bind_args(call, params)
        assert isinstance(call.func, cst.Name)
        if bound is None or "inputs" not in bound:
            state.block(call, f"cannot read the arguments of the call of `{call.func.value}`")
            continue
        if float64_inputs(state, bound["inputs"]):
            state.block(call, f"`{call.func.value}` is called on float64 inputs: TF1 made its "
                              "variables float64 at the first call, Keras casts the inputs to "
                              'float32 (pass `dtype="float64"` to the layer)')
        layer = state.graph_names[call.func.value].layer
        assert layer is not None
        _call_statement(state, state.graph_names[call.func.value], call, call.func.value, spec,
                        bound, layer, params)
        draws = draws or (spec.training is not None and spec.identity_off)
    return draws


class _ObjectCalls(cst.CSTVisitor):
    def __init__(self, objects: Mapping[str, LayerSpec]) -> None:
        super().__init__()
        self.objects = objects
        self.calls: list[tuple[cst.Call, LayerSpec]] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value in self.objects:
            self.calls.append((node, self.objects[node.func.value]))


def bound_again(state: ProgramState) -> set[str]:
    """The names the module binds more than once (`net`, `x`): a layer is not named after
    them."""
    if state.bound_again is None:
        counts = Counter(name.value for name in _assigned_names(state.module))
        state.bound_again = {name for name, count in counts.items() if count > 1}
    return state.bound_again


def _assigned_names(module: cst.Module) -> list[cst.Name]:
    found = _Assigned()
    _walk_visit(module, found)
    return found.names


class _Assigned(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: list[cst.Name] = []

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.names.extend(target_name_nodes(node.target))


def register(state: ProgramState, statement: GraphStatement) -> None:
    """After the statement is recorded: the call becomes a statement of its own, and the
    statement stands for the layer object."""
    layer = statement.layer
    if statement.kind is not Kind.LAYER or layer is None or layer.op is None:
        return
    for target in layer.op.targets:
        state.graph_names[target] = layer.op
    statement.targets = (layer.name,)
    state.graph_names[layer.name] = statement
    state.statements.append(layer.op)


def _moving_statistics(state: ProgramState, statement: GraphStatement, name: str,
                       bound: dict[str, cst.BaseExpression]) -> None:
    """Batch normalization: TF1 updated the moving statistics when the program ran the
    UPDATE_OPS collection (checked once the program is read: `update_op_layers`), unless
    contrib's `updates_collections=None` updated them in place; Keras updates them at each
    training call. On 4-D inputs TF1's fused kernel applied Bessel's correction to the moving
    variance, which Keras does not: unsafe unless `fused=False` or the input is 2-D (contrib's
    batch_norm fused 2-D inputs as well, measured by the contrib_batch_norm_tool fixture)."""
    collections = bound.get("updates_collections")
    if collections is None or not is_name(collections, "None"):
        state.update_op_layers.append(statement)
    fused = bound.get("fused")
    if is_name(fused, "False"):
        return
    if name.endswith(".batch_norm"):
        # contrib's batch_norm reshapes 2-D inputs to 4-D to use the fused kernel too.
        state.unsafe.append(f"`{name}` without `fused=False`: TF1's fused kernel updated the "
                            "moving variance with Bessel's correction, Keras does not")
    elif not _two_dimensional(state, bound["inputs"]):
        state.unsafe.append(f"`{name}` on inputs that may be 4-D: TF1's fused kernel updated "
                            "the moving variance with Bessel's correction, Keras does not")


def _two_dimensional(state: ProgramState, inputs: cst.BaseExpression) -> bool:
    """The input is known to be a matrix: a dense layer's output, or a placeholder of two
    dimensions."""
    known = state.graph_names.get(inputs.value) if isinstance(inputs, cst.Name) else None
    if known is None:
        return False
    if known.layer is not None and known.kind is Kind.DEFERRED:
        return known.layer.constructor.path.rsplit(".", 1)[-1] in ("Dense", "Flatten")
    shape = known.shape if known.kind is Kind.PLACEHOLDER else None
    return isinstance(shape, cst.List | cst.Tuple) and len(shape.elements) == 2


def _object_name(target: str, spec: LayerSpec, bound: dict[str, cst.BaseExpression],
                 taken: set[str], generic: bool) -> str:
    """The layer's TF1 name when it is a free identifier (`conv1` of `name="conv1"`, slim's
    `scope="conv1"`), else the value's name with `_layer`, or the layer's kind (`flatten`)
    where the value's name is `generic`: bound again and again (`net = ...(net)`)."""
    for param, keras in spec.rename.items() or [("name", "name")]:
        if keras != "name":
            continue
        given = bound.get(param)
        text = given.evaluated_value if isinstance(given, cst.SimpleString) else None
        if isinstance(text, str) and text.isidentifier() and not keyword.iskeyword(text) and (
                text not in taken and text != target):
            return text
    if generic:
        kind = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", spec.keras)
        return fresh_name(kind.lower(), taken)  # `max_pooling2d`, `conv2d_transpose`
    return fresh_name(f"{target}_layer", taken)


def _keras_arguments(state: ProgramState, name: str, spec: LayerSpec,
                     bound: dict[str, cst.BaseExpression]) -> dict[str, Argument] | None:
    """The Keras constructor's arguments by name, in TF1's order, TF1's defaults that Keras
    lacks last; None after blocking."""
    tf = state.tf
    found: dict[str, Argument] = {}
    defaults = dict(spec.defaults)
    for param in spec.params:
        argument = bound.get(param)
        keras = spec.rename.get(param, param)
        if argument is None and keras in defaults:
            found[keras] = SourceText(defaults[keras].format(tf=tf))  # TF1's, in its place
            continue
        if argument is None or param in ("inputs", spec.training) or param in REFUSED or (
                param in READ_ONLY or param in spec.only_default):
            continue
        known = state.graph_names.get(argument.value) if isinstance(argument, cst.Name) else None
        if keras in INITIALIZERS and known is not None and known.initializer:
            found[keras] = argument  # a name bound to a (Keras) initializer
            continue
        facts = examine(state.ctx, argument, set(state.graph_names), state.helpers)
        if facts.graph_reads or facts.creates or facts.updates:
            state.block(argument, f"`{param}=` of `{name}` reads graph values (a Keras layer "
                                  "takes Python values there)")
            return None
        mapped = _mapped(state, param, keras, argument)
        if mapped is None:
            return None
        if keras == "bias_initializer" and is_name(argument, "None"):
            found["use_bias"] = cst.Name("False")  # contrib: no biases
            continue
        found[keras] = mapped
    return found


def _mapped(state: ProgramState, param: str, keras: str, argument: cst.BaseExpression
            ) -> Argument | None:
    """One TF1 argument as Keras takes it."""
    if keras in INITIALIZERS:
        return argument if is_name(argument, "None") else initializers.keras_initializer(
            state, argument)
    if isinstance(argument, cst.SimpleString) and isinstance(argument.evaluated_value, str):
        text = argument.evaluated_value
        if keras == "padding":
            return SourceText(f'"{text.lower()}"')
        if keras == "data_format":
            return SourceText(f'"{DATA_FORMATS.get(text, text.lower())}"')
    if param == "keep_prob":
        # TF1's own rate: `1 - keep_prob`, computed as contrib computed it.
        code = cst.Module([]).code_for_node(argument)
        simple = isinstance(argument, cst.Name | cst.Integer | cst.Float)
        return SourceText(f"1 - {code}" if simple else f"1 - ({code})")
    return argument


def _call_statement(state: ProgramState, statement: GraphStatement, value: cst.Call,
                    name: str, spec: LayerSpec, bound: dict[str, cst.BaseExpression],
                    layer: Layer, params: tuple[str, ...]) -> GraphStatement:
    """The statement of the call, run per call of the run functions that need it; `params`:
    the call's, to bind it."""
    inputs = bound["inputs"]
    training = bound.get(spec.training) if spec.training is not None else None
    deps: list[GraphStatement] = [statement]
    reads = read_names(inputs)
    tensor = False
    for argument in (inputs, training):
        if argument is None:
            continue
        facts, read = per_run_argument(state, argument, f"an argument of `{name}`")
        deps.extend(read)
        reads |= read_names(argument)
        if argument is training:
            tensor = bool(facts.graph_reads)
    state.rewrites[id(value)] = LayerCall(
        layer.name, params, spec.training, spec.training_default, tensor,
        f"{state.tf}.cond", spec.identity_off)
    return GraphStatement(statement.line, statement.node, statement.targets, Kind.DEFERRED,
                          statement.position, deps=deps, reads=reads | {layer.name},
                          random=spec.training is not None and spec.identity_off, layer=layer)


def is_update_ops(ctx: Context, value: cst.BaseExpression | None) -> bool:
    """`tf.get_collection(tf.GraphKeys.UPDATE_OPS)` (or `tf.compat.v1...`)."""
    if not isinstance(value, cst.Call) or ctx.tf_name(value.func) != "tf.get_collection":
        return False
    bound = bind_args(value, ("key", "scope"))
    if bound is None or "scope" in bound or "key" not in bound:
        return False
    return ctx.tf_name(bound["key"]) == "tf.GraphKeys.UPDATE_OPS"


def finish(state: ProgramState) -> None:
    """A batch normalization whose moving statistics TF1 updated through UPDATE_OPS, in a
    program that never ran them: TF1 kept its initial statistics, which a Keras layer would
    update at each training call."""
    if state.update_op_layers and not state.update_ops_run:
        state.block(state.update_op_layers[0].line,
                    "the program never runs the batch normalization's UPDATE_OPS, so TF1 kept "
                    "its moving statistics at their initial values, which Keras would update at "
                    "each training call: run them with the training op (`with "
                    "tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):`) "
                    "if that was meant")
