"""TFM150 on fetches that build new ops in the run call itself (`sess.run(tf.div(3, 4))`,
`sess.run(polynomial(num))`): with no feed and nothing computed per run, TF2 evaluates the
expression eagerly where it is, once, as TF1 ran the ops it built there; what reads placeholders
or per-run values is refused at its line."""

from __future__ import annotations

import textwrap

from tests.session_programs import migrate
from tf_migrate.model import Applicability

COOKBOOK = """\
import tensorflow as tf

sess = tf.Session()
c = tf.constant(3.0)


def custom_polynomial(x_val):
    return tf.subtract(3 * tf.square(x_val), x_val) + 10


print(sess.run(custom_polynomial(11)))
for num in [1, 2, 3]:
    print(sess.run(custom_polynomial(num)))
print(sess.run(tf.nn.relu([-3., 3., 10.])))
print(sess.run(c * 2.0))
"""


def test_ops_built_in_the_run_call_are_evaluated_where_they_are() -> None:
    source, [(message, applicability)] = migrate(COOKBOOK)
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        c = tf.constant(3.0)


        def custom_polynomial(x_val):
            return tf.subtract(3 * tf.square(x_val), x_val) + 10


        print(custom_polynomial(11).numpy())
        for num in [1, 2, 3]:
            print(custom_polynomial(num).numpy())
        print(tf.nn.relu([-3., 3., 10.]).numpy())
        print((c * 2.0).numpy())
        """)
    assert applicability is Applicability.SAFE
    assert "rewritten as TF2 functions" in message


def test_a_helper_returning_a_structure_gives_numpy_values_per_tensor() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        sess = tf.Session()


        def moments(values):
            return tf.nn.moments(tf.constant(values), axes=[0])


        stats = sess.run(moments([1.0, 2.0]))
        """)
    assert "stats = tf.nest.map_structure(lambda t: t.numpy(), moments([1.0, 2.0]))" in source


def test_a_variable_and_a_random_op_in_the_fetch_run_once_in_place() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        w = tf.Variable(1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            noisy = sess.run(tf.random_normal([2]) + w)
            bumped = sess.run(tf.assign_add(w, 1.0))
        """)
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        w = tf.Variable(1.0)
        noisy = (tf.random_normal([2]) + w).numpy()
        bumped = w.assign_add(1.0).numpy()
        """)
    assert applicability is Applicability.SAFE
    assert "random draws (the run at line 6)" in message


def test_a_new_op_over_a_value_computed_per_run_goes_into_the_run_function() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32)
        y = x * 2.0
        with tf.Session() as sess:
            shifted = sess.run(y + tf.constant(1.0), {x: 1.0})
        """)
    assert source == textwrap.dedent("""\
        import tensorflow as tf


        @tf.function(input_signature=[tf.TensorSpec(None, tf.float32)])
        def compute_value(x):
            y = x * 2.0
            return y + tf.constant(1.0)


        shifted = compute_value(1.0).numpy()
        """)


def test_per_run_values_and_helpers_that_make_state_are_refused_at_their_lines() -> None:
    code = """\
        import tensorflow as tf

        sess = tf.Session()
        x = tf.placeholder(tf.float32)
        y = x * 2.0


        def uses_y(v):
            return y + v


        def makes(v):
            return tf.Variable(v) * 2


        for num in [1, 2]:
            print(sess.run(y + num, {x: 1.0}))
        print(sess.run(uses_y(3.0), {x: 1.0}))
        print(sess.run(makes(3.0)))
        """
    source, [(message, applicability)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert applicability is Applicability.MANUAL
    assert message == (
        "The session program is not rewritten: the fetch `num` cannot be resolved to one value "
        "for every run (line 17); the fetch calls `uses_y`, which reads `y`, a value computed "
        "per run (line 18); the fetch calls `makes`, which creates or updates variables "
        "(line 19)")


def test_a_helper_building_no_ops_is_still_no_graph_value() -> None:
    _, [(message, _)] = migrate("""\
        import tensorflow as tf

        sess = tf.Session()


        def three():
            return 3


        print(sess.run(three()))
        """)
    assert "the fetches cannot be resolved to graph values (line 10)" in message


def test_a_function_called_by_the_fetchs_function_is_checked_too() -> None:
    _, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        sess = tf.Session()


        def inner(v):
            return tf.Variable(v) * 2


        def outer(v):
            return inner(v) + 1


        print(sess.run(outer(3.0)))
        """)
    assert applicability is Applicability.MANUAL
    assert message == ("The session program is not rewritten: the fetch calls `inner`, which "
                       "creates or updates variables (line 14)")


def test_a_variable_updated_and_read_in_one_fetch_is_unsafe() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        w = tf.Variable(1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            pair = sess.run([w, tf.assign_add(w, 1.0)])
            doubled = sess.run(tf.assign(w, w * 2.0))
        """)
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        w = tf.Variable(1.0)
        pair = [w.numpy(), w.assign_add(1.0).numpy()]
        doubled = w.assign(w * 2.0).numpy()
        """)
    assert applicability is Applicability.UNSAFE
    assert message == (
        "This session program can be rewritten as TF2 functions (unsafe: the run at line 6 "
        "updates `w` and reads it elsewhere: TF1 leaves the order open, TF2 follows program "
        "order)")
