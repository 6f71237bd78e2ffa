"""Which names hold tensors, variables, placeholders, sessions, optimizers and iterators.

A flow-insensitive-per-statement, source-order analysis: each assignment (`x = ...`, `x += ...`,
`a, b = ...`, `with ... as x`, `for x in ...`) rebinds the name in its scope to the kind of value
the right-hand side produces, so `loss = tf.reduce_mean(e)` makes `loss` a tensor and a later
`loss = sess.run(loss)` makes it an ordinary (numpy) value again. Function parameters are unknown
and shadow outer names; class bodies are not visible from methods (Python's rule). `self.x` and
other dotted targets are tracked module-wide by their spelling.

The analysis never guesses a kind: an expression whose kind it cannot derive is `None`, so the
rules built on it stay quiet rather than report what they cannot justify. Kinds come from the
TensorFlow function that produced the value (resolved through any import style by `resolve`),
from operators on tensors (arithmetic, slicing, ordering comparisons), and from a few methods
(`iterator.get_next()`, `dataset.make_one_shot_iterator()`, `supervisor.managed_session()`).
Loops are read once, top to bottom; values returned from the program's own functions are unknown.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import libcst as cst

from tf_migrate.cst.dotted import dotted_name


class ValueKind(enum.Enum):
    TENSOR = "tensor"
    VARIABLE = "variable"
    PLACEHOLDER = "placeholder"
    OPERATION = "operation"  # initializers, train ops, groups: run, never computed with
    SESSION = "session"
    OPTIMIZER = "optimizer"  # a TF1 optimizer (tf.train.*Optimizer, tf.contrib.*Optimizer)
    ITERATOR = "iterator"  # a TF1 tf.data iterator
    CONTAINER = "container"  # a dict or a set: its keys are hashed


# Values that TF1 graph mode compares by identity and hashes, and TF2 compares elementwise.
TENSOR_LIKE = frozenset({ValueKind.TENSOR, ValueKind.VARIABLE, ValueKind.PLACEHOLDER})

Resolver = Callable[[cst.CSTNode], str | None]


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_BY_NAME: dict[str, ValueKind] = {
    **dict.fromkeys(
        _names("tf.placeholder tf.placeholder_with_default tf.sparse_placeholder"),
        ValueKind.PLACEHOLDER,
    ),
    **dict.fromkeys(
        _names(
            "tf.Variable tf.contrib.framework.model_variable tf.contrib.framework.variable "
            "tf.contrib.slim.model_variable tf.contrib.slim.variable tf.get_local_variable "
            "tf.get_variable"
        ),
        ValueKind.VARIABLE,
    ),
    **dict.fromkeys(
        _names(
            "tf.InteractiveSession tf.Session tf.get_default_session tf.keras.backend.get_session "
            "tf.train.MonitoredSession tf.train.MonitoredTrainingSession "
            "tf.train.SingularMonitoredSession"
        ),
        ValueKind.SESSION,
    ),
    **dict.fromkeys(
        _names(
            "tf.data.Iterator.from_string_handle tf.data.Iterator.from_structure "
            "tf.data.make_initializable_iterator tf.data.make_one_shot_iterator"
        ),
        ValueKind.ITERATOR,
    ),
    **dict.fromkeys(
        _names(
            "tf.global_variables_initializer tf.group tf.initialize_all_variables "
            "tf.initialize_local_variables tf.initialize_variables "
            "tf.local_variables_initializer tf.no_op tf.tables_initializer "
            "tf.variables_initializer"
        ),
        ValueKind.OPERATION,
    ),
}

# Namespaces whose lowercase functions return one tensor (exceptions below).
_TENSOR_NAMESPACES = _names(
    "tf tf.bitwise tf.contrib.layers tf.dtypes tf.image tf.layers tf.linalg tf.losses tf.math "
    "tf.nn tf.random tf.signal"
)

# Functions that return a sequence of tensors: unpacking them binds tensors.
TENSOR_SEQUENCE_FUNCTIONS = _names(
    "tf.dynamic_partition tf.gradients tf.hessians tf.linalg.eigh tf.linalg.qr tf.linalg.svd "
    "tf.math.top_k tf.meshgrid tf.nn.fused_batch_norm tf.nn.moments "
    "tf.nn.sufficient_statistics tf.nn.top_k tf.nn.weighted_moments tf.qr tf.self_adjoint_eig "
    "tf.setdiff1d tf.shape_n tf.split tf.svd tf.tuple tf.unique tf.unique_with_counts "
    "tf.unstack"
)

# Lowercase functions in those namespaces that do not return a single tensor.
_NOT_TENSOR = (
    _names(
        "tf.add_to_collection tf.add_to_collections tf.all_variables tf.as_dtype tf.case "
        "tf.clip_by_global_norm tf.colocate_with tf.cond tf.container tf.control_dependencies "
        "tf.custom_gradient tf.device tf.disable_eager_execution tf.disable_v2_behavior "
        "tf.enable_eager_execution tf.enable_v2_behavior tf.executing_eagerly tf.function "
        "tf.get_collection tf.get_collection_ref tf.get_default_graph tf.get_logger "
        "tf.get_seed tf.get_variable_scope tf.global_variables "
        "tf.image.combined_non_max_suppression tf.import_graph_def tf.init_scope tf.is_tensor "
        "tf.load_op_library tf.local_variables tf.losses.add_loss tf.losses.get_losses "
        "tf.losses.get_regularization_losses tf.make_ndarray tf.make_template "
        "tf.make_tensor_proto tf.map_fn tf.model_variables tf.moving_average_variables "
        "tf.name_scope tf.nn.bidirectional_dynamic_rnn tf.nn.ctc_beam_search_decoder "
        "tf.nn.ctc_greedy_decoder tf.nn.dynamic_rnn tf.nn.raw_rnn tf.nn.static_rnn "
        "tf.no_gradient tf.op_scope tf.print tf.reset_default_graph tf.set_random_seed "
        "tf.switch_case tf.trainable_variables tf.variable_creator_scope tf.variable_scope "
        "tf.while_loop"
    )
    | TENSOR_SEQUENCE_FUNCTIONS
    | _BY_NAME.keys()
)

_CONTAINER_FACTORIES = _names(
    "Counter OrderedDict collections.Counter collections.OrderedDict collections.defaultdict "
    "defaultdict dict frozenset set"
)
_TENSOR_METHODS = _names("read_value initialized_value value assign assign_add assign_sub")
_ORDERING = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)


def kind_of_tf_call(name: str) -> ValueKind | None:
    """The kind of value that calling the TensorFlow symbol `name` ("tf.x.y") returns."""
    kind = _BY_NAME.get(name)
    if kind is not None:
        return kind
    namespace, _, last = name.rpartition(".")
    if last.endswith("Optimizer") and name.startswith(("tf.train.", "tf.contrib.")):
        return ValueKind.OPTIMIZER
    if (
        namespace in _TENSOR_NAMESPACES
        and last[:1].islower()
        and not last.startswith("assert")
        and name not in _NOT_TENSOR
    ):
        return ValueKind.TENSOR
    return None


@dataclass
class _Scope:
    is_class: bool
    names: dict[str, ValueKind | None] = field(default_factory=dict)


class Bindings:
    """The kinds of values held by names, updated as a visitor walks the module in order.

    A rule drives it: `enter_function`/`enter_class`/`leave_scope` around scopes, `bind` after an
    assignment statement, `kind_of(expression)` when it needs to know.
    """

    def __init__(self, resolve: Resolver) -> None:
        self._resolve = resolve
        self._scopes: list[_Scope] = [_Scope(is_class=False)]
        self._dotted: dict[str, ValueKind | None] = {}

    # -- scopes -------------------------------------------------------------------------------

    def enter_function(self, parameters: cst.Parameters) -> None:
        scope = _Scope(is_class=False)
        for param in _all_parameters(parameters):
            scope.names[param.name.value] = None
        self._scopes.append(scope)

    def enter_class(self) -> None:
        self._scopes.append(_Scope(is_class=True))

    def leave_scope(self) -> None:
        if len(self._scopes) > 1:
            self._scopes.pop()

    # -- binding ------------------------------------------------------------------------------

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        """Record `target = value`; tuple targets unpack tuples and tensor sequences."""
        if isinstance(target, cst.Tuple | cst.List):
            elements = [e.value for e in target.elements]
            if isinstance(value, cst.Tuple | cst.List) and len(value.elements) == len(elements):
                for element, item in zip(elements, value.elements, strict=True):
                    self.bind(element, item.value)
                return
            unpacked = ValueKind.TENSOR if self._is_tensor_sequence(value) else None
            for element in elements:
                self.bind_kind(element, unpacked)
            return
        self.bind_kind(target, None if value is None else self.kind_of(value))

    def bind_kind(self, target: cst.BaseExpression, kind: ValueKind | None) -> None:
        if isinstance(target, cst.StarredElement):
            target = target.value
        if isinstance(target, cst.Name):
            self._scopes[-1].names[target.value] = kind
            return
        if isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self.bind_kind(element.value, None)
            return
        spelled = dotted_name(target)
        if spelled is not None:
            self._dotted[spelled] = kind

    def bind_loop(self, target: cst.BaseExpression, iterable: cst.BaseExpression) -> None:
        """`for target in iterable`: elements of a tensor sequence are tensors."""
        kind = ValueKind.TENSOR if self._is_tensor_sequence(iterable) else None
        self.bind_kind(target, kind)

    # -- queries ------------------------------------------------------------------------------

    def is_tensor(self, node: cst.BaseExpression) -> bool:
        return self.kind_of(node) in TENSOR_LIKE

    def kind_of(self, node: cst.BaseExpression) -> ValueKind | None:
        if isinstance(node, cst.Name):
            return self._lookup(node.value)
        if isinstance(node, cst.Attribute):
            spelled = dotted_name(node)
            return self._dotted.get(spelled) if spelled is not None else None
        if isinstance(node, cst.Call):
            return self._kind_of_call(node)
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.left, cst.SimpleString | cst.FormattedString):
                return None
            if self.is_tensor(node.left) or self.is_tensor(node.right):
                return ValueKind.TENSOR
            return None
        if isinstance(node, cst.UnaryOperation):
            if not isinstance(node.operator, cst.Not) and self.is_tensor(node.expression):
                return ValueKind.TENSOR
            return None
        if isinstance(node, cst.Comparison):
            ordering = all(isinstance(t.operator, _ORDERING) for t in node.comparisons)
            operands = [node.left, *(t.comparator for t in node.comparisons)]
            if ordering and any(self.is_tensor(o) for o in operands):
                return ValueKind.TENSOR
            return None
        if isinstance(node, cst.Subscript):
            return ValueKind.TENSOR if self.is_tensor(node.value) else None
        if isinstance(node, cst.Dict | cst.Set | cst.DictComp | cst.SetComp):
            return ValueKind.CONTAINER
        if isinstance(node, cst.IfExp):
            body, orelse = self.kind_of(node.body), self.kind_of(node.orelse)
            return body if body == orelse else None
        return None

    def _lookup(self, name: str) -> ValueKind | None:
        for index, scope in enumerate(reversed(self._scopes)):
            if scope.is_class and index > 0:
                continue
            if name in scope.names:
                return scope.names[name]
        return None

    def _kind_of_call(self, node: cst.Call) -> ValueKind | None:
        func = node.func
        name = self._resolve(func)
        if name is not None:
            return kind_of_tf_call(name)
        spelled = dotted_name(func)
        if spelled in _CONTAINER_FACTORIES:
            return ValueKind.CONTAINER
        if not isinstance(func, cst.Attribute):
            return None
        method = func.attr.value
        if method in ("make_one_shot_iterator", "make_initializable_iterator"):
            return ValueKind.ITERATOR
        if method in ("managed_session", "prepare_or_wait_for_session"):
            return ValueKind.SESSION
        receiver = self.kind_of(func.value)
        if receiver is ValueKind.ITERATOR and method == "get_next":
            return ValueKind.TENSOR
        if receiver is ValueKind.SESSION and method == "as_default":
            return ValueKind.SESSION
        if receiver is ValueKind.OPTIMIZER and method in ("minimize", "apply_gradients"):
            return ValueKind.OPERATION
        if receiver in TENSOR_LIKE and method in _TENSOR_METHODS:
            return ValueKind.TENSOR
        return None

    def _is_tensor_sequence(self, node: cst.BaseExpression | None) -> bool:
        if not isinstance(node, cst.Call):
            return False
        name = self._resolve(node.func)
        if name is not None:
            return name in TENSOR_SEQUENCE_FUNCTIONS
        func = node.func
        return (
            isinstance(func, cst.Attribute)
            and func.attr.value == "get_next"
            and self.kind_of(func.value) is ValueKind.ITERATOR
        )


def _all_parameters(parameters: cst.Parameters) -> Iterator[cst.Param]:
    yield from parameters.posonly_params
    yield from parameters.params
    yield from parameters.kwonly_params
    for star in (parameters.star_arg, parameters.star_kwarg):
        if isinstance(star, cst.Param):
            yield star
