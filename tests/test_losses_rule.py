"""TFM205: `tf.losses.*` calls rewritten to the same computation with TF2 ops, and the calls
that stay manual (weights, reductions, collection readers, unknown dtypes)."""

from __future__ import annotations

import pytest

from tf_migrate.engine.fixer import FixOutcome, fix_module
from tf_migrate.rules.losses_metrics import TF1Losses

MSE = "tf.reduce_mean(tf.math.squared_difference(tf.cast(p, tf.float32), tf.cast(y, tf.float32)))"


def _fix(source: str) -> FixOutcome:
    return fix_module(source, [TF1Losses], should_apply=lambda _: True)


def _fixed(source: str) -> str:
    outcome = _fix(source)
    assert outcome.fixed, [f.message for f in outcome.remaining]
    again = _fix(outcome.source)
    assert again.source == outcome.source and again.fixed == []
    return outcome.source


def _manual(source: str) -> str:
    outcome = _fix(source)
    assert outcome.fixed == [] and outcome.source == source
    assert outcome.remaining
    return " | ".join(f.message for f in outcome.remaining)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "import tensorflow.compat.v1 as tf\nloss = tf.losses.mean_squared_error(y, p)\n",
            f"import tensorflow.compat.v1 as tf\nloss = {MSE}\n",
        ),
        (
            "import tensorflow as tf\nloss = tf.compat.v1.losses.mean_squared_error(y, p)\n",
            f"import tensorflow as tf\nloss = {MSE}\n",
        ),
        (
            "import tensorflow\nloss = tensorflow.compat.v1.losses.mean_squared_error(y, p)\n",
            f"import tensorflow\nloss = {MSE.replace('tf.', 'tensorflow.')}\n",
        ),
        (
            "from tensorflow.compat.v1 import losses\nloss = losses.mean_squared_error(y, p)\n",
            f"import tensorflow as tf\n\nloss = {MSE}\n",
        ),
        (
            "from tensorflow.compat.v1.losses import mean_squared_error\n"
            "loss = mean_squared_error(labels=y, predictions=p)\n",
            f"import tensorflow as tf\n\nloss = {MSE}\n",
        ),
    ],
    ids=["compat_v1", "tf_compat_spelling", "tensorflow", "from_losses", "from_function"],
)
def test_import_styles(source: str, expected: str) -> None:
    assert _fixed(source) == expected


def test_provably_float_operands_are_not_cast() -> None:
    source = (
        "import tensorflow as tf\n"
        "y = tf.placeholder(tf.float32, [None])\n"
        "p = tf.constant([1.0, 2.0])\n"
        "loss = tf.losses.absolute_difference(y, p)\n"
    )
    assert _fixed(source).endswith("loss = tf.reduce_mean(tf.abs(p - y))\n")


def test_softmax_labels_cast_to_the_logits_dtype_and_stop_gradient() -> None:
    source = "import tensorflow as tf\nloss = tf.losses.softmax_cross_entropy(y, logits)\n"
    assert _fixed(source).endswith(
        "loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits("
        "labels=tf.stop_gradient(tf.cast(y, logits.dtype)), logits=logits))\n"
    )


def test_sigmoid_float_labels_in_a_function() -> None:
    source = (
        "import tensorflow as tf\n"
        "def f(x, logits):\n"
        "    y = tf.cast(x, tf.float32)\n"
        "    return tf.losses.sigmoid_cross_entropy(y, logits)\n"
    )
    assert _fixed(source).endswith(
        "    return tf.reduce_mean("
        "tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=logits))\n"
    )


def test_reductions_with_default_weights() -> None:
    head = "import tensorflow.compat.v1 as tf\ny = tf.to_float(a)\np = tf.to_float(b)\n"
    for reduction, reduce in (
        ("tf.losses.Reduction.SUM_BY_NONZERO_WEIGHTS", "tf.reduce_mean("),
        ("tf.losses.Reduction.MEAN", "tf.reduce_mean("),
        ("'weighted_sum'", "tf.reduce_sum("),
        ("tf.losses.Reduction.NONE", ""),
    ):
        source = head + f"loss = tf.losses.mean_squared_error(y, p, 1.0, reduction={reduction})\n"
        fixed = _fixed(source)
        assert fixed.endswith(f"loss = {reduce}tf.math.squared_difference(p, y)" + (
            ")\n" if reduce else "\n"
        ))


