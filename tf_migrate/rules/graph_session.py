"""TFM1xx: graph-mode idioms (placeholders, sessions, feed_dict, initializers, graphs)."""

from __future__ import annotations

import libcst as cst

from tf_migrate.rules.base import Invalid, Rule, Valid


class Placeholder(Rule):
    """## What it does
    Reports `tf.placeholder` (and `tf.placeholder_with_default`).

    ## Why is this bad?
    TensorFlow 2 executes eagerly: there is no graph to feed, and `tf.compat.v1.placeholder`
    raises under eager execution. A placeholder becomes a parameter of the function that computes
    the values fetched from it.

    ## Example
    ```python
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.reduce_sum(x, axis=1)
    out = sess.run(y, feed_dict={x: batch})
    ```

    ## Use instead
    ```python
    def compute_y(x):
        return tf.reduce_sum(x, axis=1)

    out = compute_y(batch).numpy()
    ```

    ## Fix safety
    Manual: the rewrite needs the whole program (the run sites that feed the placeholder).
    """

    code = "TFM101"
    name = "placeholder"
    message = (
        "`{name}` has no TF2 form: make the values computed from it a function with a parameter "
        "in its place"
    )
    examples = (
        Valid("import tensorflow as tf\nx = tf.constant([1.0])\n"),
        Valid("placeholder = object()\nx = placeholder(1)\n"),
        Invalid("import tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 3])\n"),
        Invalid("import tensorflow.compat.v1 as tf\nx = tf.placeholder(tf.float32)\n"),
        Invalid("from tensorflow import placeholder\nx = placeholder('float')\n"),
    )

    def visit_Call(self, node: cst.Call) -> None:
        name = self.tf_name(node.func)
        if name in ("tf.placeholder", "tf.placeholder_with_default"):
            self.report(node, self.message.format(name=name))
