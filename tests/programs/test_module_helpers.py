"""TFM150 on helpers that create variables and are called at several places: each becomes a
`tf.Module` class whose first call creates the variables, each call site makes its own object
where the call was, and the run functions call it; what does not fit is refused."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability

PROGRAM = """\
import tensorflow as tf

def dense(x, units, name, relu=True):
    with tf.variable_scope(name):
        w = tf.get_variable("w", [x.get_shape()[1], units])
        b = tf.Variable(tf.zeros([units]))
        out = tf.matmul(x, w) + b
        if relu:
            out = tf.nn.relu(out)
        return out

x = tf.placeholder(tf.float32, [None, 3])
y = tf.placeholder(tf.float32, [None, 1])
{calls}
loss = tf.reduce_mean(tf.square(out - y))
train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train, {{x: [[1.0, 2.0, 3.0]], y: [[1.0]]}})
"""
TWO_CALLS = 'h = dense(x, 4, "hidden")\nout = dense(h, 1, name="out", relu=False)'


def test_a_helper_called_twice_becomes_a_module_with_an_object_per_call() -> None:
    source, [(message, applicability)] = migrate(PROGRAM.format(calls=TWO_CALLS))
    assert applicability is Applicability.SAFE
    assert textwrap.dedent("""\
        class Dense(tf.Module):
            def __init__(self, units, name, relu=True):
                super().__init__()
                self.units = units
                self.layer_name = name
                self.relu = relu
                self.is_built = False

            def __call__(self, x):
                if not self.is_built:
                    self.w = tf.Variable(
                        tf.keras.initializers.GlorotUniform()([x.get_shape()[1], self.units]),
                        name="w",
                    )
                    self.b = tf.Variable(tf.zeros([self.units]))
                    self.is_built = True
                out = tf.matmul(x, self.w) + self.b
                if self.relu:
                    out = tf.nn.relu(out)
                return out


        h_layer = Dense(4, "hidden")
        out_layer = Dense(1, name="out", relu=False)
        """) in source
    assert "        h = h_layer(x)\n        out = out_layer(h)\n" in source
    assert ("    variables = [*h_layer.trainable_variables, *out_layer.trainable_variables]\n"
            in source)
    assert "`dense` creates variables: it becomes the `tf.Module` class `Dense`" in message
    assert "the variable or name scope around its body is dropped" in message
    assert migrate(source)[0] == source


def test_a_helper_called_once_with_a_scope_becomes_a_module_too() -> None:
    source, [(_, applicability)] = migrate(PROGRAM.format(calls='out = dense(x, 1, "only")'))
    assert applicability is Applicability.SAFE
    assert 'out_layer = Dense(1, "only")\n' in source


def test_a_straight_line_builder_called_once_is_written_out_at_its_call() -> None:
    source, [(message, _)] = migrate("""\
        import tensorflow as tf

        def model(x):
            w = tf.Variable(tf.ones([3, 1]))
            return tf.matmul(x, w)

        x = tf.placeholder(tf.float32, [None, 3])
        out = model(x)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            value = sess.run(out, {x: [[1.0, 2.0, 3.0]]})
        """)
    assert "the graph builder `model` written out at its call" in message
    assert "class Model" not in source


@pytest.mark.parametrize(("calls", "reason"), [
    ('h = dense(x, 4, "hidden")\nout = dense(h, 1, name=x)',
     "`name` of `dense` is given a graph value at one call and a Python value at another"),
    ('h = dense(x, 4, "hidden")\nout = dense(h, 1, "out")\nkeep = dense',
     "`dense` creates or updates variables"),
])
def test_what_a_module_cannot_carry_is_refused(calls: str, reason: str) -> None:
    source = PROGRAM.format(calls=calls)
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert reason in message


def test_a_variable_made_from_what_the_body_computes_later_is_refused() -> None:
    source = textwrap.dedent("""\
        import tensorflow as tf

        def block(x, units):
            w = tf.Variable(tf.ones([2, units]))
            h = tf.matmul(x, w)
            v = tf.Variable(tf.ones([h.get_shape()[1], 1]))
            return tf.matmul(h, v)

        x = tf.placeholder(tf.float32, [None, 2])
        a = block(x, 3)
        b = block(x, 4)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run([a, b], {x: [[1.0, 2.0]]})
        """)
    migrated, [(message, _)] = migrate(source)
    assert migrated == source
    assert "`block` creates a variable from `h`, computed after its first variable" in message


SHARED = """\
import tensorflow as tf

def encode(x, scope):
    with tf.variable_scope(scope, reuse=tf.AUTO_REUSE):
        w = tf.get_variable("w", [2, 2])
        return tf.matmul(x, w)

a = tf.placeholder(tf.float32, [None, 2])
b = tf.placeholder(tf.float32, [None, 2])
left = encode(a, {first})
right = encode(b, {second})
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run([left, right], {{a: [[1.0, 2.0]], b: [[3.0, 4.0]]}})
"""


def test_calls_entering_one_reused_scope_share_one_object() -> None:
    source, [(message, applicability)] = migrate(SHARED.format(first='"tower"',
                                                               second='"tower"'))
    assert applicability is Applicability.SAFE
    assert 'tower = Encode("tower")\n' in source
    assert source.count("Encode(\"") == 1
    assert "    left = tower(a)\n    right = tower(b)\n" in source
    assert "calls that enter the same reused scope share one object" in message


def test_calls_entering_different_reused_scopes_have_their_own_objects() -> None:
    source, _ = migrate(SHARED.format(first='"one"', second='"two"'))
    assert 'one = Encode("one")\ntwo = Encode("two")\n' in source


def test_a_reused_scope_named_at_run_time_is_refused() -> None:
    source = SHARED.format(first='"tower"', second='"tow" + "er"')
    migrated, [(message, _)] = migrate(source)
    assert migrated == source
    assert "the scope `encode` reuses is named by something other than a string here" in message