@pytest.mark.parametrize(
    ("call", "why"),
    [
        ("tf.losses.mean_squared_error(y, p, weights=w)", "number of nonzero weights"),
        ("tf.losses.mean_squared_error(y, p, 2.0)", "number of nonzero weights"),
        ("tf.losses.mean_squared_error(y, p, reduction=r)", "not a `tf.losses.Reduction`"),
        ("tf.losses.mean_squared_error(y, p, loss_collection='mine')", "another collection"),
        ("tf.losses.mean_squared_error(*args)", "cannot be read"),
        ("tf.losses.softmax_cross_entropy(y, model(x))", "not provably floating point"),
        ("tf.losses.softmax_cross_entropy(y, z, label_smoothing=s)", "not a number literal"),
        ("tf.losses.huber_loss(y, model(x))", "`model(x)` is not a name"),
        ("tf.losses.log_loss(y + 1, p)", "`y + 1` is not a name"),
    ],
)
def test_refusals(call: str, why: str) -> None:
    source = f"import tensorflow.compat.v1 as tf\nloss = {call}\n"
    assert why in _manual(source)


def test_weights_message_gives_the_tf1_reduction() -> None:
    message = _manual("import tensorflow as tf\nloss = tf.losses.log_loss(y, p, weights=w)\n")
    assert "tf.math.count_nonzero(tf.broadcast_to(weights, tf.shape(losses)))" in message
    assert "not Keras' mean with `sample_weight`" in message


@pytest.mark.parametrize(
    "reader",
    [
        "tf.losses.get_total_loss()",
        "tf.compat.v1.losses.get_losses()",
        "tf.get_collection(tf.GraphKeys.LOSSES)",
        "tf.get_collection('losses')",
        "tf.get_collection(key)",
    ],
)
def test_files_that_read_the_losses_collection_stay_manual(reader: str) -> None:
    source = (
        "import tensorflow as tf\n"
        "loss = tf.losses.sparse_softmax_cross_entropy(y, logits)\n"
        f"total = {reader}\n"
    )
    assert "reads that collection" in _manual(source)


def test_loss_collection_none_or_other_collections_do_not_block() -> None:
    source = (
        "import tensorflow as tf\n"
        "loss = tf.losses.sparse_softmax_cross_entropy(y, logits, loss_collection=None)\n"
        "total = tf.losses.get_total_loss()\n"
        "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
    )
    assert "tf.nn.sparse_softmax_cross_entropy_with_logits" in _fix(source).source
    other = (
        "import tensorflow as tf\n"
        "loss = tf.losses.sparse_softmax_cross_entropy(y, logits,"
        " loss_collection=tf.GraphKeys.LOSSES)\n"
        "ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
    )
    assert "tf.nn.sparse_softmax_cross_entropy_with_logits" in _fixed(other)


def test_mean_squared_error_in_tf2_code_is_left_alone() -> None:
    # TF2 (Keras 2) also had `tf.losses.mean_squared_error`, a per-sample loss.
    source = "import tensorflow as tf\nloss = tf.losses.mean_squared_error(y, p)\n"
    assert "does not show it is TF1 code" in _manual(source)
    tf1 = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\n" + source.split("\n", 1)[1]
    assert "tf.math.squared_difference" in _fixed(tf1)


def test_a_nested_reduction_constant_is_part_of_the_fix() -> None:
    outcome = _fix(
        "import tensorflow as tf\n"
        "loss = tf.losses.hinge_loss(y, z, reduction=tf.losses.Reduction.SUM)\n"
    )
    assert len(outcome.fixed) == 1 and outcome.remaining == []
    kept = _fix(
        "import tensorflow as tf\n"
        "loss = tf.losses.hinge_loss(y, z, w, reduction=tf.losses.Reduction.SUM)\n"
    )
    assert {f.message.split("`")[1] for f in kept.remaining} == {
        "tf.losses.hinge_loss", "tf.losses.Reduction.SUM"
    }


def test_second_run_changes_nothing_on_a_whole_program() -> None:
    source = (
        "import tensorflow as tf\n"
        "x = tf.placeholder(tf.float32, [None, 3])\n"
        "y = tf.placeholder(tf.int64, [None])\n"
        "logits = tf.layers.dense(x, 4)\n"
        "xent = tf.losses.sparse_softmax_cross_entropy(labels=y, logits=logits)\n"
        "hinge = tf.losses.hinge_loss(tf.one_hot(y, 4), logits)\n"
        "smooth = tf.losses.softmax_cross_entropy(tf.one_hot(y, 4), logits, label_smoothing=0.1)\n"
    )
    fixed = _fixed(source)
    assert fixed.count("tf.losses.") == 1  # smoothing repeats the labels, not a name: manual
    assert "`tf.one_hot(y, 4)` is not a name" in _manual(fixed)
