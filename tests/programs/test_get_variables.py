"""TFM150 on programs that create variables with `tf.get_variable`: each call TF1 ran made a new
variable (outside a reusing scope), so it becomes `tf.Variable` of the Keras initializer that
draws as the TF1 one did; naming-only variable scopes are dropped (said in the finding);
reusing scopes and what has no TF2 form stay refused."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability

PROGRAM = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 2])
{before}
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run(y, {{x: [[1.0, 2.0]]}})
"""


def run(before: str) -> tuple[str, str, Applicability]:
    source, [(message, applicability)] = migrate(PROGRAM.format(before=textwrap.dedent(before)))
    return source, message, applicability


def test_get_variable_becomes_a_variable_of_its_initializer() -> None:
    source, message, applicability = run("""\
        w = tf.get_variable("w", [2, 3], initializer=tf.random_normal_initializer(stddev=0.5))
        b = tf.get_variable("b", shape=[3], dtype=tf.float32, trainable=True,
                            initializer=tf.zeros_initializer())
        k = tf.get_variable("k", [3])
        y = tf.matmul(x, w) + b + k
        """)
    assert applicability is Applicability.SAFE
    assert ('w = tf.Variable(tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.5)([2, 3]), '
            'name="w")\n') in source
    assert ('b = tf.Variable(tf.keras.initializers.Zeros()([3], dtype=tf.float32), name="b", '
            "trainable=True)\n") in source
    # get_variable's default initializer
    assert 'k = tf.Variable(tf.keras.initializers.GlorotUniform()([3]), name="k")\n' in source
    assert "random draws (`w`, `k`)" in message
    assert migrate(source)[0] == source


def test_an_initializer_bound_to_a_name_becomes_the_keras_one() -> None:
    source, _, applicability = run("""\
        init = tf.truncated_normal_initializer(stddev=0.1)
        w = tf.get_variable("w", [2, 1], initializer=init)
        y = tf.matmul(x, w)
        """)
    assert applicability is Applicability.SAFE
    assert "init = tf.keras.initializers.TruncatedNormal(mean=0.0, stddev=0.1)\n" in source
    assert 'w = tf.Variable(init([2, 1]), name="w")\n' in source


def test_a_value_as_the_initializer_is_the_initial_value() -> None:
    source, _, _ = run("""\
        w = tf.get_variable("w", initializer=tf.ones([2, 1]))
        y = tf.matmul(x, w)
        """)
    assert 'w = tf.Variable(tf.ones([2, 1]), name="w")\n' in source


def test_a_naming_variable_scope_is_dropped_and_said() -> None:
    source, message, applicability = run("""\
        with tf.variable_scope("layer"):
            w = tf.get_variable("w", [2, 1])
            y = tf.matmul(x, w)
        """)
    assert applicability is Applicability.SAFE
    assert "variable_scope" not in source
    assert "variable scopes (`tf.variable_scope` without reuse) are dropped" in message


@pytest.mark.parametrize(("before", "reason"), [
    ('with tf.variable_scope("layer", reuse=tf.AUTO_REUSE):\n'
     '    w = tf.get_variable("w", [2, 1])\ny = tf.matmul(x, w)\n', "tf.variable_scope"),
    ('w = tf.get_variable("w", [2, 1], regularizer=abs)\ny = tf.matmul(x, w)\n',
     "`regularizer=` of `tf.get_variable` is not rewritten here"),
    ('w = tf.get_variable("w", [2, 1], collections=["mine"])\ny = tf.matmul(x, w)\n',
     "`collections=` of `tf.get_variable` is not rewritten: TF2 has no collections"),
    ('w = tf.get_variable("w")\ny = tf.matmul(x, w)\n',
     "`tf.get_variable` without `shape=`"),
])
def test_sharing_and_tf1_only_arguments_stay_refused(before: str, reason: str) -> None:
    source = PROGRAM.format(before=before)
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert reason in message


def test_a_reset_graph_helper_starts_each_program_and_keeps_its_seeding() -> None:
    source, [(_, applicability)] = migrate("""\
        import numpy as np
        import tensorflow as tf

        def reset_graph(seed=42):
            tf.reset_default_graph()
            tf.set_random_seed(seed)
            np.random.seed(seed)

        reset_graph()
        a = tf.placeholder(tf.float32)
        b = a * 2.0
        with tf.Session() as sess:
            first = sess.run(b, {a: 1.0})

        reset_graph()
        w = tf.Variable(3.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            second = sess.run(w)
        """)
    assert applicability is Applicability.SAFE
    assert ("def reset_graph(seed=42):\n    tf.set_random_seed(seed)\n    np.random.seed(seed)\n"
            in source)
    assert source.count("reset_graph()\n") == 2
    assert "reset_default_graph" not in source


def test_scopes_that_only_name_a_helpers_ops_become_name_scopes() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        w = tf.Variable(tf.ones([2, 2]))

        def layer(v):
            with tf.variable_scope("dense"):
                h = tf.matmul(v, w)
            with tf.name_scope("act"):
                return tf.nn.relu(h)

        x = tf.placeholder(tf.float32, [None, 2])
        y = layer(x)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(y, {x: [[1.0, 2.0]]})
        """)
    assert applicability is Applicability.SAFE
    assert '    with tf.name_scope("dense"):\n' in source
    assert '    with tf.name_scope("act"):\n' in source
