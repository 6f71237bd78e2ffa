"""TF1's layer functions and the Keras layers that compute the same: `tf.layers.*` and
`tf.contrib.layers.*` (which `tf.contrib.slim` re-exports), with TF 1.15's signatures.

Each entry names the Keras class, which TF1 parameters become which Keras ones, and TF1's
defaults that Keras does not share, written out: contrib's `activation_fn` defaults to ReLU and
its `conv2d` pads SAME, contrib's pooling strides by 2 whatever the window, dropout's rate is
TF1's `1 - keep_prob` and contrib's dropout trains unless told not to. Both default to
glorot_uniform kernels (contrib's `xavier_initializer()` is the same distribution) and zero
biases, as Keras does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

_TF_TAIL = ("activation", "use_bias", "kernel_initializer", "bias_initializer",
            "kernel_regularizer", "bias_regularizer", "activity_regularizer",
            "kernel_constraint", "bias_constraint", "trainable", "name", "reuse")
_TF_CONV = ("inputs", "filters", "kernel_size", "strides", "padding", "data_format",
            "dilation_rate", *_TF_TAIL)
_TF_POOL = ("inputs", "pool_size", "strides", "padding", "data_format", "name")
_CONTRIB_TAIL = ("activation_fn", "normalizer_fn", "normalizer_params", "weights_initializer",
                 "weights_regularizer", "biases_initializer", "biases_regularizer", "reuse",
                 "variables_collections", "outputs_collections", "trainable", "scope")
_CONTRIB_POOL = ("inputs", "kernel_size", "stride", "padding", "data_format",
                 "outputs_collections", "scope")
# contrib's names for Keras's arguments.
_CONTRIB_NAMES = {"num_outputs": "units", "activation_fn": "activation",
                  "weights_initializer": "kernel_initializer",
                  "biases_initializer": "bias_initializer", "stride": "strides",
                  "rate": "dilation_rate", "scope": "name", "kernel_size": "kernel_size"}
_VARIABLES = ("kernel", "bias")


@dataclass(frozen=True)
class LayerSpec:
    """A TF1 layer function: its parameters, its Keras class, the Keras parameters passed
    positionally, the variables it creates, TF1 parameters named otherwise in Keras, TF1
    defaults to write out (Keras parameter, source), and the parameter that is the call's
    `training=` with its TF1 default."""

    params: tuple[str, ...]
    keras: str
    positional: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()
    rename: Mapping[str, str] = field(default_factory=dict)
    defaults: tuple[tuple[str, str], ...] = ()
    training: str | None = None
    training_default: str = "False"
    # Not training, the layer is the identity (dropout), rather than computing otherwise
    # (batch normalization, with its moving statistics).
    identity_off: bool = True
    # Its moving statistics are updated by TF1's UPDATE_OPS (batch normalization).
    update_ops: bool = False
    # Arguments with no Keras counterpart that only their TF1 default lets through (value, why).
    only_default: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def _contrib_conv(keras: str) -> LayerSpec:
    return LayerSpec(("inputs", "num_outputs", "kernel_size", "stride", "padding", "data_format",
                      "rate", *_CONTRIB_TAIL), keras, ("filters", "kernel_size"), _VARIABLES,
                     {**_CONTRIB_NAMES, "num_outputs": "filters"},
                     (("padding", '"same"'), ("activation", "{tf}.nn.relu")))


def _contrib_pool(keras: str) -> LayerSpec:
    return LayerSpec(_CONTRIB_POOL, keras, ("pool_size",), (),
                     {**_CONTRIB_NAMES, "kernel_size": "pool_size"}, (("strides", "2"),))


LAYERS: dict[str, LayerSpec] = {
    "tf.layers.dense": LayerSpec(("inputs", "units", *_TF_TAIL), "Dense", ("units",),
                                 _VARIABLES),
    **{f"tf.layers.conv{n}d": LayerSpec(_TF_CONV, f"Conv{n}D", ("filters", "kernel_size"),
                                        _VARIABLES) for n in (1, 2, 3)},
    "tf.layers.conv2d_transpose": LayerSpec(
        tuple(p for p in _TF_CONV if p != "dilation_rate"), "Conv2DTranspose",
        ("filters", "kernel_size"), _VARIABLES),
    **{f"tf.layers.max_pooling{n}d": LayerSpec(_TF_POOL, f"MaxPooling{n}D", ("pool_size",))
       for n in (1, 2, 3)},
    **{f"tf.layers.average_pooling{n}d": LayerSpec(_TF_POOL, f"AveragePooling{n}D",
                                                   ("pool_size",)) for n in (1, 2, 3)},
    "tf.layers.flatten": LayerSpec(("inputs", "name", "data_format"), "Flatten"),
    "tf.layers.dropout": LayerSpec(("inputs", "rate", "noise_shape", "seed", "training", "name"),
                                   "Dropout", ("rate",), defaults=(("rate", "0.5"),),
                                   training="training"),
    "tf.contrib.layers.fully_connected": LayerSpec(
        ("inputs", "num_outputs", *_CONTRIB_TAIL), "Dense", ("units",), _VARIABLES,
        _CONTRIB_NAMES, (("activation", "{tf}.nn.relu"),)),
    "tf.contrib.layers.conv2d": _contrib_conv("Conv2D"),
    "tf.contrib.layers.convolution2d": _contrib_conv("Conv2D"),
    "tf.contrib.layers.max_pool2d": _contrib_pool("MaxPooling2D"),
    "tf.contrib.layers.avg_pool2d": _contrib_pool("AveragePooling2D"),
    "tf.contrib.layers.flatten": LayerSpec(("inputs", "outputs_collections", "scope"), "Flatten",
                                           rename=_CONTRIB_NAMES),
    "tf.contrib.layers.dropout": LayerSpec(
        ("inputs", "keep_prob", "noise_shape", "is_training", "outputs_collections", "scope",
         "seed"), "Dropout", ("rate",), rename={**_CONTRIB_NAMES, "keep_prob": "rate"},
        defaults=(("rate", "0.5"),), training="is_training", training_default="True"),
    "tf.layers.batch_normalization": LayerSpec(
        ("inputs", "axis", "momentum", "epsilon", "center", "scale", "beta_initializer",
         "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
         "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint",
         "training", "trainable", "name", "reuse", "renorm", "renorm_clipping",
         "renorm_momentum", "fused", "virtual_batch_size", "adjustment"),
        "BatchNormalization", (), ("*trainable_variables",), training="training",
        identity_off=False, update_ops=True,
        only_default={"renorm": ("False", "batch renormalization is not mapped yet")}),
    "tf.contrib.layers.batch_norm": LayerSpec(
        ("inputs", "decay", "center", "scale", "epsilon", "activation_fn", "param_initializers",
         "param_regularizers", "updates_collections", "is_training", "reuse",
         "variables_collections", "outputs_collections", "trainable", "batch_weights", "fused",
         "data_format", "zero_debias_moving_mean", "scope", "renorm", "renorm_clipping",
         "renorm_decay", "adjustment"),
        "BatchNormalization", (), ("*trainable_variables",),
        {**_CONTRIB_NAMES, "decay": "momentum"},
        # contrib's own defaults, which Keras does not share.
        (("momentum", "0.999"), ("scale", "False")),
        training="is_training", training_default="True", identity_off=False, update_ops=True,
        only_default={
            "renorm": ("False", "batch renormalization is not mapped yet"),
            "zero_debias_moving_mean": ("False", "zero-debiased moving means are not mapped yet"),
            "activation_fn": ("None", "an activation after the normalization is not mapped yet"),
        }),
}
# slim's functions are contrib's.
LAYERS.update({name.replace("tf.contrib.layers.", "tf.contrib.slim."): spec
               for name, spec in list(LAYERS.items()) if name.startswith("tf.contrib.layers.")})

# Arguments the mapping does not carry over (unless None), with why.
REFUSED = {
    "kernel_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "bias_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "activity_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "weights_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "biases_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "kernel_constraint": "constraints are not mapped yet",
    "bias_constraint": "constraints are not mapped yet",
    "reuse": "TF2 shares a layer by calling the same object again",
    "normalizer_fn": "normalization inside the layer is not mapped yet",
    "normalizer_params": "normalization inside the layer is not mapped yet",
    "variables_collections": "TF2 has no collections",
    "outputs_collections": "TF2 has no collections",
    "beta_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "gamma_regularizer": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "param_regularizers": "its loss lived in TF1's REGULARIZATION_LOSSES collection",
    "beta_constraint": "constraints are not mapped yet",
    "gamma_constraint": "constraints are not mapped yet",
    "renorm_clipping": "batch renormalization is not mapped yet",
    "virtual_batch_size": "ghost batch normalization is not mapped yet",
    "adjustment": "adjusted batch normalization is not mapped yet",
    "param_initializers": "per-parameter initializers are not mapped yet",
    "batch_weights": "weighted batch statistics are not mapped yet",
}
# Arguments that only change how TF1 computed, read by the analysis and not passed on.
READ_ONLY = frozenset({"fused", "updates_collections", "renorm_momentum", "renorm_decay"})
INITIALIZERS = frozenset({"kernel_initializer", "bias_initializer"})
# contrib's data formats in Keras's words.
DATA_FORMATS = {"NHWC": "channels_last", "NCHW": "channels_first", "NWC": "channels_last",
                "NCW": "channels_first"}

# tf.layers' classes, whose objects compute as the functions do: the function of each.
CLASSES = {
    "tf.layers.Dense": "tf.layers.dense",
    **{f"tf.layers.Conv{n}D": f"tf.layers.conv{n}d" for n in (1, 2, 3)},
    "tf.layers.Conv2DTranspose": "tf.layers.conv2d_transpose",
    **{f"tf.layers.MaxPooling{n}D": f"tf.layers.max_pooling{n}d" for n in (1, 2, 3)},
    **{f"tf.layers.AveragePooling{n}D": f"tf.layers.average_pooling{n}d" for n in (1, 2, 3)},
    "tf.layers.Flatten": "tf.layers.flatten",
    "tf.layers.Dropout": "tf.layers.dropout",
}
