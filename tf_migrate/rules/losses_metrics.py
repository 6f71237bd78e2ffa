"""TFM205-TFM206: TF1 `tf.losses` functions and `tf.metrics` streaming metrics."""

from __future__ import annotations

import libcst as cst

from tf_migrate.cst.arguments import argument, bind_args
from tf_migrate.cst.dotted import last_name
from tf_migrate.model import Applicability
from tf_migrate.rules.registry import symbol_owner
from tf_migrate.rules.support.dtypes import (
    FLOAT_DTYPES,
    ScopeAssignments,
    ScopeTracking,
    is_float,
)
from tf_migrate.rules.support.rule import (
    Invalid,
    NeededImport,
    RuleOptions,
    UnusedImport,
    Valid,
)
from tf_migrate.rules.support.symbol_findings import SymbolFinding
from tf_migrate.rules.support.tf1_losses import (
    DEFAULTS,
    FLOAT32_OPERANDS,
    LABELS_TO_LOGITS_DTYPE,
    LAST_NAMES,
    PARAMS,
    REDUCTIONS,
    REPEATS,
    expression,
    formula,
    is_simple,
    number,
    readable,
)
from tf_migrate.rules.support.tf_names import tf_target

H = "import tensorflow as tf\n"
V1 = "import tensorflow.compat.v1 as tf\n"
Scope = dict[str, list[cst.BaseExpression | None]]

_REDUCTION = (
    "; TF1 reduces with SUM_BY_NONZERO_WEIGHTS (divides by the number of nonzero weights), Keras "
    "averages over the batch"
)
_COLLECTED = "sum the `losses` of the model or modules that create them"


def _loss(name: str) -> str:
    return (
        f"with the default `weights` it is `tf.reduce_mean({readable(name)})` (TF1 averages over "
        "all elements; with `weights` it divides by the number of nonzero weights; the Keras "
        "function of the same name returns one value per sample)"
    )


def _metric(keras: str) -> str:
    return (
        f"use `m = tf.keras.metrics.{keras}`, then `m.update_state(labels, predictions)` and "
        "`m.result()`"
    )


