"""TFM205-TFM206: TF1 `tf.losses` functions and `tf.metrics` streaming metrics."""

from __future__ import annotations

from tf_migrate.rules.base import Invalid, Valid
from tf_migrate.rules.symbol_findings import SymbolFinding

_REDUCTION = (
    "; TF1 reduces with SUM_BY_NONZERO_WEIGHTS (divides by the number of nonzero weights), Keras "
    "averages over the batch"
)
_COLLECTED = "sum the `losses` of the model or modules that create them"


def _loss(keras: str) -> str:
    return f"use `tf.keras.losses.{keras}` (called as `loss(labels, predictions)`){_REDUCTION}"


def _metric(keras: str) -> str:
    return (
        f"use `m = tf.keras.metrics.{keras}`, then `m.update_state(labels, predictions)` and "
        "`m.result()`"
    )


class TF1Losses(SymbolFinding):
    """## What it does
    Reports the TF1 loss functions of `tf.losses` (`mean_squared_error`,
    `softmax_cross_entropy`, `sparse_softmax_cross_entropy`, ...) and its loss collection
    (`get_total_loss`, `get_regularization_loss`, `add_loss`, ...). The TF2 classes of the same
    namespace (`tf.losses.MeanSquaredError`) are not reported.

    ## Why is this bad?
    In TF2 `tf.losses` is `tf.keras.losses`: the functions of the same name take their arguments
    in a different order and reduce differently (TF1's default reduction divides by the number of
    nonzero weights), and there is no loss collection.

    ## Example
    ```python
    loss = tf.losses.softmax_cross_entropy(onehot_labels, logits)
    ```

    ## Use instead
    ```python
    loss = tf.keras.losses.CategoricalCrossentropy(from_logits=True)(onehot_labels, logits)
    ```

    ## Fix safety
    Manual: with weights, the reductions differ.
    """

    code = "TFM205"
    name = "tf1-losses"
    message = "`{name}` is a TF1 loss: {advice}"
    symbols = {
        "tf.losses.absolute_difference": _loss("MeanAbsoluteError()"),
        "tf.losses.mean_squared_error": _loss("MeanSquaredError()"),
        "tf.losses.huber_loss": _loss("Huber(delta)"),
        "tf.losses.log_loss": _loss("BinaryCrossentropy()"),
        "tf.losses.hinge_loss": _loss("Hinge()"),
        "tf.losses.sigmoid_cross_entropy": _loss("BinaryCrossentropy(from_logits=True)"),
        "tf.losses.softmax_cross_entropy": _loss("CategoricalCrossentropy(from_logits=True)"),
        "tf.losses.sparse_softmax_cross_entropy": _loss(
            "SparseCategoricalCrossentropy(from_logits=True)"
        ),
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
        Invalid("import tensorflow as tf\nloss = tf.losses.mean_squared_error(y, p)\n"),
        Invalid("from tensorflow import losses\nloss = losses.log_loss(y, p)\n"),
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
