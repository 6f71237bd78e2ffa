"""TFM150 on streaming metrics: `tf.metrics.accuracy` / `tf.metrics.mean` become Keras metric
objects (`update_state` for a run of the update op, `result()` for the value, `reset_state()`
for a run of the local-variables initializer)."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability
from tf_migrate.rules.support.rule import RuleOptions

REWRITES = {
    "accuracy-update-value-and-reset-in-loop": (
        """\
        import tensorflow as tf
        labels = tf.placeholder(tf.int64, [None])
        scores = tf.placeholder(tf.float32, [None, 3])
        predictions = tf.argmax(scores, axis=1)
        acc, acc_op = tf.metrics.accuracy(labels, predictions)
        sess = tf.Session()
        for epoch in range(2):
            sess.run(tf.local_variables_initializer())
            for _ in range(3):
                running = sess.run(acc_op, feed_dict={labels: [0, 1], scores: [[1, 0, 0]] * 2})
            final = sess.run(acc)
        """,
        """\
        import tensorflow as tf
        acc = tf.keras.metrics.Accuracy()


        @tf.function(input_signature=[
            tf.TensorSpec([None], tf.int64),
            tf.TensorSpec([None, 3], tf.float32),
        ])
        def run_acc_op(labels, scores):
            predictions = tf.argmax(scores, axis=1)
            acc.update_state(labels, predictions)
            return acc.result()


        for epoch in range(2):
            acc.reset_state()
            for _ in range(3):
                running = run_acc_op([0, 1], [[1, 0, 0]] * 2).numpy()
            final = acc.result().numpy()
        """,
    ),
    "mean-with-weights-and-accuracy-cast-when-dtypes-unknown": (
        """\
        import tensorflow as tf
        labels = tf.placeholder(tf.int32, [None])
        guesses = tf.placeholder(tf.float32, [None])
        weights = tf.placeholder(tf.float32, [None])
        acc, acc_op = tf.metrics.accuracy(labels, guesses)
        avg, avg_op = tf.metrics.mean(guesses, weights=weights)
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            sess.run([acc_op, avg_op], {labels: [1, 2], guesses: [1.0, 2.5], weights: [1.0, 3.0]})
            a, m = sess.run([acc, avg])
            sess.run(tf.variables_initializer(tf.local_variables()))
        """,
        """\
        import tensorflow as tf
        acc = tf.keras.metrics.Accuracy()
        avg = tf.keras.metrics.Mean()


        @tf.function(input_signature=[
            tf.TensorSpec([None], tf.int32),
            tf.TensorSpec([None], tf.float32),
            tf.TensorSpec([None], tf.float32),
        ])
        def run_acc_op_avg_op(labels, guesses, weights):
            acc.update_state(labels, tf.cast(guesses, labels.dtype))
            avg.update_state(guesses, sample_weight=weights)
            return [acc.result(), avg.result()]


        run_acc_op_avg_op([1, 2], [1.0, 2.5], [1.0, 3.0])
        a, m = [acc.result().numpy(), avg.result().numpy()]
        for metric in (acc, avg):
            metric.reset_state()
        """,
    ),
}


@pytest.mark.parametrize("before, after", REWRITES.values(), ids=REWRITES.keys())
def test_rewrite(before: str, after: str) -> None:
    source, findings = migrate(before)
    assert source == textwrap.dedent(after)
    assert [a for _, a in findings] == [Applicability.SAFE]
    assert migrate(source)[0] == source  # a second run changes nothing


def test_keras_namespace_setting_spells_keras_and_imports_it() -> None:
    source, _ = migrate(REWRITES["accuracy-update-value-and-reset-in-loop"][0],
                        RuleOptions(keras_namespace="keras"))
    assert "acc = keras.metrics.Accuracy()" in source
    assert "import keras\n" in source


REFUSALS = {
    "other-metric": (
        "auc, auc_op = tf.metrics.auc(labels, scores)\n"
        "with tf.Session() as sess:\n    sess.run(auc_op, {labels: [1], scores: [0.5]})\n",
        "`tf.metrics.auc` is not rewritten (only `tf.metrics.accuracy` and `tf.metrics.mean`",
    ),
    "collections": (
        "m, m_op = tf.metrics.mean(scores, metrics_collections=['x'])\n"
        "with tf.Session() as sess:\n    sess.run(m_op, {scores: [0.5]})\n",
        "`metrics_collections=`",
    ),
    "not-unpacked": (
        "pair = tf.metrics.mean(scores)\n"
        "with tf.Session() as sess:\n    sess.run(pair, {scores: [0.5]})\n",
        "not unpacked into two names",
    ),
    "value-with-update": (
        "m, m_op = tf.metrics.mean(scores)\n"
        "with tf.Session() as sess:\n    sess.run([m, m_op], {scores: [0.5]})\n",
        "fetched together with its update op",
    ),
    "value-used-by-graph": (
        "m, m_op = tf.metrics.mean(scores)\n"
        "doubled = m_op * 2.0\n"
        "with tf.Session() as sess:\n    sess.run(doubled, {scores: [0.5]})\n",
        "used by another graph statement",
    ),
    "global-initializer-in-loop": (
        "m, m_op = tf.metrics.mean(scores)\n"
        "with tf.Session() as sess:\n"
        "    for _ in range(2):\n"
        "        sess.run(tf.global_variables_initializer())\n"
        "        sess.run(m_op, {scores: [0.5]})\n",
        "an initializer runs inside a block",
    ),
    "accuracy-labels-expression-of-unknown-dtype": (
        "acc, acc_op = tf.metrics.accuracy(labels + 1, scores)\n"
        "with tf.Session() as sess:\n    sess.run(acc_op, {labels: [1], scores: [0.5]})\n",
        "may differ in dtype",
    ),
}


@pytest.mark.parametrize("code, reason", REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals_say_why(code: str, reason: str) -> None:
    before = ("import tensorflow as tf\nlabels = tf.placeholder(tf.int64, [None])\n"
              "scores = tf.placeholder(tf.float32, [None])\n" + code)
    source, findings = migrate(before)
    assert source == before
    assert findings, "no finding"
    message, applicability = findings[0]
    assert applicability is Applicability.MANUAL
    assert reason in message, message
