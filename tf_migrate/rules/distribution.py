"""TFM801: TF1 distributed training (parameter-server device setters, replica optimizers)."""

from __future__ import annotations

from tf_migrate.rules.support.rule import Invalid, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding


class TF1Distribution(SymbolFinding):
    """## What it does
    Reports `tf.train.replica_device_setter` and `tf.train.SyncReplicasOptimizer`.

    ## Why is this bad?
    TF1 distributed training placed variables on parameter servers with device functions and
    synchronized replicas with a wrapping optimizer, both inside a session's graph. TF2 uses
    `tf.distribute` strategies.

    ## Example
    ```python
    with tf.device(tf.train.replica_device_setter(cluster=cluster)):
        model = build()
    ```

    ## Use instead
    ```python
    strategy = tf.distribute.experimental.ParameterServerStrategy(resolver)
    with strategy.scope():
        model = build()
    ```

    ## Fix safety
    Manual: the cluster setup changes with the strategy.
    """

    code = "TFM801"
    name = "tf1-distribution"
    message = "`{name}` is TF1 distributed training: {advice}"
    symbols = {
        "tf.train.replica_device_setter": "use "
        "`tf.distribute.experimental.ParameterServerStrategy` and build under `strategy.scope()`",
        "tf.train.SyncReplicasOptimizer": "use `tf.distribute.MirroredStrategy` or "
        "`MultiWorkerMirroredStrategy` (synchronous by construction) with a Keras optimizer",
    }
    examples = (
        Valid("import tensorflow as tf\nstrategy = tf.distribute.MirroredStrategy()\n"),
        Invalid("import tensorflow as tf\nsetter = tf.train.replica_device_setter(cluster=c)\n"),
    )
