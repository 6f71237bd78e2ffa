"""TFM601-TFM603: Estimators, session-run hooks and feature columns.

Sessions themselves, monitored ones included, are TFM1xx; the hooks that plug into them are here.
"""

from __future__ import annotations

from tf_migrate.rules.support.rule import Invalid, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding

_KERAS = (
    "TF 2.21 has no tf.estimator: build a Keras model and train it with `model.fit` (input_fn "
    "becomes a `tf.data.Dataset`, model_fn a model and a loss)"
)
_CANNED_SUM = "; canned estimators sum the loss over the batch, Keras averages it"
_LOOP_OR_CALLBACK = (
    "write it as code in the training loop, or as a Keras callback "
    "(`tf.keras.callbacks.Callback.on_train_batch_end`)"
)
_HOOKS: dict[str, str] = {
    "SessionRunHook": _LOOP_OR_CALLBACK,
    "SessionRunArgs": _LOOP_OR_CALLBACK,
    "SessionRunContext": _LOOP_OR_CALLBACK,
    "SessionRunValues": _LOOP_OR_CALLBACK,
    "LoggingTensorHook": "log from the training loop, or a Keras callback",
    "StopAtStepHook": "bound the training loop (or `model.fit(epochs=..., steps_per_epoch=...)`)",
    "CheckpointSaverHook": "call `tf.train.CheckpointManager.save()` every N steps (or the "
    "`tf.keras.callbacks.ModelCheckpoint` callback)",
    "CheckpointSaverListener": "run the code next to `CheckpointManager.save()`",
    "StepCounterHook": "time the steps in the training loop",
    "NanTensorHook": "check `tf.math.is_nan(loss)` in the loop (or `tf.keras.callbacks."
    "TerminateOnNaN`)",
    "SummarySaverHook": "write `tf.summary` calls under a `tf.summary.create_file_writer` writer "
    "(or the TensorBoard callback)",
    "GlobalStepWaiterHook": _LOOP_OR_CALLBACK,
    "FinalOpsHook": "run the final computation after the training loop",
    "FeedFnHook": "feed through a `tf.data.Dataset`",
    "ProfilerHook": "use `tf.profiler.experimental.start`/`stop` or "
    "`TensorBoard(profile_batch=...)`",
}


class Estimator(SymbolFinding):
    """## What it does
    Reports `tf.estimator` (Estimator, EstimatorSpec, ModeKeys, RunConfig, train_and_evaluate,
    the canned estimators, input functions and exporters), with notes on how the canned
    estimators train.

    ## Why is this bad?
    TF 2.21 has no `tf.estimator`. Canned estimators also carry training choices that a Keras
    rewrite must make explicit to give the same numbers: they sum the loss over the batch,
    LinearRegressor trains with Ftrl at min(0.2, 1/sqrt(number of feature columns)) from zero
    weights, DNN estimators with Adagrad at 0.05.

    ## Example
    ```python
    est = tf.estimator.DNNRegressor(hidden_units=[10], feature_columns=columns)
    est.train(input_fn, steps=100)
    ```

    ## Use instead
    ```python
    model = tf.keras.Sequential([tf.keras.layers.Dense(10, "relu"), tf.keras.layers.Dense(1)])
    model.compile(tf.keras.optimizers.Adagrad(0.05), loss="mse")
    model.fit(dataset, epochs=1, steps_per_epoch=100)
    ```

    ## Fix safety
    Manual: the model function and the training configuration must be rewritten.
    """

    code = "TFM601"
    name = "estimator"
    message = "`{name}` is an Estimator API: {advice}"
    symbols = {
        "tf.estimator": _KERAS,
        "tf.estimator.LinearRegressor": "a Keras `Dense(1)` on the features, trained with Ftrl "
        "at min(0.2, 1/sqrt(n_feature_columns)) from zero weights" + _CANNED_SUM,
        "tf.estimator.LinearClassifier": "a Keras `Dense` on the features (one sigmoid logit for "
        "n_classes=2), trained with Ftrl at min(0.2, 1/sqrt(n_feature_columns)) from zero "
        "weights" + _CANNED_SUM,
        "tf.estimator.DNNRegressor": "a Keras Sequential of `Dense(units, 'relu')` layers and a "
        "linear output, trained with Adagrad at 0.05" + _CANNED_SUM,
        "tf.estimator.DNNClassifier": "a Keras Sequential of `Dense(units, 'relu')` layers and a "
        "logit layer (one sigmoid logit for n_classes=2), trained with Adagrad at 0.05"
        + _CANNED_SUM,
        "tf.estimator.inputs": "build a `tf.data.Dataset` (`from_tensor_slices`) instead of an "
        "input_fn",
        "tf.estimator.export": "export with `tf.saved_model.save` or `model.export`",
        "tf.estimator.RunConfig": "model_dir and checkpoint settings become a "
        "`tf.train.CheckpointManager` (an Estimator also resumed from an existing model_dir)",
        **{f"tf.estimator.{name}": advice for name, advice in _HOOKS.items()},
    }
    examples = (
        Valid("import tensorflow as tf\nmodel = tf.keras.Sequential()\n"),
        Invalid("import tensorflow as tf\nest = tf.estimator.Estimator(model_fn)\n"),
        Invalid("from tensorflow import estimator\nmode = estimator.ModeKeys.TRAIN\n"),
        Invalid("import tensorflow as tf\nest = tf.estimator.LinearRegressor(columns)\n"),
    )