class TF1Losses(ScopeTracking, SymbolFinding):
    """## What it does
    Reports the TF1 loss functions of `tf.losses` (`mean_squared_error`,
    `softmax_cross_entropy`, `sparse_softmax_cross_entropy`, ...) and its loss collection
    (`get_total_loss`, `get_regularization_loss`, `add_loss`, ...). The TF2 classes of the same
    namespace (`tf.losses.MeanSquaredError`) are not reported.

    Calls of `absolute_difference`, `mean_squared_error`, `hinge_loss`, `huber_loss`, `log_loss`,
    `sigmoid_cross_entropy`, `softmax_cross_entropy` and `sparse_softmax_cross_entropy` with the
    default `weights` are rewritten to the same computation with TF2 ops: TF1's element-wise loss
    (operation for operation as TF 1.15 computes it), averaged over all elements.

    ## Why is this bad?
    In TF2 `tf.losses` is `tf.keras.losses`: the functions of the same name take their arguments
    in a different order and reduce differently (`tf.losses.mean_squared_error` returns one value
    per sample; TF1's default reduction divides the sum of the weighted losses by the number of
    nonzero weights), and there is no loss collection.

    ## Example
    ```python
    loss = tf.losses.softmax_cross_entropy(onehot_labels, logits)
    ```

    ## Use instead
    ```python
    labels = tf.stop_gradient(onehot_labels)
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    ```

    ## Fix safety
    Safe where applied. With `weights` 1 (the default), TF1's reductions SUM_BY_NONZERO_WEIGHTS
    (the default), MEAN and SUM_OVER_BATCH_SIZE all divide the sum by the number of elements, which
    is `tf.reduce_mean`; SUM is `tf.reduce_sum` and NONE the element-wise losses. The element-wise
    formulas are TF 1.15's (`losses_impl.py`): `squared_difference(predictions, labels)`,
    `abs(predictions - labels)`, Huber's `0.5 * min(|e|, delta)^2 + delta * (|e| - min(|e|,
    delta))`, the log loss with its `epsilon`, `relu(1 - (2 * labels - 1) * logits)`, label
    smoothing as TF1 writes it, and `stop_gradient` on the labels of the softmax cross-entropy
    (TF1 stops gradients into them; the sigmoid one does not). `tf-migrate verify`-style checks
    (scripts/check_loss_table.py) measured values and gradients equal on float32 inputs.

    TF1 casts the operands of the regression and hinge losses to float32: an operand that is not
    provably floating point (a float literal, a float placeholder, constant or cast, ...) is written
    `tf.cast(x, tf.float32)`. The cross-entropies cast the labels to the logits' dtype: labels that
    are not provably floating point are written `tf.cast(labels, logits.dtype)` when the logits are
    a name, and the call is otherwise a manual finding. Only `mean_squared_error` also exists in
    TF2 (as Keras' per-sample loss): it is rewritten only in a file that shows it is TF1 code.

    Not equal in corner cases: on float64 inputs TF1 rounded the losses to float32 before
    averaging (the rewrite is more precise, and regression losses return float64); on an empty
    batch TF1 returned 0 where `tf.reduce_mean` gives NaN; a `scope=` name is dropped; the
    sparse cross-entropy no longer squeezes labels of shape [N, 1] (TF2 raises a shape error).

    Manual: `weights` other than 1 (TF1 divides the weighted sum by the count of nonzero
    broadcast weights, unlike Keras' `sample_weight` mean), a `reduction` or `label_smoothing`
    that is not a literal, a `loss_collection` other than the default or None, any call in a
    file that reads the LOSSES collection (`tf.losses.get_total_loss()`, `get_losses()`,
    `tf.get_collection(tf.GraphKeys.LOSSES)`), and repeated operands (Huber, log loss, softmax
    label smoothing) that are not names: evaluating an expression twice could differ.
    """

    code = "TFM205"
    name = "tf1-losses"
    message = "`{name}` is a TF1 loss: {advice}"
    fix_title = "Write the TF1 loss with TF2 ops"
    applicability = Applicability.SAFE
    symbols = {
        "tf.losses.absolute_difference": _loss("tf.losses.absolute_difference"),
        "tf.losses.mean_squared_error": _loss("tf.losses.mean_squared_error"),
        "tf.losses.huber_loss": _loss("tf.losses.huber_loss"),
        "tf.losses.log_loss": _loss("tf.losses.log_loss"),
        "tf.losses.hinge_loss": _loss("tf.losses.hinge_loss"),
        "tf.losses.sigmoid_cross_entropy": _loss("tf.losses.sigmoid_cross_entropy"),
        "tf.losses.softmax_cross_entropy": _loss("tf.losses.softmax_cross_entropy"),
        "tf.losses.sparse_softmax_cross_entropy": _loss("tf.losses.sparse_softmax_cross_entropy"),
        "tf.losses.cosine_distance": "use `1 + tf.keras.losses.CosineSimilarity(axis)` (Keras "
        "returns the negative similarity)" + _REDUCTION,
        "tf.losses.mean_pairwise_squared_error": "no Keras loss computes it: write it with tf ops",
        "tf.losses.compute_weighted_loss": "multiply by the weights and reduce explicitly",
        "tf.losses.get_losses": _COLLECTED,
        "tf.losses.get_total_loss": _COLLECTED,
        "tf.losses.get_regularization_loss": _COLLECTED,
        "tf.losses.get_regularization_losses": _COLLECTED,
        "tf.losses.add_loss": "return the loss, or `self.add_loss(...)` in a Keras layer",
        "tf.losses.Reduction": "pass `reduction='sum_over_batch_size' | 'sum' | 'none'` to the "
        "Keras loss",
    }
    examples = (
        Valid("import tensorflow as tf\nloss = tf.losses.MeanSquaredError()(y, p)\n"),
        Valid("import torch\nloss = torch.nn.functional.mse_loss(y, p)\n"),
        Invalid(
            V1 + "loss = tf.losses.mean_squared_error(y, p)\n",
            fixed=V1 + "loss = tf.reduce_mean(tf.math.squared_difference("
            "tf.cast(p, tf.float32), tf.cast(y, tf.float32)))\n",
        ),
        Invalid(
            H + "y = tf.placeholder(tf.float32, [None, 1])\np = tf.layers.dense(x, 1)\n"
            "loss = tf.losses.mean_squared_error(labels=y, predictions=p)\n",
            fixed=H + "y = tf.placeholder(tf.float32, [None, 1])\np = tf.layers.dense(x, 1)\n"
            "loss = tf.reduce_mean(tf.math.squared_difference(tf.cast(p, tf.float32), y))\n",
        ),
        Invalid(
            H + "loss = tf.losses.absolute_difference(y, p + 1.0)\n",
            fixed=H + "loss = tf.reduce_mean(tf.abs((p + 1.0) - tf.cast(y, tf.float32)))\n",
        ),
        Invalid(
            H + "loss = tf.losses.softmax_cross_entropy(onehot, logits)\n",
            fixed=H + "loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits("
            "labels=tf.stop_gradient(tf.cast(onehot, logits.dtype)), logits=logits))\n",
        ),
        Invalid(
            "from tensorflow import losses\n"
            "loss = losses.sparse_softmax_cross_entropy(labels=y, logits=model(x))\n",
            fixed="import tensorflow as tf\n\n"
            "loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits("
            "labels=y, logits=model(x)))\n",
        ),
        Invalid(
            "import tensorflow\n"
            "loss = tensorflow.compat.v1.losses.sigmoid_cross_entropy(tensorflow.to_float(y), z,"
            " label_smoothing=0.1)\n",
            fixed="import tensorflow\n"
            "loss = tensorflow.reduce_mean(tensorflow.nn.sigmoid_cross_entropy_with_logits("
            "labels=tensorflow.to_float(y) * (1 - 0.1) + 0.5 * 0.1, logits=z))\n",
        ),
        Invalid(
            H + "loss = tf.losses.log_loss(y, p, epsilon=1e-5, "
            "reduction=tf.losses.Reduction.SUM)\n",
            fixed=H + "loss = tf.reduce_sum(-(tf.cast(y, tf.float32) * tf.math.log("
            "tf.cast(p, tf.float32) + 1e-5)) - (1 - tf.cast(y, tf.float32)) * tf.math.log("
            "1 - tf.cast(p, tf.float32) + 1e-5))\n",
        ),
        Invalid(
            H + "d = 2.0\nloss = tf.losses.huber_loss(y, p, delta=d)\n",
            fixed=H + "d = 2.0\nloss = tf.reduce_mean(0.5 * tf.square(tf.minimum(tf.abs("
            "tf.cast(p, tf.float32) - tf.cast(y, tf.float32)), d)) + d * (tf.abs("
            "tf.cast(p, tf.float32) - tf.cast(y, tf.float32)) - tf.minimum(tf.abs("
            "tf.cast(p, tf.float32) - tf.cast(y, tf.float32)), d)))\n",
        ),
        Invalid(H + "loss = tf.losses.softmax_cross_entropy(y, logits, weights=w)\n"),
        Invalid(
            H + "loss = tf.losses.mean_squared_error(y, p)\ntotal = tf.losses.get_total_loss()\n"
        ),
        Invalid("from tensorflow import losses\nloss = losses.get_total_loss()\n"),
    )

    def __init__(self, options: RuleOptions | None = None) -> None:
        super().__init__(options)
        self._scopes = ScopeAssignments()
        self._module_scope: Scope = self._scopes.current
        # The func of each call to a fixable loss -> the call and the scope it is in.
        self._loss_calls: dict[cst.CSTNode, tuple[cst.Call, Scope]] = {}
        # Each argument of such a call -> the call (a `tf.losses.Reduction.X` there is part of it).
        self._loss_args: dict[cst.CSTNode, cst.Call] = {}
        self._pending: list[tuple[cst.Call, str, Scope, cst.Attribute | cst.Name, str]] = []
        self._nested: dict[cst.Call, list[tuple[cst.Attribute | cst.Name, str]]] = {}
        self._readers: list[str] = []  # how the file reads the LOSSES collection

    # -- which uses are calls to fix, decided once the whole file is seen ----------------------

    def on_reference(self, node: cst.Attribute | cst.Name, name: str) -> None:
        reads = name in _READERS or name.rpartition(".")[2] in _READER_LAST_NAMES
        if reads and node not in self._loss_args:  # `loss_collection=...LOSSES` writes it
            self._readers.append(f"`{name}` at line {self.position(node).start.line}")
        found = symbol_owner(name)
        if found is None or found[0] is not type(self):
            return
        call = self._loss_calls.get(node)
        if call is not None and name in PARAMS:
            self._pending.append((call[0], name, call[1], node, found[1]))
            return
        owner = self._loss_args.get(node)
        if owner is not None and name.startswith("tf.losses.Reduction."):
            self._nested.setdefault(owner, []).append((node, name))
            return
        super().on_reference(node, name)

    def visit_Call(self, node: cst.Call) -> None:
        last = last_name(node.func)
        if last in LAST_NAMES:
            self._loss_calls[node.func] = (node, self._scopes.current)
            for arg in node.args:
                self._loss_args[arg.value] = node
        elif last in ("get_collection", "get_collection_ref"):
            key = node.args[0].value if node.args else None
            if key is None or not (
                (isinstance(key, cst.SimpleString) and key.evaluated_value != "losses")
                or (isinstance(key, cst.Attribute) and key.attr.value != "LOSSES")
            ):
                line = self.position(node).start.line
                self._readers.append(f"`{last}` of a collection at line {line}")

    def leave_Module(self, original_node: cst.Module) -> None:
        for call, name, scope, func, key in self._pending:
            view = scope if scope is self._module_scope else {**self._module_scope, **scope}
            replacement, message, imports, removals = self._rewrite(call, name, func, view)
            if replacement is None:
                if not message.startswith("with `weights`"):
                    message += f"; {self.symbols[key]}"
                self.report(call, f"`{name}` is a TF1 loss: {message}")
                for node, nested in self._nested.get(call, ()):
                    super().on_reference(node, nested)
                continue
            self.report(
                call,
                f"`{name}` is a TF1 loss (in TF2 `tf.losses` is `tf.keras.losses`): {message}",
                replacement=replacement,
                add_imports=imports,
                remove_imports=removals,
            )

    # -- the rewrite ---------------------------------------------------------------------------

    def _rewrite(
        self, call: cst.Call, name: str, func: cst.BaseExpression, scope: Scope
    ) -> tuple[cst.BaseExpression | None, str, tuple[NeededImport, ...], tuple[UnusedImport, ...]]:
        """The TF2 expression for `call` and the message; (None, why) when it is not rewritten."""
        no: tuple[()] = ()
        params = PARAMS[name]
        bound = bind_args(call, params)
        if bound is None:
            return None, "its arguments cannot be read (`*args`, unknown or repeated)", no, no
        labels, predictions = params[0], params[1]
        if labels not in bound or predictions not in bound:
            return None, f"`{labels}` and `{predictions}` are required", no, no
        if name == "tf.losses.mean_squared_error" and not self._shows_tf1():
            return None, "it is not rewritten in a file that does not show it is TF1 code", no, no
        weights = bound.get("weights")
        if weights is not None and number(weights) != 1.0:
            return None, _weighted(name), no, no
        reduction = "mean"
        if "reduction" in bound:
            found = self._reduction(bound["reduction"])
            if found is None:
                return None, "its `reduction` is not a `tf.losses.Reduction` constant", no, no
            reduction = found
        collection = bound.get("loss_collection")
        if not _is_none(collection):
            if collection is not None and not self._is_losses_key(collection):
                return None, "it adds the loss to another collection than LOSSES", no, no
            if self._readers:
                return None, (
                    "TF1 adds it to the LOSSES collection and this file reads that collection ("
                    + ", ".join(self._readers)
                    + "): return the loss and sum the losses explicitly"
                ), no, no
        smoothing = False
        if "label_smoothing" in bound:
            value = number(bound["label_smoothing"])
            if value is None or value < 0:
                return None, "its `label_smoothing` is not a number literal", no, no
            smoothing = value > 0

        tf_func, imports, removals = tf_target(self, func, "tf")
        tf = _code(tf_func)
        values: dict[str, cst.BaseExpression] = {}
        label_node, pred_node = bound[labels], bound[predictions]
        values["__O__"] = label_node
        values["__P__"] = pred_node
        if name in FLOAT32_OPERANDS:
            values["__L__"] = self._float32(label_node, scope, tf)
            values["__P__"] = self._float32(pred_node, scope, tf)
        elif name in LABELS_TO_LOGITS_DTYPE and not self._is_float(label_node, scope):
            if not is_simple(pred_node):
                return None, (
                    f"TF1 casts `{labels}` to the logits' dtype and they are not provably floating"
                    " point here: assign the logits to a name or cast the labels first"
                ), no, no
            values["__L__"] = expression(f"{tf}.cast(__O__, __P__.dtype)", tf, values)
        else:
            values["__L__"] = label_node
        for placeholder, param in (("__D__", "delta"), ("__E__", "epsilon")):
            default = cst.parse_expression(DEFAULTS[placeholder])
            values[placeholder] = bound.get(param, default)
        if smoothing:
            values["__S__"] = bound["label_smoothing"]
        repeated = list(REPEATS.get(name, ()))
        if smoothing and name == "tf.losses.softmax_cross_entropy":
            repeated.append("__P__")  # the logits and their dtype
            if values["__L__"] is not label_node:
                repeated.append("__O__")  # the labels, cast and in `tf.shape`
        originals = {"__P__": pred_node, "__L__": label_node, "__O__": label_node}
        for placeholder in repeated:
            node = originals.get(placeholder, values[placeholder])
            if not is_simple(node):
                return None, (
                    "its TF2 formula uses an operand more than once and "
                    f"`{_code(node)}` is not a name: assign it to a name first"
                ), no, no
        built = formula(name, reduction, smoothing)
        replacement = expression(built.template(), tf, values)
        message = {
            "mean": "TF1 averages it over all elements",
            "sum": "TF1 sums it (reduction SUM)",
            "none": "TF1 returns the element-wise losses (reduction NONE)",
        }[reduction]
        return replacement, message, imports, removals

    def _float32(self, node: cst.BaseExpression, scope: Scope, tf: str) -> cst.BaseExpression:
        """TF1 casts this operand to float32: keep it when provably floating point."""
        if self._is_float(node, scope):
            return node
        return expression(f"{tf}.cast(__X__, {tf}.float32)", tf, {"__X__": node})

    def _is_float(
        self, node: cst.BaseExpression, scope: Scope, seen: frozenset[str] = frozenset()
    ) -> bool:
        """`_dtypes.is_float`, and also a placeholder with a floating-point dtype."""
        if isinstance(node, cst.Name) and node.value not in seen:
            values = scope.get(node.value)
            if values and all(
                v is not None and self._is_float(v, scope, seen | {node.value}) for v in values
            ):
                return True
        if isinstance(node, cst.Call) and self.tf_name(node.func) == "tf.placeholder":
            dtype = argument(node, "dtype", 0)
            return dtype is not None and (
                self.tf_name(dtype) in FLOAT_DTYPES
                or (
                    isinstance(dtype, cst.SimpleString)
                    and dtype.evaluated_value in ("float16", "float32", "float64", "bfloat16")
                )
            )
        return is_float(node, self.tf_name, scope)

    def _reduction(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return REDUCTIONS.get(value) if isinstance(value, str) else None
        spelled = self.resolve_symbol(node)
        prefix = "tf.losses.Reduction."
        if spelled is None or not spelled.startswith(prefix):
            return None
        return REDUCTIONS.get(spelled[len(prefix) :])

    def _is_losses_key(self, node: cst.BaseExpression) -> bool:
        if isinstance(node, cst.SimpleString):
            return node.evaluated_value == "losses"
        return self.resolve_symbol(node) == "tf.GraphKeys.LOSSES"

    def _shows_tf1(self) -> bool:
        """Whether the file is TF1 code by evidence other than `tf.losses` names that TF2 has."""
        return self.facts.shows_tf1(ignoring=_AMBIGUOUS)


_READERS = frozenset({"tf.GraphKeys.LOSSES"})
_READER_LAST_NAMES = frozenset({"get_total_loss", "get_losses"})
_AMBIGUOUS = ("tf.losses.mean_squared_error", "tf.losses.Reduction")
_MODULE = cst.Module(body=[])


def _code(node: cst.CSTNode) -> str:
    return _MODULE.code_for_node(node)


def _is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _weighted(name: str) -> str:
    return (
        "with `weights`, TF1 divides the sum of the weighted losses by the number of nonzero "
        "weights broadcast to the losses' shape (not Keras' mean with `sample_weight`): "
        "`tf.math.divide_no_nan(tf.reduce_sum(losses * weights), tf.cast(tf.math.count_nonzero("
        "tf.broadcast_to(weights, tf.shape(losses))), tf.float32))` with "
        f"`losses = {readable(name)}`"
    )


class TF1Metrics(SymbolFinding):
    """## What it does
    Reports the TF1 streaming metrics of `tf.metrics` (`accuracy`, `auc`, `mean`, `precision`,
    ...), which return a value and an update op. The TF2 classes of the same namespace
    (`tf.metrics.Mean`) are not reported.

    ## Why is this bad?
    In TF2 `tf.metrics` is `tf.keras.metrics`: metrics are objects with `update_state`,
    `result` and `reset_state`, and their state is not in local variables of a graph.

    ## Example
    ```python
    acc, update_acc = tf.metrics.accuracy(labels, predictions)
    ```

    ## Use instead
    ```python
    acc = tf.keras.metrics.Accuracy()
    acc.update_state(labels, predictions)
    value = acc.result()
    ```

    ## Fix safety
    Manual: the update op's run sites become `update_state` calls.
    """

    code = "TFM206"
    name = "tf1-metrics"
    message = "`{name}` is a TF1 streaming metric (a value and an update op): {advice}"
    symbols = {
        "tf.metrics.accuracy": _metric("Accuracy()"),
        "tf.metrics.auc": _metric("AUC(num_thresholds=200)"),
        "tf.metrics.mean": _metric("Mean()"),
        "tf.metrics.mean_tensor": _metric("MeanTensor()"),
        "tf.metrics.mean_absolute_error": _metric("MeanAbsoluteError()"),
        "tf.metrics.mean_squared_error": _metric("MeanSquaredError()"),
        "tf.metrics.root_mean_squared_error": _metric("RootMeanSquaredError()"),
        "tf.metrics.mean_relative_error": _metric("MeanRelativeError(normalizer)"),
        "tf.metrics.mean_iou": _metric("MeanIoU(num_classes)"),
        "tf.metrics.mean_cosine_distance": _metric("CosineSimilarity()") + " (1 - similarity)",
        "tf.metrics.precision": _metric("Precision()"),
        "tf.metrics.recall": _metric("Recall()"),
        "tf.metrics.precision_at_thresholds": _metric("Precision(thresholds=...)"),
        "tf.metrics.recall_at_thresholds": _metric("Recall(thresholds=...)"),
        "tf.metrics.precision_at_top_k": _metric("Precision(top_k=k)"),
        "tf.metrics.recall_at_top_k": _metric("Recall(top_k=k)"),
        "tf.metrics.precision_at_k": _metric("Precision(top_k=k)") + " (sparse labels differ)",
        "tf.metrics.recall_at_k": _metric("Recall(top_k=k)") + " (sparse labels differ)",
        "tf.metrics.true_positives": _metric("TruePositives()"),
        "tf.metrics.true_negatives": _metric("TrueNegatives()"),
        "tf.metrics.false_positives": _metric("FalsePositives()"),
        "tf.metrics.false_negatives": _metric("FalseNegatives()"),
        "tf.metrics.true_positives_at_thresholds": _metric("TruePositives(thresholds=...)"),
        "tf.metrics.true_negatives_at_thresholds": _metric("TrueNegatives(thresholds=...)"),
        "tf.metrics.false_positives_at_thresholds": _metric("FalsePositives(thresholds=...)"),
        "tf.metrics.false_negatives_at_thresholds": _metric("FalseNegatives(thresholds=...)"),
        "tf.metrics.sensitivity_at_specificity": _metric("SensitivityAtSpecificity(s)"),
        "tf.metrics.specificity_at_sensitivity": _metric("SpecificityAtSensitivity(s)"),
        "tf.metrics.mean_per_class_accuracy": "no Keras metric computes it: average per-class "
        "`tf.keras.metrics.Accuracy` objects",
        "tf.metrics.percentage_below": _metric("Mean()") + " of `values < threshold`",
        "tf.metrics.average_precision_at_k": "no Keras metric computes it: keep a "
        "`tf.keras.metrics.Mean` of a per-batch computation",
        "tf.metrics.sparse_average_precision_at_k": "no Keras metric computes it: keep a "
        "`tf.keras.metrics.Mean` of a per-batch computation",
        "tf.metrics.sparse_precision_at_k": _metric("Precision(top_k=k)")
        + " (sparse labels differ)",
    }
    examples = (
        Valid("import tensorflow as tf\nm = tf.metrics.Mean()\n"),
        Invalid("import tensorflow as tf\nacc, update = tf.metrics.accuracy(y, p)\n"),
        Invalid("import tensorflow.compat.v1 as tf\nauc, update = tf.metrics.auc(y, p)\n"),
    )
