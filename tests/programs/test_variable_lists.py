"""`tf.trainable_variables()` in a graph statement becomes the list of the trainable variables
created before it; where the rewrite cannot plan it, it still stops the program."""

from __future__ import annotations

from tests.session_programs import migrate

PENALTY = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.zeros([3, 2]))
steps = tf.Variable(0, trainable=False)
weights = {"out": tf.Variable(tf.zeros([2]))}
penalty = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()])
late = tf.Variable(1.0)
cost = tf.reduce_sum(tf.matmul(x, W)) + penalty
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    value = sess.run(cost, {x: np.ones([1, 3])})
"""


def test_the_call_becomes_the_trainable_variables_created_before_it() -> None:
    source, [(message, _)] = migrate(PENALTY)
    assert "not rewritten" not in message
    # Trainable ones only, in creation order, a dict's members as the program reaches them;
    # `late` comes after the call, as TF1's collection did not hold it yet.
    assert 'penalty = tf.add_n([tf.nn.l2_loss(v) for v in [W, weights["out"]]])' in source
    assert "tf.trainable_variables" not in source


def test_the_call_in_a_helper_of_the_script_still_stops_the_rewrite() -> None:
    program = PENALTY.replace(
        "penalty = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()])",
        "def all_weights():\n    return tf.trainable_variables()\n\n\n"
        "penalty = tf.add_n([tf.nn.l2_loss(v) for v in all_weights()])")
    source, [(message, _)] = migrate(program)
    assert source == program
    assert "`tf.trainable_variables` in `all_weights` is not handled by the session rewrite" in (
        message)