class SessionRunHook(SymbolFinding):
    """## What it does
    Reports the TF1 session-run hooks of `tf.train` (`SessionRunHook`, `LoggingTensorHook`,
    `StopAtStepHook`, `CheckpointSaverHook`, ...) with what replaces each. The same classes
    under `tf.estimator` are reported by TFM601.

    ## Why is this bad?
    Hooks run around `session.run` calls of monitored sessions and Estimators, neither of
    which exists in TF2.

    ## Example
    ```python
    hooks = [tf.train.StopAtStepHook(last_step=1000)]
    ```

    ## Use instead
    ```python
    for step, batch in enumerate(dataset.take(1000)):
        train_step(batch)
    ```

    ## Fix safety
    Manual: each hook's behaviour becomes code in the training loop.
    """

    code = "TFM602"
    name = "session-run-hook"
    message = "`{name}` is a TF1 session-run hook: {advice}"
    symbols = {f"tf.train.{name}": advice for name, advice in _HOOKS.items()}
    examples = (
        Valid("import tensorflow as tf\ncb = tf.keras.callbacks.TerminateOnNaN()\n"),
        Invalid("import tensorflow as tf\nhook = tf.train.StopAtStepHook(last_step=10)\n"),
        Invalid("import tensorflow as tf\nclass Hook(tf.train.SessionRunHook):\n    pass\n"),
    )


class FeatureColumn(SymbolFinding):
    """## What it does
    Reports `tf.feature_column`.

    ## Why is this bad?
    Feature columns are the Estimator-era input API. Keras 3 models read features through
    preprocessing layers instead; `tf.feature_column.input_layer` exists only in TF1.

    ## Example
    ```python
    age = tf.feature_column.numeric_column("age")
    ```

    ## Use instead
    ```python
    age = tf.keras.layers.Normalization()  # or tf.keras.utils.FeatureSpace
    ```

    ## Fix safety
    Manual: vocabulary columns drop out-of-vocabulary values, while `StringLookup` maps them to an
    OOV index.
    """

    code = "TFM603"
    name = "feature-column"
    message = "`{name}` is an Estimator feature column: {advice}"
    symbols = {
        "tf.feature_column": "use Keras preprocessing layers (`Normalization`, `StringLookup`, "
        "`IntegerLookup`, `Hashing`, `Discretization`, `CategoryEncoding`, `Embedding`) or "
        "`tf.keras.utils.FeatureSpace`; vocabulary columns drop out-of-vocabulary values, "
        "StringLookup maps them to an OOV index",
    }
    examples = (
        Valid("import tensorflow as tf\nnorm = tf.keras.layers.Normalization()\n"),
        Invalid("import tensorflow as tf\nage = tf.feature_column.numeric_column('age')\n"),
    )
