"""TFM150 on a session opened in a function over the graph the module builds (`def main():`
holding `with tf.Session() as sess:`): the module's graph becomes the module's TF2 program, and
the function keeps its code without the session, its runs calls of the run functions; what would
change TF1's numbers is refused at its line."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability

GRAPH = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, 2])
w = tf.Variable(tf.ones([2, 1]))
y = tf.matmul(x, w)
loss = tf.reduce_mean(tf.square(y - 1.0))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
"""

WITH_SESSION = GRAPH + """

def main():
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            _, value = sess.run([train_op, loss], {x: np.ones([4, 2])})
        print(value)


if __name__ == "__main__":
    main()
"""


def test_a_session_block_in_main_goes_and_its_runs_call_the_module_run_functions() -> None:
    source, [(_, applicability)] = migrate(WITH_SESSION)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import numpy as np
        import tensorflow as tf

        w = tf.Variable(tf.ones([2, 1]))
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


        def main():
            for _ in range(3):
                value = train_step(np.ones([4, 2])).numpy()
            print(value)


        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def train_step(x):
            with tf.GradientTape() as tape:
                y = tf.matmul(x, w)
                loss = tf.reduce_mean(tf.square(y - 1.0))
            gradients = tape.gradient(loss, [w])
            optimizer.apply_gradients(zip(gradients, [w]))
            return loss


        if __name__ == "__main__":
            main()
        """)


def test_a_session_created_and_closed_in_main_goes_and_the_helper_it_is_given_loses_it() -> None:
    source, [(_, applicability)] = migrate("""\
        import numpy as np
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 2])
        t = tf.placeholder(tf.float32, [None, 1])
        w = tf.Variable(tf.ones([2, 1]))
        y = tf.matmul(x, w)
        loss = tf.reduce_mean(tf.square(y - t))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)


        def evaluate(sess, data):
            return sess.run(loss, {x: data, t: np.zeros([len(data), 1])})


        def main():
            sess = tf.Session()
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train_op, feed_dict={x: np.ones([4, 2]), t: np.zeros([4, 1])})
            print(evaluate(sess, np.ones([2, 2])))
            sess.close()


        if __name__ == "__main__":
            main()
        """)
    assert applicability is Applicability.SAFE
    assert source == textwrap.dedent("""\
        import numpy as np
        import tensorflow as tf

        w = tf.Variable(tf.ones([2, 1]))
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


        def evaluate(data):
            return compute_loss(data, np.zeros([len(data), 1])).numpy()


        def main():
            for _ in range(3):
                train_step(np.ones([4, 2]), np.zeros([4, 1]))
            print(evaluate(np.ones([2, 2])))


        @tf.function(input_signature=[
            tf.TensorSpec([None, 2], tf.float32),
            tf.TensorSpec([None, 1], tf.float32),
        ])
        def compute_loss(x, t):
            y = tf.matmul(x, w)
            loss = tf.reduce_mean(tf.square(y - t))
            return loss


        @tf.function(input_signature=[
            tf.TensorSpec([None, 2], tf.float32),
            tf.TensorSpec([None, 1], tf.float32),
        ])
        def train_step(x, t):
            with tf.GradientTape() as tape:
                y = tf.matmul(x, w)
                loss = tf.reduce_mean(tf.square(y - t))
            gradients = tape.gradient(loss, [w])
            optimizer.apply_gradients(zip(gradients, [w]))


        if __name__ == "__main__":
            main()
        """)


FRESH = ("each call of it starts TF1 from freshly initialized variables, where TF2 would go on "
         "from the last call's")


@pytest.mark.parametrize(("calls", "expected"), [
    ("    main()\n    main()\n",
     f"function `main` (line 11) opens a session and is called again: {FRESH} (line 21)"),
    ("    for _ in range(2):\n        main()\n",
     f"function `main` (line 11) opens a session and is called in a loop or another function: "
     f"{FRESH} (line 21)"),
])
def test_main_called_more_than_once_is_refused_at_the_call(calls: str, expected: str) -> None:
    source = WITH_SESSION.replace("    main()\n", calls)
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert message == f"The session program is not rewritten: {expected}"


@pytest.mark.parametrize(("body", "expected"), [
    ("""\
    with tf.Session() as sess:
        for _ in range(3):
            sess.run(train_op, {x: np.ones([4, 2])})
        sess.run(tf.global_variables_initializer())
""", "an initializer runs after the variables were used (TF1 would reset them) (line 15)"),
    ("""\
    error = loss * 2.0
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print(sess.run(error, {x: np.ones([4, 2])}))
""", "function `main` opens a session over the module's graph and builds graph ops too (build "
     "them with the module's graph) (line 12)"),
    ("""\
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        keep(sess)
""", "the session `sess` is used as a value (line 18)"),
])
def test_what_main_does_that_the_rewrite_cannot_follow_is_refused(body: str,
                                                                   expected: str) -> None:
    source = GRAPH + "\n\ndef keep(s):\n    pass\n\n\ndef main():\n" + body + (
        "\n\nif __name__ == \"__main__\":\n    main()\n")
    source = source.replace("def keep(s):\n    pass\n\n\n", "") if "keep" not in body else source
    migrated, [(message, _)] = migrate(source)
    assert migrated == source
    assert message == f"The session program is not rewritten: {expected}"


def test_main_run_by_tf_app_run_is_refused_saying_to_call_it() -> None:
    source = WITH_SESSION.replace("def main():", "def main(_):").replace(
        "    main()\n", "    tf.app.run()\n")
    _, [(message, _)] = migrate(source)
    assert "`tf.app.run()` calls it (line 20), which the rewrite does not follow: call `main()` " \
           "under `if __name__ == \"__main__\":` instead" in message
