"""TFM150 on training programs: `minimize`, `compute_gradients`/`apply_gradients`, optimizers,
decayed learning rates and the global step become GradientTape steps with Keras optimizers."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability
from tf_migrate.rules.support.rule import RuleOptions

REWRITES = {
    "inline-optimizer-minimize-and-pre-update-loss": (
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 2])
        w = tf.Variable(tf.zeros([2, 1]))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
        train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                _, value = sess.run([train_op, loss], feed_dict={x: [[1.0, 2.0]]})
            final = sess.run(w)
        """,
        """\
        import tensorflow as tf
        w = tf.Variable(tf.zeros([2, 1]))
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


        @tf.function(input_signature=[tf.TensorSpec([None, 2], tf.float32)])
        def train_step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
            gradients = tape.gradient(loss, [w])
            optimizer.apply_gradients(zip(gradients, [w]))
            return loss


        for _ in range(3):
            value = train_step([[1.0, 2.0]]).numpy()
        final = w.numpy()
        """,
    ),
    "named-optimizer-var-list-global-step-and-op-alone": (
        """\
        import tensorflow as tf
        a = tf.Variable(1.0)
        b = tf.Variable(2.0)
        step = tf.train.get_or_create_global_step()
        loss = tf.square(a * b - 4.0)
        opt = tf.train.AdamOptimizer(0.01)
        train = opt.minimize(loss, global_step=step, var_list=[a])
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        for _ in range(5):
            sess.run(train)
        result = sess.run([a, b, step])
        sess.close()
        """,
        """\
        import tensorflow as tf
        a = tf.Variable(1.0)
        b = tf.Variable(2.0)
        step = tf.Variable(0, dtype=tf.int64, trainable=False, name="global_step")
        opt = tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-08)


        @tf.function
        def train_step():
            with tf.GradientTape() as tape:
                loss = tf.square(a * b - 4.0)
            gradients = tape.gradient(loss, [a])
            opt.apply_gradients(zip(gradients, [a]))
            step.assign_add(1)


        for _ in range(5):
            train_step()
        result = [a.numpy(), b.numpy(), step.numpy()]
        """,
    ),
    "clipped-gradients-and-decayed-rate": (
        """\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None])
        w = tf.Variable(3.0)
        c = tf.Variable(0.0)
        global_step = tf.Variable(0, trainable=False)
        rate = tf.train.exponential_decay(0.5, global_step, 10, 0.5, staircase=True)
        optimizer = tf.train.GradientDescentOptimizer(rate)
        loss = tf.reduce_sum(tf.square(w * x + c))
        gradients, variables = zip(*optimizer.compute_gradients(loss))
        clipped, norm = tf.clip_by_global_norm(gradients, 1.0)
        train = optimizer.apply_gradients(zip(clipped, variables), global_step=global_step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i in range(20):
                l, n, _ = sess.run([loss, norm, train], {x: [1.0, 2.0]})
        """,
        """\
        import tensorflow as tf
        w = tf.Variable(3.0)
        c = tf.Variable(0.0)
        global_step = tf.Variable(0, trainable=False)
        rate = tf.keras.optimizers.schedules.ExponentialDecay(
            initial_learning_rate=0.5,
            decay_steps=10,
            decay_rate=0.5,
            staircase=True,
        )
        optimizer = tf.keras.optimizers.SGD(learning_rate=rate)


        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def train_step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_sum(tf.square(w * x + c))
            gradients, variables = zip(*list(zip(tape.gradient(loss, [w, c]), [w, c])))
            clipped, norm = tf.clip_by_global_norm(gradients, 1.0)
            optimizer.apply_gradients(zip(clipped, variables))
            global_step.assign_add(1)
            return [loss, norm]


        for i in range(20):
            l, n = tf.nest.map_structure(lambda t: t.numpy(), train_step([1.0, 2.0]))
        """,
    ),
    # `return sess.run([loss, train_op])` (a model's `train` method): TF1's list, None in the
    # op's place, the values spliced in where there are several.
    "op-fetched-first-or-last-kept-whole": (
        """\
        import tensorflow as tf
        w = tf.Variable(3.0)
        loss = tf.square(w - 1.0)
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run([loss, train])
            second = sess.run((train, loss, loss * 2.0))
        """,
        """\
        import tensorflow as tf
        w = tf.Variable(3.0)
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


        def train_step():
            with tf.GradientTape() as tape:
                loss = tf.square(w - 1.0)
            gradients = tape.gradient(loss, [w])
            optimizer.apply_gradients(zip(gradients, [w]))
            return loss


        def train_step_2():
            with tf.GradientTape() as tape:
                loss = tf.square(w - 1.0)
            gradients = tape.gradient(loss, [w])
            optimizer.apply_gradients(zip(gradients, [w]))
            return (loss, loss * 2.0)


        first = [train_step().numpy(), None]
        second = (None, *tf.nest.map_structure(lambda t: t.numpy(), train_step_2()))
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
    source, _ = migrate(REWRITES["inline-optimizer-minimize-and-pre-update-loss"][0],
                        RuleOptions(keras_namespace="keras"))
    assert "optimizer = keras.optimizers.SGD(learning_rate=0.1)" in source
    assert "import keras\n" in source


@pytest.mark.parametrize("optimizer, reason", [
    ("tf.train.RMSPropOptimizer(0.01)", "mean-square slot at 1.0"),
    ("tf.train.MomentumOptimizer(tf.train.exponential_decay(0.1, step, 5, 0.9), 0.9)",
     "learning rate"),
])
def test_optimizers_keras_cannot_match_are_unsafe(optimizer: str, reason: str) -> None:
    code = f"""\
        import tensorflow as tf
        w = tf.Variable(1.0)
        step = tf.Variable(0, trainable=False)
        loss = tf.square(w)
        train = {optimizer}.minimize(loss, global_step=step)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train)
        """
    source, findings = migrate(code)
    [(message, applicability)] = findings
    assert applicability is Applicability.UNSAFE
    assert reason in message
    assert "tape.gradient(loss, [w])" in source


REFUSALS = {
    "op-value-kept-between-fetches": (
        "train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
        "with tf.Session() as sess:\n    outs = sess.run([loss, train, loss])\n",
        "kept whole, and the ops are not the first or the last",
    ),
    "op-value-in-a-name": (
        "train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
        "with tf.Session() as sess:\n    op, l = sess.run([train, loss])\n",
        "kept in a name",
    ),
    "two-gradient-sets-in-one-run": (
        "t1 = tf.train.GradientDescentOptimizer(0.1).minimize(loss)\n"
        "t2 = tf.train.GradientDescentOptimizer(0.2).minimize(loss)\n"
        "with tf.Session() as sess:\n    sess.run([t1, t2])\n",
        "two sets of gradients",
    ),
    "decay-counter-not-advanced": (
        "step = tf.Variable(0, trainable=False)\n"
        "lr = tf.train.exponential_decay(0.1, step, 10, 0.5)\n"
        "train = tf.train.GradientDescentOptimizer(lr).minimize(loss)\n"
        "with tf.Session() as sess:\n    sess.run(train)\n",
        "does not advance",
    ),
    "decay-counter-not-at-zero": (
        "step = tf.Variable(5, trainable=False)\n"
        "lr = tf.train.exponential_decay(0.1, step, 10, 0.5)\n"
        "train = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=step)\n"
        "with tf.Session() as sess:\n    sess.run(train)\n",
        "does not start at 0",
    ),
    "decayed-rate-computed-on": (
        "step = tf.Variable(0, trainable=False)\n"
        "lr = tf.train.exponential_decay(0.1, step, 10, 0.5)\n"
        "train = tf.train.GradientDescentOptimizer(lr).minimize(loss, global_step=step)\n"
        "with tf.Session() as sess:\n    _, r = sess.run([train, lr * 2])\n",
        "a schedule object in TF2",
    ),
    "loss-without-variables": (
        "train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0) * 2)\n"
        "with tf.Session() as sess:\n    sess.run(train)\n",
        "not a name of a graph value",
    ),
    "gradients-from-elsewhere": (
        "opt = tf.train.GradientDescentOptimizer(0.1)\n"
        "g = tf.constant(1.0)\n"
        "train = opt.apply_gradients([(g, w)])\n"
        "with tf.Session() as sess:\n    sess.run(train)\n",
        "do not come from",
    ),
    "grad-loss": (
        "train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, grad_loss=loss)\n"
        "with tf.Session() as sess:\n    sess.run(train)\n",
        "`grad_loss=`",
    ),
}


@pytest.mark.parametrize("code, reason", REFUSALS.values(), ids=REFUSALS.keys())
def test_refusals_say_why(code: str, reason: str) -> None:
    before = ("import tensorflow as tf\nw = tf.Variable(1.0)\nloss = tf.square(w - 2.0)\n"
              + code)
    source, findings = migrate(before)
    assert source == before
    [(message, applicability)] = findings
    assert applicability is Applicability.MANUAL
    assert reason in message, message


def test_variables_kept_in_a_dict_are_trained_and_fetched() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 2])
        weights = {'h1': tf.Variable(tf.ones([2, 2])), 'out': tf.Variable(tf.ones([2, 1]))}
        def net(x):
            return tf.matmul(tf.add(tf.matmul(x, weights['h1']), 1.0), weights['out'])
        loss = tf.reduce_sum(net(x))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: [[1.0, 2.0]]})
            out = sess.run(weights['out'])
        """)
    assert applicability is Applicability.SAFE, message
    assert "gradients = tape.gradient(loss, [weights['h1'], weights['out']])" in source
    assert "out = weights['out'].numpy()" in source


