"""TFM150 session-program rewrite: before/after tables, refusals and applicability."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability
from tf_migrate.rules.session_program import SessionProgram

REWRITES = {
    "shared-function-is-a-tf-function": (
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None])
        y = tf.reduce_sum(x * 2.0)
        with tf.Session() as sess:
            a = sess.run(y, {x: [1.0, 2.0]})
            b = sess.run(y, {x: [3.0]})
        """,
        """\
        import tensorflow as tf


        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def compute_y(x):
            y = tf.reduce_sum(x * 2.0)
            return y


        a = compute_y([1.0, 2.0]).numpy()
        b = compute_y([3.0]).numpy()
        """,
    ),
    "default-argument-and-named-feed": (
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        t = tf.placeholder_with_default(2.0, shape=[])
        y = x / t
        feed = {x: 6.0}
        sess = tf.Session()
        a = sess.run(y, feed_dict=feed)
        b = sess.run(y, feed_dict={x: 6.0, t: 3.0})
        sess.close()
        """,
        """\
        import tensorflow as tf
        feed = {"x": 6.0}


        @tf.function(input_signature=[
            tf.TensorSpec(None, tf.float32),
            tf.TensorSpec([], tf.float32),
        ])
        def compute_y(x, t=2.0):
            y = x / t
            return y


        a = compute_y(**feed).numpy()
        b = compute_y(6.0, t=3.0).numpy()
        """,
    ),
    "interactive-session-eval": (
        """\
        import tensorflow as tf
        sess = tf.InteractiveSession()
        v = tf.Variable([1.0, 2.0])
        tf.global_variables_initializer().run()
        doubled = v * 2
        print(doubled.eval())
        """,
        """\
        import tensorflow as tf
        v = tf.Variable([1.0, 2.0])


        def compute_doubled():
            doubled = v * 2
            return doubled


        print(compute_doubled().numpy())
        """,
    ),
    "constants-stay-eager-in-a-graph-block": (
        """\
        import tensorflow as tf
        with tf.Graph().as_default():
            a = tf.constant([1.0, 2.0])
            b = tf.reduce_mean(a)
            with tf.Session() as sess:
                pair = sess.run((a, b))
        """,
        """\
        import tensorflow as tf
        a = tf.constant([1.0, 2.0])
        b = tf.reduce_mean(a)
        pair = (a.numpy(), b.numpy())
        """,
    ),
}


@pytest.mark.parametrize(("before", "after"), REWRITES.values(), ids=REWRITES.keys())
def test_rewrite(before: str, after: str) -> None:
    source, findings = migrate(before)
    assert source == textwrap.dedent(after)
    assert findings == [(SessionProgram.message, Applicability.SAFE)]
    compile(source, "<after>", "exec")
    assert migrate(source) == (source, [])


def test_random_ops_are_a_safe_rewrite_that_says_so() -> None:
    source, findings = migrate(
        """\
        import tensorflow as tf
        noise = tf.random_normal([2])
        with tf.Session() as sess:
            draw = sess.run(noise)
        """
    )
    ((message, applicability),) = findings
    assert applicability is Applicability.SAFE
    assert ("random draws (the run at line 4): TF2 draws other numbers from the same "
            "distributions; `tf-migrate verify` aligns model variables") in message
    assert "def compute_noise():" in source


def test_refusal_says_why_and_changes_nothing() -> None:
    code = """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        y = x * 2
        def run(session, value):
            print(session.graph)
            return session.run(y, {x: value})
        with tf.Session() as sess:
            out = run(sess, 1.0)
        """
    source, findings = migrate(code)
    assert source == textwrap.dedent(code)
    ((message, applicability),) = findings
    assert applicability is Applicability.MANUAL
    assert "the session `sess` is used as a value (line 8)" in message


def test_tf2_code_is_left_alone() -> None:
    code = "import tensorflow as tf\nx = tf.constant(1.0)\nprint(x.numpy())\n"
    assert migrate(code) == (code, [])


def test_graph_only_module_without_run_sites_is_left_alone() -> None:
    code = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\ny = x * 2\n"
    assert migrate(code) == (code, [])


def test_graph_only_module_with_unhandled_ops_gets_no_refusal() -> None:
    # Without a session there is no program to rewrite; TFM303 already reports the layer.
    code = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\nh = tf.layers.dense(x, 3)\n"
    assert migrate(code) == (code, [])


def test_a_variable_factory_may_compute_its_initial_value_first() -> None:
    # TF's own tutorials: the initial value in a local, then `return tf.Variable(initial)`; or
    # the variable bound to a local and returned.
    source, findings = migrate(
        """\
        import tensorflow as tf

        def weight_variable(shape):
            initial = tf.truncated_normal(shape, stddev=0.1)
            return tf.Variable(initial)

        def bias_variable(shape):
            bias = tf.Variable(tf.constant(0.1, shape=shape))
            return bias

        x = tf.placeholder(tf.float32, [None, 2])
        w = weight_variable([2, 1])
        b = bias_variable([1])
        y = tf.matmul(x, w) + b
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(y, {x: [[1.0, 2.0]]})
        """
    )
    ((message, applicability),) = findings
    assert applicability is Applicability.SAFE
    assert "random draws (`w`)" in message
    assert "w = weight_variable([2, 1])\nb = bias_variable([1])\n" in source
    assert "    y = tf.matmul(x, w) + b\n    return y\n" in source


def test_a_factory_that_does_more_than_compute_its_initial_value_is_not_one() -> None:
    _, findings = migrate(
        """\
        import tensorflow as tf
        counter = tf.Variable(0)

        def weight_variable(shape):
            step = tf.assign_add(counter, 1)
            return tf.Variable(tf.zeros(shape))

        w = weight_variable([2])
        v = weight_variable([2])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run([w, v])
        """
    )
    ((message, _),) = findings
    assert message.startswith("The session program is not rewritten: `weight_variable` creates")


def test_static_shapes_of_graph_values_are_read_at_trace_time() -> None:
    source, findings = migrate(
        """\
        import tensorflow as tf

        def flatten(t):
            size = t.get_shape().as_list()[1] * t.get_shape().as_list()[2]
            return tf.reshape(t, [-1, size])

        x = tf.placeholder(tf.float32, [None, 2, 3])
        flat = flatten(x)
        dims = tf.zeros([x.shape[1]], dtype=x.dtype)
        with tf.Session() as sess:
            out, d = sess.run([flat, dims], {x: [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]]})
        """
    )
    ((message, applicability),) = findings
    assert applicability is Applicability.SAFE, message
    assert "    flat = flatten(x)\n" in source and "dims = tf.zeros([x.shape[1]]" in source


def test_each_graph_after_a_reset_is_a_program_of_its_own() -> None:
    source, findings = migrate(
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        y = x * 2.0
        with tf.Session() as sess:
            first = sess.run(y, {x: 1.0})
        tf.reset_default_graph()
        x = tf.placeholder(tf.float32)
        y = x + 1.0
        with tf.Session() as sess:
            second = sess.run(y, {x: 1.0})
        """
    )
    ((message, applicability),) = findings
    assert applicability is Applicability.SAFE, message
    assert source.count("def compute_y(x):") == 2
    assert "first = compute_y(1.0).numpy()" in source
    assert "second = compute_y(1.0).numpy()" in source
    assert "reset_default_graph" not in source and "placeholder" not in source


