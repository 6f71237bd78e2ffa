"""TFM305: `tf.contrib.layers`, `tf.contrib.slim` and `arg_scope`, with their Keras forms."""

from __future__ import annotations

from tf_migrate.rules.support.rule import Invalid, Valid
from tf_migrate.rules.support.symbol_findings import SymbolFinding

_RELU = "contrib's default activation is ReLU, Keras' is linear"
_ARG_SCOPE = (
    "no TF2 form: pass the shared arguments to each layer (or build the layers with "
    "`functools.partial`)"
)

# Layers and helpers of tf.contrib.layers; slim re-exports them under the same names.
_LAYERS: dict[str, str] = {
    "fully_connected": f"use `tf.keras.layers.Dense(num_outputs, activation='relu')` ({_RELU})",
    "conv1d": f"use `tf.keras.layers.Conv1D(..., padding='same', activation='relu')` ({_RELU})",
    "conv2d": f"use `tf.keras.layers.Conv2D(num_outputs, kernel_size, padding='same', "
    f"activation='relu')` ({_RELU}; contrib pads SAME)",
    "convolution2d": "use `tf.keras.layers.Conv2D(..., padding='same', activation='relu')` "
    f"({_RELU})",
    "conv3d": f"use `tf.keras.layers.Conv3D(..., padding='same', activation='relu')` ({_RELU})",
    "conv2d_transpose": "use `tf.keras.layers.Conv2DTranspose(..., padding='same', "
    f"activation='relu')` ({_RELU})",
    "separable_conv2d": "use `tf.keras.layers.SeparableConv2D(..., padding='same', "
    f"activation='relu')` ({_RELU})",
    "batch_norm": "use `tf.keras.layers.BatchNormalization(momentum=0.999, scale=False)` "
    "(contrib: decay 0.999, no scale) and call it with `training=`",
    "layer_norm": "use `tf.keras.layers.LayerNormalization(axis=list(range(1, rank)), "
    "epsilon=1e-12)` (contrib normalizes over all axes but the first)",
    "dropout": "use `tf.keras.layers.Dropout(rate=1 - keep_prob)` called with `training=` "
    "(contrib: keep_prob 0.5, is_training=True)",
    "flatten": "use `tf.keras.layers.Flatten()`",
    "max_pool2d": "use `tf.keras.layers.MaxPool2D(kernel_size, strides=2)` (contrib's stride 2)",
    "avg_pool2d": "use `tf.keras.layers.AveragePooling2D(kernel_size, strides=2)` (contrib's "
    "stride 2)",
    "embed_sequence": "use `tf.keras.layers.Embedding(vocab_size, embed_dim)`",
    "one_hot_encoding": "use `tf.one_hot`",
    "l2_regularizer": "use `tf.keras.regularizers.L2(scale / 2)` (contrib computes "
    "scale * sum(w**2) / 2)",
    "l1_regularizer": "use `tf.keras.regularizers.L1(scale)`",
    "xavier_initializer": "use `tf.keras.initializers.GlorotUniform()` (GlorotNormal for "
    "uniform=False; contrib's normal is truncated)",
    "variance_scaling_initializer": "use `tf.keras.initializers.VarianceScaling(scale=2.0, "
    "mode='fan_in', distribution='truncated_normal')` (contrib's defaults)",
    "optimize_loss": "write a GradientTape training step with a Keras optimizer",
    "repeat": "create the Keras layers in a Python loop",
    "stack": "create the Keras layers in a Python loop",
}

_SLIM_ONLY: dict[str, str] = {
    "arg_scope": _ARG_SCOPE,
    "learning": "write the training loop (a GradientTape step) or use Keras `model.fit`",
    "losses": "use `tf.keras.losses`",
    "metrics": "use `tf.keras.metrics`",
    "nets": "use `tf.keras.applications` (weights differ from slim's checkpoints)",
    "get_variables_to_restore": "restore with `tf.train.Checkpoint`",
    "assign_from_checkpoint_fn": "restore with `tf.train.Checkpoint`",
}

_SYMBOLS: dict[str, str] = {
    "tf.contrib.layers": "use the Keras layer of the same role, created once (contrib layers "
    "default to ReLU where Keras layers are linear)",
    "tf.contrib.slim": "slim layers are contrib layers: use Keras layers created once (slim "
    "defaults to ReLU and SAME padding); the `tf_slim` package exists for graph-mode code",
    "tf.contrib.framework.arg_scope": _ARG_SCOPE,
    "tf.contrib.framework.add_arg_scope": _ARG_SCOPE,
    **{f"tf.contrib.layers.{name}": advice for name, advice in _LAYERS.items()},
    **{f"tf.contrib.slim.{name}": advice for name, advice in (_LAYERS | _SLIM_ONLY).items()},
}


class ContribLayers(SymbolFinding):
    """## What it does
    Reports `tf.contrib.layers`, `tf.contrib.slim` (including through `slim = tf.contrib.slim`)
    and `arg_scope`, with the Keras form of each known layer, regularizer and initializer.

    ## Why is this bad?
    TF2 has no `tf.contrib`. Contrib layers differ from Keras layers in their defaults:
    `fully_connected` and `conv2d` apply ReLU (Keras layers are linear), `conv2d` pads SAME,
    `batch_norm` uses decay 0.999 without scale, `l2_regularizer(s)` is `L2(s / 2)` in Keras.

    ## Example
    ```python
    slim = tf.contrib.slim
    with slim.arg_scope([slim.conv2d], padding="VALID"):
        h = slim.conv2d(x, 32, [3, 3])
    ```

    ## Use instead
    ```python
    conv = tf.keras.layers.Conv2D(32, 3, padding="valid", activation="relu")
    h = conv(x)
    ```

    ## Fix safety
    Manual: each layer must be created once, with the contrib defaults spelled out.
    """

    code = "TFM305"
    name = "contrib-layers"
    message = "`{name}` is TF1 contrib: {advice}"
    symbols = _SYMBOLS
    examples = (
        Valid("import tensorflow as tf\ny = tf.keras.layers.Dense(3, activation='relu')(x)\n"),
        Invalid("import tensorflow as tf\ny = tf.contrib.layers.fully_connected(x, 3)\n"),
        Invalid("import tensorflow as tf\nslim = tf.contrib.slim\ny = slim.conv2d(x, 3, [3, 3])\n"),
        Invalid("import tensorflow.contrib.slim as slim\nwith slim.arg_scope([]):\n    pass\n"),
    )
