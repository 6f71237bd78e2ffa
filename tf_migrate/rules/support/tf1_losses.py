"""TF1's `tf.losses` functions written with TF2 ops (TFM205's fixes).

Each formula mirrors TF 1.15's `losses_impl.py` operation by operation: the element-wise loss,
multiplied by the default weights 1.0 (exact), then reduced. A formula is a template whose
`__X__` placeholders stand for the call's own argument nodes and `{tf}` for the file's alias of
the tensorflow module; `expression` fills it in, parenthesising an argument where an operator
needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from tf_migrate.cst.atoms import parenthesized

# Parameters of each TF1 function, in TF1's order (TF 1.15 signatures).
_COMMON = ("scope", "loss_collection", "reduction")
PARAMS: dict[str, tuple[str, ...]] = {
    "tf.losses.absolute_difference": ("labels", "predictions", "weights", *_COMMON),
    "tf.losses.mean_squared_error": ("labels", "predictions", "weights", *_COMMON),
    "tf.losses.hinge_loss": ("labels", "logits", "weights", *_COMMON),
    "tf.losses.huber_loss": ("labels", "predictions", "weights", "delta", *_COMMON),
    "tf.losses.log_loss": ("labels", "predictions", "weights", "epsilon", *_COMMON),
    "tf.losses.sigmoid_cross_entropy": (
        "multi_class_labels", "logits", "weights", "label_smoothing", *_COMMON
    ),
    "tf.losses.softmax_cross_entropy": (
        "onehot_labels", "logits", "weights", "label_smoothing", *_COMMON
    ),
    "tf.losses.sparse_softmax_cross_entropy": ("labels", "logits", "weights", *_COMMON),
}
LAST_NAMES = frozenset(name.rsplit(".", 1)[1] for name in PARAMS)

# TF1 casts both operands of these to float32 before computing the loss.
FLOAT32_OPERANDS = frozenset(
    {
        "tf.losses.absolute_difference",
        "tf.losses.mean_squared_error",
        "tf.losses.hinge_loss",
        "tf.losses.huber_loss",
        "tf.losses.log_loss",
    }
)
# TF1 casts the labels of these to the logits' dtype.
LABELS_TO_LOGITS_DTYPE = frozenset(
    {"tf.losses.sigmoid_cross_entropy", "tf.losses.softmax_cross_entropy"}
)

# The element-wise losses; __L__ labels, __P__ predictions or logits, __D__ delta, __E__ epsilon,
# __S__ label_smoothing. `repeats` names the placeholders a formula uses more than once (their
# arguments must be names or literals: evaluating an expression twice could differ).
_ELEMENTWISE = {
    "tf.losses.absolute_difference": "{tf}.abs(__P__ - __L__)",
    "tf.losses.mean_squared_error": "{tf}.math.squared_difference(__P__, __L__)",
    "tf.losses.hinge_loss": "{tf}.nn.relu(1 - (2 * __L__ - 1) * __P__)",
    "tf.losses.huber_loss": "0.5 * {tf}.square({tf}.minimum({tf}.abs(__P__ - __L__), __D__))"
    " + __D__ * ({tf}.abs(__P__ - __L__) - {tf}.minimum({tf}.abs(__P__ - __L__), __D__))",
    "tf.losses.log_loss": "-(__L__ * {tf}.math.log(__P__ + __E__))"
    " - (1 - __L__) * {tf}.math.log(1 - __P__ + __E__)",
    "tf.losses.sigmoid_cross_entropy": "{tf}.nn.sigmoid_cross_entropy_with_logits("
    "labels=__L__, logits=__P__)",
    "tf.losses.softmax_cross_entropy": "{tf}.nn.softmax_cross_entropy_with_logits("
    "labels={tf}.stop_gradient(__L__), logits=__P__)",
    "tf.losses.sparse_softmax_cross_entropy": "{tf}.nn.sparse_softmax_cross_entropy_with_logits("
    "labels=__L__, logits=__P__)",
}
REPEATS: dict[str, tuple[str, ...]] = {
    "tf.losses.huber_loss": ("__P__", "__L__", "__D__"),
    "tf.losses.log_loss": ("__P__", "__L__", "__E__"),
}
# TF1's label smoothing, applied to the (cast) labels before the loss.
SMOOTHING = {
    "tf.losses.sigmoid_cross_entropy": "__L__ * (1 - __S__) + 0.5 * __S__",
    "tf.losses.softmax_cross_entropy": "__L__ * (1 - __S__)"
    " + __S__ / {tf}.cast({tf}.shape(__O__)[-1], __P__.dtype)",
}
DEFAULTS = {"__D__": "1.0", "__E__": "1e-07"}

# `reduction` values (TF1's `tf.losses.Reduction` names and their string values) -> the TF2
# reduction that equals it when every weight is 1: SUM_BY_NONZERO_WEIGHTS, MEAN and
# SUM_OVER_BATCH_SIZE all divide the sum by the number of elements.
REDUCTIONS = {
    "SUM_BY_NONZERO_WEIGHTS": "mean",
    "SUM_OVER_NONZERO_WEIGHTS": "mean",
    "MEAN": "mean",
    "SUM_OVER_BATCH_SIZE": "mean",
    "SUM": "sum",
    "NONE": "none",
    "weighted_sum_by_nonzero_weights": "mean",
    "weighted_mean": "mean",
    "weighted_sum_over_batch_size": "mean",
    "weighted_sum": "sum",
    "none": "none",
}
_REDUCE = {"mean": "{tf}.reduce_mean(__X__)", "sum": "{tf}.reduce_sum(__X__)", "none": "__X__"}


def is_simple(node: cst.BaseExpression) -> bool:
    """A name, `a.b.c`, or a number: cheap to repeat and the same each time it is evaluated."""
    if isinstance(node, cst.Name | cst.Integer | cst.Float):
        return True
    if isinstance(node, cst.Attribute):
        return is_simple(node.value) and not isinstance(node.value, cst.Integer | cst.Float)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        return isinstance(node.expression, cst.Integer | cst.Float)
    return False


def number(node: cst.BaseExpression) -> float | None:
    """The value of a number literal (`1`, `0.1`, `-0.5`), else None."""
    if isinstance(node, cst.Integer | cst.Float):
        value = node.evaluated_value
        return float(value) if isinstance(value, int | float) else None
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus):
        inner = number(node.expression)
        return None if inner is None else -inner
    return None


class _Fill(cst.CSTTransformer):
    def __init__(self, values: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.values = values
        self.filled: set[int] = set()

    def leave_Name(
        self, original_node: cst.Name, updated_node: cst.Name
    ) -> cst.BaseExpression:
        value = self.values.get(original_node.value)
        if value is None:
            return updated_node
        self.filled.add(id(value))
        return value

    def _wrap(self, node: cst.BaseExpression) -> cst.BaseExpression:
        return parenthesized(node) if id(node) in self.filled else node

    def leave_BinaryOperation(
        self, original_node: cst.BinaryOperation, updated_node: cst.BinaryOperation
    ) -> cst.BaseExpression:
        return updated_node.with_changes(
            left=self._wrap(updated_node.left), right=self._wrap(updated_node.right)
        )

    def leave_UnaryOperation(
        self, original_node: cst.UnaryOperation, updated_node: cst.UnaryOperation
    ) -> cst.BaseExpression:
        return updated_node.with_changes(expression=self._wrap(updated_node.expression))

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return updated_node.with_changes(value=self._wrap(updated_node.value))


def expression(template: str, tf: str, values: dict[str, cst.BaseExpression]) -> cst.BaseExpression:
    """`template` with `{tf}` the tensorflow alias and each placeholder its node."""
    parsed = cst.parse_expression(template.replace("{tf}", tf))
    filled = parsed.visit(_Fill(values))
    assert isinstance(filled, cst.BaseExpression)
    return filled


@dataclass(frozen=True)
class Formula:
    """The TF2 expression's template for one call: element-wise loss, smoothing, reduction."""

    elementwise: str
    reduction: str

    def template(self) -> str:
        return _REDUCE[self.reduction].replace("__X__", self.elementwise)


def formula(name: str, reduction: str, smoothing: bool) -> Formula:
    elementwise = _ELEMENTWISE[name]
    if smoothing:
        smoothed = SMOOTHING[name]
        # The labels appear once in the element-wise loss: replace them by the smoothed labels,
        # whose own `__L__` is the (cast) labels and `__O__` the labels as written.
        elementwise = elementwise.replace("__L__", smoothed)
    return Formula(elementwise, reduction)


def readable(name: str) -> str:
    """The element-wise TF2 loss of `name`, with `labels`, `predictions` &c. for a message."""
    params = PARAMS[name]
    text = _ELEMENTWISE[name].replace("{tf}", "tf")
    text = text.replace("__L__", params[0]).replace("__P__", params[1])
    return text.replace("__D__", "delta").replace("__E__", "epsilon")
