"""TFM150 on weight penalties: regularizers given to layers and variables are written out, on
their variables, where the program reads TF1's regularization losses; unread, they cost nothing
(in TF1 too); a regularizer object used otherwise is refused."""

from __future__ import annotations

import textwrap

from tests.session_programs import migrate
from tf_migrate.model import Applicability

PROGRAM = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
reg = tf.contrib.layers.l2_regularizer(0.1)
h = tf.layers.dense(x, 2, kernel_regularizer=reg, bias_regularizer=tf.nn.l2_loss)
{read}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run(total, {{x: [[1.0, 2.0, 3.0]]}})
"""


def test_the_collection_read_as_a_list_lists_the_penalties() -> None:
    source, [(_, applicability)] = migrate(PROGRAM.format(read=textwrap.dedent("""\
        losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
        total = tf.reduce_sum(h) + tf.add_n(losses)""")))
    assert applicability is Applicability.SAFE
    assert ("    losses = [\n        0.1 * tf.nn.l2_loss(h_layer.kernel),\n"
            "        tf.nn.l2_loss(h_layer.bias),\n    ]\n") in source
    assert "reg = " not in source and "contrib" not in source


def test_penalties_nobody_reads_cost_nothing() -> None:
    source, [(_, applicability)] = migrate(PROGRAM.format(read="total = tf.reduce_sum(h)"))
    assert applicability is Applicability.SAFE
    assert "l2_loss" not in source and "regularizer" not in source


def test_a_regularizer_object_used_otherwise_is_refused() -> None:
    source = PROGRAM.format(read="total = tf.reduce_sum(h)\nprint(reg)")
    migrated, [(message, _)] = migrate(source)
    assert migrated == source
    assert "the regularizer `reg` is used other than as a layer's or a variable's regularizer" in (
        message)