def test_a_graph_after_a_reset_that_is_never_run_refuses_the_rewrite() -> None:
    source, findings = migrate(
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        with tf.Session() as sess:
            first = sess.run(x * 2.0, {x: 1.0})
        tf.reset_default_graph()
        z = tf.placeholder(tf.float32)
        w = z + 1.0
        """
    )
    ((message, _),) = findings
    assert message == ("The session program is not rewritten: the graph built from line 6 is "
                       "never run")
    assert "tf.placeholder" in source


def test_a_session_passed_by_keyword_goes_from_the_definition_and_the_calls() -> None:
    source, findings = migrate(
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        y = x * 3.0

        def scaled(value, session):
            return session.run(y, {x: value})

        with tf.Session() as sess:
            first = scaled(1.0, session=sess)
            second = scaled(value=2.0, session=sess)
        """
    )
    ((message, applicability),) = findings
    assert applicability is Applicability.SAFE, message
    assert "def scaled(value):\n    return compute_y(value).numpy()\n" in source
    assert "first = scaled(1.0)\nsecond = scaled(value=2.0)\n" in source
    assert "session" not in source


def test_a_session_given_in_different_places_stays_a_refusal() -> None:
    _, findings = migrate(
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32)

        def run(a, b):
            return a.run(x, {x: 1.0})

        with tf.Session() as sess:
            first = run(sess, 1)
            second = run(2, sess)
        """
    )
    ((message, _),) = findings
    assert message.startswith("The session program is not rewritten: the session `sess` is used "
                              "as a value")


def test_an_operation_run_for_its_effects_is_a_run_site() -> None:
    source, findings = migrate(
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None])
        w = tf.Variable(1.0)
        loss = tf.reduce_mean(tf.square(w * x - 2.0))
        train_step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        sess = tf.InteractiveSession()
        tf.global_variables_initializer().run()
        for _ in range(3):
            train_step.run(feed_dict={x: [1.0, 2.0]})
        final = w.eval()
        """
    )
    ((message, applicability),) = findings
    assert applicability is Applicability.SAFE, message
    assert "def train_step(x):" in source  # the name the op had is free again
    assert "    train_step([1.0, 2.0])\nfinal = w.numpy()\n" in source


def test_a_refusal_says_what_to_change_by_hand() -> None:
    _, findings = migrate(
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 3])
        h = tf.contrib.layers.layer_norm(x)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(h, {x: [[1.0, 2.0, 3.0]]})
        """
    )
    ((message, _),) = findings
    assert ("`tf.contrib.layers.layer_norm` is not handled by the session rewrite: create the "
            "program's variables and layers with `tf.Variable` or Keras layers first (the finding "
            "at this line says how) (line 3)") in message


def test_a_fetched_call_that_returns_several_tensors_stays_a_structure() -> None:
    source, _ = migrate(
        """\
        import tensorflow as tf
        d = tf.constant([[2.0, 1.0], [1.0, 2.0]])
        with tf.Session() as sess:
            values = sess.run(tf.self_adjoint_eig(d))
        """
    )
    # (The rename to tf.linalg.eigh is another rule's.)
    assert "values = tf.nest.map_structure(lambda t: t.numpy(), tf.self_adjoint_eig(d))" in source
