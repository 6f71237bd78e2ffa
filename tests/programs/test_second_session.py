"""TFM150 on a second session over the program's graph: TF1 starts it from uninitialized
variables, so a script that runs the variables initializer there trains again from the initial
values. TF2 assigns the variables their initial values (and zeroes the optimizer's state) where
that initializer ran; a second session that uses the graph before it is refused."""

from __future__ import annotations

import textwrap

from tests.session_programs import migrate
from tf_migrate.model import Applicability


def test_a_second_session_running_the_initializer_resets_the_variables_there() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        w = tf.Variable(1.0)
        step = tf.assign_add(w, 1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step)
            first = sess.run(w)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            second = sess.run(w)
        """)
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        w = tf.Variable(1.0)


        def run_step():
            step = w.assign_add(1.0)
            return step


        run_step()
        first = w.numpy()


        def reset_variables():
            w.assign(1.0)


        reset_variables()
        second = w.numpy()
        """)
    assert applicability is Applicability.SAFE
    assert message == "This session program can be rewritten as TF2 functions"


def test_training_in_two_sessions_resets_the_optimizer_state_too() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None])
        w = tf.Variable(0.5)
        loss = tf.reduce_mean(tf.square(x * w - 2.0 * x))
        train = tf.train.AdamOptimizer(0.1).minimize(loss)
        init = tf.global_variables_initializer()

        sess = tf.Session()
        sess.run(init)
        for _ in range(3):
            sess.run(train, {x: [1.0, 2.0]})
        first = sess.run(w)
        sess.close()

        sess = tf.Session()
        sess.run(init)
        sess.run(train, {x: [3.0]})
        second = sess.run(w)
        sess.close()
        """)
    adam = "tf.keras.optimizers.Adam(learning_rate=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-08)"
    assert source == textwrap.dedent(f"""\
        import tensorflow as tf

        w = tf.Variable(0.5)
        optimizer = {adam}


        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def train_step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(x * w - 2.0 * x))
            gradients = tape.gradient(loss, [w])
            optimizer.apply_gradients(zip(gradients, [w]))


        for _ in range(3):
            train_step([1.0, 2.0])
        first = w.numpy()


        def reset_variables():
            w.assign(0.5)
            for variable in optimizer.variables:
                if variable is not optimizer.learning_rate:
                    variable.assign(tf.zeros(variable.shape, variable.dtype))


        reset_variables()
        train_step([3.0])
        second = w.numpy()
        """)
    assert applicability is Applicability.SAFE


def test_a_local_variables_initializer_in_the_second_session_resets_the_metrics() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.int64, [None])
        w = tf.Variable(1.0)
        acc, acc_op = tf.metrics.accuracy(x, x)
        step = tf.assign_add(w, 1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(tf.local_variables_initializer())
            sess.run(step)
            a = sess.run(acc_op, {x: [1, 2]})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(tf.local_variables_initializer())
            b = sess.run(acc_op, {x: [1, 2]})
        """)
    assert "reset_variables()\nacc.reset_state()\nb = run_acc_op([1, 2]).numpy()\n" in source
    assert applicability is Applicability.SAFE


def test_a_random_initial_value_draws_again_and_the_finding_says_so() -> None:
    source, [(message, _)] = migrate("""\
        import tensorflow as tf

        w = tf.Variable(tf.random_normal([2]))
        step = tf.assign_add(w, [1.0, 1.0])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            second = sess.run(w)
        """)
    assert "def reset_variables():\n    w.assign(tf.random_normal([2]))\n" in source
    assert "`w` again at line 9" in message


def test_a_second_session_reading_variables_without_the_initializer_is_refused() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        w = tf.Variable(1.0)
        step = tf.assign_add(w, 1.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(step)
        with tf.Session() as sess:
            second = sess.run(w)
        """)
    assert applicability is Applicability.MANUAL
    assert "a second session uses the graph before running " \
           "`tf.global_variables_initializer()` (TF1 raises FailedPreconditionError there) " \
           "(line 9)" in message
    assert "tf.Session" in source


def test_an_initial_value_reading_another_variable_is_refused() -> None:
    _, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        w = tf.Variable(1.0)
        v = tf.Variable(w * 2.0)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(v)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            second = sess.run(v)
        """)
    assert applicability is Applicability.MANUAL
    assert "the initial value of `v` reads `w`, which is computed per run (line 4)" in message


def test_an_optimizer_whose_state_does_not_start_at_zero_is_refused() -> None:
    _, [(message, _)] = migrate("""\
        import tensorflow as tf

        w = tf.Variable(0.5)
        loss = tf.square(w - 2.0)
        train = tf.train.AdagradOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
        """)
    assert "a second session starts the optimizer at line 5 anew, and only SGD's and Adam's " \
           "Keras state is known to start at zero (line 10)" in message


def test_metrics_not_reinitialized_in_the_second_session_are_refused() -> None:
    _, [(message, _)] = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None])
        w = tf.Variable(1.0)
        mean, mean_op = tf.metrics.mean(x * w)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(tf.local_variables_initializer())
            a = sess.run(mean_op, {x: [1.0]})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            b = sess.run(mean_op, {x: [1.0]})
        """)
    assert "a second session starts the `tf.metrics` state uninitialized: run " \
           "`tf.local_variables_initializer()` there too (line 11)" in message
