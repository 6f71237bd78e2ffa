"""TFM150 on graph ops built in an `if`, `for` or `while` of the program: the rewrite follows
graph statements at the program's top level only, so such a statement is refused once, at its
first op, with what to change; an `if` whose branches are built in a function of the script
keeps choosing in the run functions."""

from __future__ import annotations

import textwrap

from tests.session_programs import migrate
from tf_migrate.model import Applicability

TOP_LEVEL = "and the rewrite follows graph statements at the program's top level only"

SWITCHED = """\
import sys
import tensorflow as tf

regression_type = 'Ridge'
x = tf.placeholder(tf.float32, [None, 1])
y_target = tf.placeholder(tf.float32, [None, 1])
A = tf.Variable(tf.random_normal(shape=[1, 1]))
model_output = tf.matmul(x, A)
if regression_type == 'LASSO':
    lasso_param = tf.constant(0.9)
    loss = tf.add(tf.reduce_mean(tf.square(y_target - model_output)), lasso_param)
elif regression_type == 'Ridge':
    ridge_param = tf.constant(1.)
    loss = tf.add(tf.reduce_mean(tf.square(y_target - model_output)), ridge_param)
else:
    print('Invalid regression_type parameter value', file=sys.stderr)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run(loss, feed_dict={x: [[1.0]], y_target: [[2.0]]}))
"""


def test_ops_built_in_an_if_are_refused_once_at_the_if_with_what_to_change() -> None:
    source, [(message, applicability)] = migrate(SWITCHED)
    assert source == SWITCHED
    assert applicability is Applicability.MANUAL
    assert message == (
        "The session program is not rewritten: `tf.constant` is built in the `if` statement at "
        f"line 9, {TOP_LEVEL}: build the values of its branches in a function of the script "
        "that takes the graph values they read as parameters and returns what they compute "
        "(`loss = build_loss(x, y)`): the run functions call it, and its `if` still picks the "
        "branch (line 10)"
    )


def test_an_if_building_its_branches_in_a_function_keeps_choosing_in_the_run_functions() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        regression_type = 'Ridge'


        def regularized_loss(y_target, model_output, A):
            if regression_type == 'LASSO':
                return tf.reduce_mean(tf.square(y_target - model_output)) + tf.constant(0.9)
            elif regression_type == 'Ridge':
                return tf.reduce_mean(tf.square(y_target - model_output)) + tf.reduce_mean(
                    tf.square(A))
            raise ValueError(regression_type)


        x = tf.placeholder(tf.float32, [None, 1])
        y_target = tf.placeholder(tf.float32, [None, 1])
        A = tf.Variable([[0.5]])
        model_output = tf.matmul(x, A)
        loss = regularized_loss(y_target, model_output, A)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            print(sess.run(loss, feed_dict={x: [[1.0]], y_target: [[2.0]]}))
        """)
    assert applicability is Applicability.SAFE, message
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        regression_type = 'Ridge'


        def regularized_loss(y_target, model_output, A):
            if regression_type == 'LASSO':
                return tf.reduce_mean(tf.square(y_target - model_output)) + tf.constant(0.9)
            elif regression_type == 'Ridge':
                return tf.reduce_mean(tf.square(y_target - model_output)) + tf.reduce_mean(
                    tf.square(A))
            raise ValueError(regression_type)


        A = tf.Variable([[0.5]])


        @tf.function(input_signature=[
            tf.TensorSpec([None, 1], tf.float32),
            tf.TensorSpec([None, 1], tf.float32),
        ])
        def compute_loss(x, y_target):
            model_output = tf.matmul(x, A)
            loss = regularized_loss(y_target, model_output, A)
            return loss


        print(tf.nest.map_structure(lambda t: t.numpy(), compute_loss([[1.0]], [[2.0]])))
        """)


def test_variables_built_in_a_for_loop_are_refused_once_with_what_to_change() -> None:
    code = """\
        import tensorflow as tf

        X = tf.placeholder(tf.float32)
        Y = tf.placeholder(tf.float32)
        Y_pred = tf.Variable(tf.random_normal([1]), name='bias')
        for pow_i in range(1, 5):
            W = tf.Variable(tf.random_normal([1]), name='weight_%d' % pow_i)
            Y_pred = tf.add(tf.multiply(tf.pow(X, pow_i), W), Y_pred)
        cost = tf.reduce_sum(tf.pow(Y_pred - Y, 2)) / (10 - 1)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            print(sess.run(cost, feed_dict={X: [1.0], Y: [2.0]}))
        """
    source, [(message, applicability)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert applicability is Applicability.MANUAL
    assert message == (
        "The session program is not rewritten: `tf.Variable` is built in the `for` statement "
        f"at line 6, {TOP_LEVEL}: unroll the loop, or, when it creates no variables, compute "
        "its values in a function of the script that takes the graph values it reads as "
        "parameters and returns them (line 7)"
    )


def test_an_op_built_in_a_loop_that_runs_it_is_to_be_built_once_before_the_loop() -> None:
    code = """\
        import tensorflow as tf

        w = tf.Variable(1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            while True:
                update = tf.assign(w, w * 2.0)
                if sess.run(update) > 8.0:
                    break
        """
    source, [(message, _)] = migrate(code)
    assert source == textwrap.dedent(code)
    assert message == (
        "The session program is not rewritten: `tf.assign` is built in the `while` statement "
        f"at line 6, {TOP_LEVEL}: build the op once before the loop, with a placeholder for "
        "what changes between iterations, and run it in the loop (line 7)"
    )


def test_an_if_building_no_op_that_reads_a_graph_value_is_refused_at_the_read() -> None:
    _, [(message, _)] = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [])
        y = x * 2.0
        if y:
            print("y")
        with tf.Session() as sess:
            print(sess.run(y, {x: 1.0}))
        """)
    assert message == ("The session program is not rewritten: graph value `y` is used as a "
                       "Python value (line 5)")


def test_an_if_that_only_runs_the_graph_stays_where_it_is() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        verbose = True
        x = tf.placeholder(tf.float32, [])
        y = x * 2.0
        with tf.Session() as sess:
            if verbose:
                print(sess.run(y, {x: 1.0}))
        """)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        verbose = True


        @tf.function(input_signature=[tf.TensorSpec([], tf.float32)])
        def compute_y(x):
            y = x * 2.0
            return y


        if verbose:
            print(compute_y(1.0).numpy())
        """)


def test_a_version_switch_to_tf1_mode_goes_with_the_program() -> None:
    """`if tf.__version__...: disable_eager_execution() else: import tensorflow.compat.v1 as
    tf; tf.disable_v2_behavior()`, the prelude that ran a TF1 script on either TensorFlow: the
    TF2 program needs neither branch."""
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        if tf.__version__.startswith("1."):
            tf.compat.v1.disable_eager_execution()
        else:
            import tensorflow.compat.v1 as tf
            tf.disable_v2_behavior()

        c = tf.add(2, 3)
        with tf.Session() as sess:
            print(sess.run(c))
        """)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        c = tf.add(2, 3)
        print(c.numpy())
        """)


def test_a_version_test_that_does_more_than_switch_modes_stays_refused() -> None:
    source = textwrap.dedent("""\
        import tensorflow as tf

        if tf.__version__.startswith("1."):
            tf.compat.v1.disable_eager_execution()
        else:
            print("TF2")
        c = tf.add(2, 3)
        with tf.Session() as sess:
            print(sess.run(c))
        """)
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert "`if` statement at line 3" in message
