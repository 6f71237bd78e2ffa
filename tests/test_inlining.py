"""Graph builders called once are written out at their call so TFM150 sees one program."""

from __future__ import annotations

import textwrap

from tests.session_programs import migrate
from tf_migrate.model import Applicability


def test_builder_returning_a_tuple_is_written_out_with_the_callers_names() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf


        def build(scale):
            inputs = tf.placeholder(tf.float32, [None])
            weight = tf.Variable(2.0)
            output = inputs * weight * scale
            return inputs, output


        x, y = build(3.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            value = sess.run(y, {x: [1.0]})
        """)
    assert source == textwrap.dedent("""\
        import tensorflow as tf


        scale = 3.0
        weight = tf.Variable(2.0)


        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def compute_y(x):
            y = x * weight * scale
            return y


        value = compute_y([1.0]).numpy()
        """)
    assert applicability is Applicability.SAFE
    assert "the graph builder `build` written out at its call" in message


def test_builder_returning_a_dict_in_main() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf


        def build_model():
            x = tf.placeholder(tf.float32, [])
            w = tf.Variable(1.0)
            return {"x": x, "double": 2.0 * x * w}


        def main():
            model = build_model()
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                return sess.run(model["double"], {model["x"]: 4.0})
        """)
    assert applicability is Applicability.SAFE
    assert "def build_model" not in source
    assert "double = 2.0 * x * w" in source
    assert "return compute_double(4.0).numpy()" in source
    assert migrate(source)[0] == source


def test_builder_called_twice_is_not_written_out() -> None:
    before = textwrap.dedent("""\
        import tensorflow as tf
        def build():
            return tf.Variable(1.0) * 2.0
        a = build()
        b = build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run([a, b])
        """)
    source, [(message, applicability)] = migrate(before)
    assert source == before
    assert applicability is Applicability.MANUAL
    assert "`build` creates or updates variables" in message


def test_builder_whose_names_meet_the_callers_is_written_out_under_fresh_names() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf
        w = 5.0
        def build():
            w = tf.Variable(1.0)
            return w * 2.0
        y = build()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(y) + w
        """)
    assert applicability is Applicability.SAFE
    assert "the graph builder `build` written out at its call" in message
    # The caller's `w` stays the caller's; the builder's variable is `w_2`.
    assert source == textwrap.dedent("""\
        import tensorflow as tf
        w = 5.0
        w_2 = tf.Variable(1.0)


        def compute_y():
            y = w_2 * 2.0
            return y


        out = compute_y().numpy() + w
        """)


CLASS_PROGRAM = """\
import tensorflow as tf


class Model:
    def __init__(self, scale):
        self.x = tf.placeholder(tf.float32, [None])
        self.w = tf.Variable(2.0)
        self.y = self.x * self.w * scale
{extra}

model = Model(3.0)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    value = sess.run(model.y, {{model.x: [1.0]}})
{use}"""


def test_class_building_its_graph_in_init_is_written_out_at_its_instantiation() -> None:
    source, [(message, applicability)] = migrate(CLASS_PROGRAM.format(extra="", use=""))
    assert source == textwrap.dedent("""\
        import tensorflow as tf


        scale = 3.0
        w = tf.Variable(2.0)


        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def compute_y(x):
            y = x * w * scale
            return y


        value = compute_y([1.0]).numpy()
        """)
    assert applicability is Applicability.SAFE
    assert "`Model` written out" in message


def test_class_with_methods_or_instance_used_otherwise_is_not_written_out() -> None:
    with_method = CLASS_PROGRAM.format(
        extra="\n    def predict(self, sess, v):\n        return sess.run(self.y, {self.x: v})\n",
        use="")
    passed_around = CLASS_PROGRAM.format(extra="", use="print(model)\n")
    for before in (with_method, passed_around):
        source, [(_, applicability)] = migrate(before)
        assert source == before
        assert applicability is Applicability.MANUAL


def test_a_parameter_the_builder_binds_again_is_renamed_and_given_the_callers_value() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf
        def build(x, scale):
            w = tf.Variable(1.0)
            x = x * scale * w
            return x + 1.0
        x = tf.placeholder(tf.float32, [None])
        scale = 2.0
        y = build(x, scale)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(y, {x: [1.0]})
        """)
    assert applicability is Applicability.SAFE
    # Only the parameter bound again is renamed: `scale` is the caller's own.
    assert "    x_2 = x\n    x_2 = x_2 * scale * w\n    y = x_2 + 1.0\n" in source