def test_variables_created_inside_an_expression_are_refused() -> None:
    before = textwrap.dedent("""\
        import tensorflow as tf
        y = tf.Variable(1.0) * 2.0
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(y)
        """)
    source, [(message, _)] = migrate(before)
    assert source == before
    assert "created inside an expression" in message


def test_group_control_dependencies_and_scopes() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [])
        counter = tf.Variable(0.0)
        total = tf.Variable(0.0)
        with tf.name_scope("updates"):
            update = tf.assign_add(counter, 1.0)
            with tf.control_dependencies([update]):
                accumulate = tf.assign_add(total, x)
        step = tf.group(update, accumulate)
        with tf.device("/cpu:0"):
            mean = total / counter
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for v in [1.0, 2.0]:
                sess.run(step, {x: v})
            mean = sess.run(mean)
        """)
    assert applicability is Applicability.SAFE, message
    assert "`tf.device`) are dropped" in message
    assert textwrap.dedent("""\
        def run_step(x):
            update = counter.assign_add(1.0)
            accumulate = total.assign_add(x)
        """) in source
    assert "tf.group" not in source and "control_dependencies" not in source
    # `mean = sess.run(mean)` once: the fetch is the graph value, the name a number after.
    assert "mean = compute_mean().numpy()" in source


def test_getting_started_style_dtype_in_trainables_place_and_two_space_indent() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf
        W = tf.Variable([.3], tf.float32)
        x = tf.placeholder(tf.float32)
        y = tf.placeholder(tf.float32)
        loss = tf.reduce_sum(tf.square(W * x - y))
        train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        for i in range(10):
          sess.run(train, {x: [1, 2], y: [0, -1]})
        """)
    assert applicability is Applicability.SAFE, message
    assert "W = tf.Variable([.3], tf.float32)" in source  # trainable (a truthy dtype) as in TF1
    assert "@tf.function(input_signature=[\n  tf.TensorSpec(None, tf.float32),\n" in source
    assert "\n  gradients = tape.gradient(loss, [W])\n" in source


def test_a_variable_factory_of_the_script_is_called_where_it_was() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf
        def init_weights(shape):
            \"\"\"A variable of zeros.\"\"\"
            return tf.Variable(tf.zeros(shape))
        x = tf.placeholder(tf.float32, [None, 2])
        w = init_weights([2, 1])
        loss = tf.reduce_sum(tf.matmul(x, w))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: [[1.0, 2.0]]})
        """)
    assert applicability is Applicability.SAFE, message
    assert "w = init_weights([2, 1])\n" in source
    assert "gradients = tape.gradient(loss, [w])" in source


def test_group_of_ops_built_inside_it_runs_them_in_order() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf
        a = tf.Variable(1.0)
        b = tf.Variable(2.0)
        reset = tf.group(tf.assign(a, 0.0), tf.assign(b, 0.0), name="reset")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(reset)
        """)
    assert applicability is Applicability.SAFE, message
    assert "def run_reset():\n    a.assign(0.0)\n    b.assign(0.0)\n" in source
