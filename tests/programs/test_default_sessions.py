"""TFM150 on sessions made the default: `with sess.as_default():` and
`with tf.Session().as_default() as sess:` blocks are dedented as session blocks are, and the
`.eval()` and `op.run()` inside them run in that session; outside them they have none and stay
refused."""

from __future__ import annotations

import textwrap

from tests.session_programs import migrate
from tf_migrate.model import Applicability

GRAPH = """\
import numpy as np
import tensorflow as tf

x = tf.placeholder(tf.float32, [None])
w = tf.Variable(0.5)
loss = tf.reduce_mean(tf.square(x * w - 2.0 * x))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

data = np.array([1.0, 2.0, 3.0], dtype=np.float32)
"""

MIGRATED = """\
import numpy as np
import tensorflow as tf

w = tf.Variable(0.5)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)

data = np.array([1.0, 2.0, 3.0], dtype=np.float32)


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def train_step(x):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(x * w - 2.0 * x))
    gradients = tape.gradient(loss, [w])
    optimizer.apply_gradients(zip(gradients, [w]))


@tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
def compute_loss(x):
    loss = tf.reduce_mean(tf.square(x * w - 2.0 * x))
    return loss


for _ in range(3):
    train_step(data)
final = compute_loss(data).numpy()
print(final)
"""


def test_a_session_made_the_default_runs_eval_and_op_run_in_its_block() -> None:
    source, [(_, applicability)] = migrate(GRAPH + """\
sess = tf.Session()
with sess.as_default():
    tf.global_variables_initializer().run()
    for _ in range(3):
        train_op.run(feed_dict={x: data})
    final = loss.eval(feed_dict={x: data})
sess.close()
print(final)
""")
    assert source == MIGRATED
    assert applicability is Applicability.SAFE


def test_a_session_opened_as_the_default_in_its_with_statement() -> None:
    source, [(_, applicability)] = migrate(GRAPH + """\
with tf.Session().as_default() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(3):
        train_op.run(feed_dict={x: data})
    final = loss.eval(feed_dict={x: data})
print(final)
""")
    assert source == MIGRATED
    assert applicability is Applicability.SAFE


def test_one_with_statement_entering_the_graph_and_the_session_in_main() -> None:
    source, [(_, applicability)] = migrate("""\
        import numpy as np
        import tensorflow as tf


        def main():
            with tf.Graph().as_default(), tf.Session() as sess, sess.as_default():
                x = tf.placeholder(tf.float32, [None])
                w = tf.Variable(0.5)
                loss = tf.reduce_mean(tf.square(x * w - 2.0 * x))
                tf.global_variables_initializer().run()
                print(loss.eval(feed_dict={x: np.ones(3)}))


        if __name__ == "__main__":
            main()
        """)
    assert source == textwrap.dedent("""\
        import numpy as np
        import tensorflow as tf


        def main():
            w = tf.Variable(0.5)

            @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
            def compute_loss(x):
                loss = tf.reduce_mean(tf.square(x * w - 2.0 * x))
                return loss

            print(compute_loss(np.ones(3)).numpy())


        if __name__ == "__main__":
            main()
        """)
    assert applicability is Applicability.SAFE


def test_eval_after_the_default_block_is_still_refused_at_its_line() -> None:
    source, [(message, applicability)] = migrate(GRAPH + """\
sess = tf.Session()
with sess.as_default():
    tf.global_variables_initializer().run()
    train_op.run(feed_dict={x: data})
final = loss.eval(feed_dict={x: data})
""")
    assert applicability is Applicability.MANUAL
    assert "`.eval()`/`.run()` outside any default session (line 14)" in message
    assert "as_default" in source


def test_a_default_session_entered_with_another_context_is_refused_with_advice() -> None:
    _, [(message, applicability)] = migrate(GRAPH + """\
sess = tf.Session()
with sess.as_default(), open("log.txt", "w") as log:
    tf.global_variables_initializer().run()
    print(loss.eval(feed_dict={x: data}))
""")
    assert applicability is Applicability.MANUAL
    assert "a `with` statement enters a graph or session together with other contexts (write "\
           "them as nested `with` blocks) (line 11)" in message


def test_two_sessions_opened_in_one_with_statement_are_refused() -> None:
    _, [(message, applicability)] = migrate(GRAPH + """\
with tf.Session() as first, tf.Session().as_default() as second:
    print(loss.eval(feed_dict={x: data}))
""")
    assert applicability is Applicability.MANUAL
    assert "one `with` statement opens two sessions (line 10)" in message


def test_a_device_or_name_scope_entered_with_the_session_is_dropped_with_a_note() -> None:
    source, [(message, _)] = migrate("""\
        import numpy as np
        import tensorflow as tf

        with tf.Graph().as_default(), tf.Session() as sess, tf.device('/cpu:0'):
            x = tf.placeholder(tf.float32, [None, 2])
            y = tf.reduce_sum(x * 3.0)
            out = sess.run(y, {x: np.ones([2, 2])})
        """)
    assert source == textwrap.dedent("""\
        import numpy as np
        import tensorflow as tf


        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def compute_y(x):
            y = tf.reduce_sum(x * 3.0)
            return y


        out = compute_y(np.ones([2, 2])).numpy()
        """)
    assert "device placements (`tf.device`) are dropped" in message
