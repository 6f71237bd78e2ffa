"""TFM150 on programs built with `tf.layers`: each call becomes a Keras layer object created once
where the call was and called by the run functions; training differentiates the layers'
kernels and biases; TF1 initializers become Keras initializers with TF1's parameters written
out; what the mapping does not follow is refused with the argument named."""

from __future__ import annotations

import re
import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability


def test_dense_layers_become_keras_layers_created_once_chained_in_a_model_and_trained(
) -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 3])
        y = tf.placeholder(tf.float32, [None, 1])
        h = tf.layers.dense(x, 8, activation=tf.nn.relu, name="hidden")
        out = tf.layers.dense(h, 1, use_bias=False)
        loss = tf.reduce_mean(tf.square(out - y))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: [[1.0, 2.0, 3.0]], y: [[1.0]]})
            pred = sess.run(out, {x: [[1.0, 2.0, 3.0]]})
        """)
    assert applicability is Applicability.SAFE
    assert "random draws (`hidden`, `out_layer`)" in message
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        hidden = tf.keras.layers.Dense(8, activation=tf.nn.relu, name="hidden")
        out_layer = tf.keras.layers.Dense(1, use_bias=False)
        model = tf.keras.Sequential([hidden, out_layer])
        optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)


        @tf.function(input_signature=[
            tf.TensorSpec([None, 3], tf.float32),
            tf.TensorSpec([None, 1], tf.float32),
        ])
        def train_step(x, y):
            with tf.GradientTape() as tape:
                out = model(x)
                loss = tf.reduce_mean(tf.square(out - y))
            variables = [hidden.kernel, hidden.bias, out_layer.kernel]
            gradients = tape.gradient(loss, variables)
            optimizer.apply_gradients(zip(gradients, variables))


        @tf.function(input_signature=[tf.TensorSpec([None, 3], tf.float32)])
        def compute_out(x):
            out = model(x)
            return out


        train_step([[1.0, 2.0, 3.0]], [[1.0]])
        pred = compute_out([[1.0, 2.0, 3.0]]).numpy()
        """)
    assert migrate(source)[0] == source


@pytest.mark.parametrize(("training", "call"), [
    ("", "drop_layer(h, training=False)"),  # tf.layers.dropout's default
    (", training=True", "drop_layer(h, training=True)"),
    (", training=is_training",
     "tf.cond(is_training, lambda: drop_layer(h, training=True), lambda: h)"),
])
def test_dropout_keeps_tf1s_training_argument(training: str, call: str) -> None:
    source, [(_, applicability)] = migrate(f"""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 3])
        is_training = tf.placeholder_with_default(False, shape=())
        h = x * 2.0
        drop = tf.layers.dropout(h, 0.4{training})
        with tf.Session() as sess:
            out = sess.run(drop, {{x: [[1.0, 2.0, 3.0]]}})
        """)
    assert applicability is Applicability.SAFE
    assert "drop_layer = tf.keras.layers.Dropout(0.4)\n" in source
    assert f"    drop = {call}\n" in source


def test_convolutions_and_pooling_keep_their_arguments() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        images = tf.placeholder(tf.float32, [None, 8, 8, 1])
        conv = tf.layers.conv2d(images, 4, 3, strides=(1, 1), padding="SAME",
                                kernel_initializer=tf.truncated_normal_initializer())
        pool = tf.layers.max_pooling2d(conv, 2, 2, padding="VALID")
        flat = tf.layers.flatten(pool)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(flat, {images: [[[[1.0]] * 8] * 8]})
        """)
    assert ("conv_layer = tf.keras.layers.Conv2D(\n    4,\n    3,\n    strides=(1, 1),\n"
            '    padding="same",\n    kernel_initializer=tf.keras.initializers.TruncatedNormal('
            "mean=0.0, stddev=1.0),\n)\n") in source
    assert 'pool_layer = tf.keras.layers.MaxPooling2D(2, strides=2, padding="valid")\n' in source
    assert "flat_layer = tf.keras.layers.Flatten()\n" in source


@pytest.mark.parametrize(("initializer", "keras"), [
    ("tf.random_uniform_initializer()",
     "tf.keras.initializers.RandomUniform(minval=0.0, maxval=1.0)"),
    ("tf.random_normal_initializer(stddev=0.1, seed=4)",
     "tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.1, seed=4)"),
    ("tf.constant_initializer(0.5)", "tf.keras.initializers.Constant(value=0.5)"),
    ("tf.contrib.layers.xavier_initializer()", "tf.keras.initializers.GlorotUniform()"),
    ("tf.contrib.layers.xavier_initializer(uniform=False)",
     'tf.keras.initializers.VarianceScaling(scale=1.0 * 1.3 * 0.87962566103423978 ** 2, '
     'mode="fan_avg", distribution="truncated_normal")'),
    ("tf.variance_scaling_initializer(distribution='normal')",
     'tf.keras.initializers.VarianceScaling(scale=1.0, mode="fan_in", '
     'distribution="truncated_normal")'),
])
def test_tf1_initializers_become_keras_ones_with_tf1s_parameters(initializer: str,
                                                                  keras: str) -> None:
    source, [(_, applicability)] = migrate(f"""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 3])
        h = tf.layers.dense(x, 2, kernel_initializer={initializer})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(h, {{x: [[1.0, 2.0, 3.0]]}})
        """)
    assert applicability is Applicability.SAFE
    # Long constructors are wrapped one argument per line, nested ones too.
    flat = re.sub(r"\s*\n\s*", " ", source).replace("( ", "(").replace(", )", ")")
    assert keras in flat


@pytest.mark.parametrize(("call", "reason"), [
    ("tf.layers.dense(x, 2, kernel_regularizer=my_init)",
     "`kernel_regularizer=` of `tf.layers.dense` is not one of TF1's regularizers the rewrite "
     "writes as a penalty"),
    ("tf.layers.dense(x, 2, reuse=True)",
     "`reuse=` of `tf.layers.dense` is not rewritten: TF2 shares a layer by calling the same "
     "object again"),
    ("tf.layers.dropout(x, rate=keep)",
     "`rate=` of `tf.layers.dropout` reads graph values (a Keras layer takes Python values "
     "there)"),
    ("tf.layers.separable_conv2d(x, 2, 3)", "`tf.layers.separable_conv2d` is not rewritten yet"),
    ("tf.layers.dense(x, 2, kernel_initializer=my_init)",
     "the initializer is not one of TF1's own with a known Keras equivalent"),
])
def test_what_the_mapping_does_not_follow_is_refused(call: str, reason: str) -> None:
    source = textwrap.dedent(f"""\
        import tensorflow as tf

        my_init = None
        x = tf.placeholder(tf.float32, [None, 3])
        keep = tf.placeholder(tf.float32)
        h = {call}
        with tf.Session() as sess:
            out = sess.run(h, {{x: [[1.0, 2.0, 3.0]], keep: 0.5}})
        """)
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert reason in message


def test_a_builder_of_layers_given_its_callers_names_is_written_out() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        def model(x, units):
            hidden = tf.layers.dense(x, units, activation=tf.nn.relu)
            return tf.layers.dense(hidden, 1)

        x = tf.placeholder(tf.float32, [None, 2])
        prediction = model(x, 4)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(prediction, {x: [[1.0, 2.0]]})
        """)
    assert applicability is Applicability.SAFE
    assert "the graph builder `model` written out at its call" in message
    assert "hidden_layer = tf.keras.layers.Dense(units, activation=tf.nn.relu)\n" in source


def test_contrib_and_slim_layers_write_out_their_tf1_defaults() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf
        import tensorflow.contrib.slim as slim

        x = tf.placeholder(tf.float32, [None, 6, 6, 1])
        net = slim.conv2d(x, 4, [3, 3], scope="conv1")
        net = slim.max_pool2d(net, [3, 3])
        net = tf.contrib.layers.flatten(net)
        net = tf.contrib.layers.fully_connected(net, 5, biases_initializer=None)
        out = slim.dropout(net, keep_prob=0.75)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            value = sess.run(out, {x: [[[[1.0]] * 6] * 6]})
        """)
    assert applicability is Applicability.SAFE
    # ReLU and SAME were contrib's defaults; pooling strode by 2; no biases; the rate TF1 used.
    assert ('conv1 = tf.keras.layers.Conv2D(4, [3, 3], padding="same", activation=tf.nn.relu, '
            'name="conv1")\n') in source
    # Layers made for a name bound again and again (`net`) are named after their kind.
    assert "max_pooling2d = tf.keras.layers.MaxPooling2D([3, 3], strides=2)\n" in source
    assert "dense = tf.keras.layers.Dense(5, activation=tf.nn.relu, use_bias=False)\n" in source
    assert "out_layer = tf.keras.layers.Dropout(1 - 0.75)\n" in source
    # One chain from one input: a Sequential model; contrib's dropout trained unless told
    # otherwise.
    assert ("model = tf.keras.Sequential([conv1, max_pooling2d, flatten, dense, out_layer])\n"
            in source)
    assert "    out = model(x, training=True)\n" in source
    assert "import tensorflow.contrib" not in source


def test_a_second_session_over_layers_is_refused() -> None:
    source = textwrap.dedent("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 3])
        h = tf.layers.dense(x, 2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = sess.run(h, {x: [[1.0, 2.0, 3.0]]})
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            second = sess.run(h, {x: [[1.0, 2.0, 3.0]]})
        """)
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert "a second session restarts the layers' variables" in message


BATCH_NORM = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None, {width}])
training = tf.placeholder(tf.bool, [])
h = {normalized}
loss = tf.reduce_mean(tf.square(h))
{update}train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    sess.run(train, {{x: [[1.0] * {width}, [2.0] * {width}], training: True}})
    out = sess.run(h, {{x: [[1.0] * {width}], training: False}})
"""
WITH_UPDATES = ("updates = tf.get_collection(tf.GraphKeys.UPDATE_OPS)\n"
                "with tf.control_dependencies(updates):\n    ")


def test_batch_normalization_with_its_update_ops_becomes_a_keras_layer() -> None:
    source, [(_, applicability)] = migrate(BATCH_NORM.format(
        width=3, update=WITH_UPDATES,
        normalized="tf.layers.batch_normalization(x, training=training)"))
    # A 2-D placeholder: the moving variance is updated as Keras does.
    assert applicability is Applicability.SAFE
    assert "h_layer = tf.keras.layers.BatchNormalization()\n" in source
    assert ("    h = tf.cond(training, lambda: h_layer(x, training=True), lambda: h_layer(x, "
            "training=False))\n") in source
    assert "UPDATE_OPS" not in source and "control_dependencies" not in source


def test_batch_normalization_whose_update_ops_never_run_is_refused() -> None:
    source = BATCH_NORM.format(width=3, update="",
                               normalized="tf.layers.batch_normalization(x, training=training)")
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert "the program never runs the batch normalization's UPDATE_OPS" in message


def test_batch_normalization_of_inputs_that_may_be_4d_is_unsafe() -> None:
    source = BATCH_NORM.format(
        width=3, update=WITH_UPDATES,
        normalized="tf.layers.batch_normalization(tf.reshape(x, [-1, 1, 1, 3]), "
                   "training=training)")
    _, [(message, applicability)] = migrate(source)
    assert applicability is Applicability.UNSAFE
    assert "TF1's fused kernel updated the moving variance with Bessel's correction" in message


def test_contrib_batch_norm_updating_in_place_needs_no_update_ops() -> None:
    source, [(_, applicability)] = migrate(BATCH_NORM.format(
        width=3, update="",
        normalized="tf.contrib.layers.batch_norm(x, is_training=training, "
                   "updates_collections=None, fused=False)"))
    assert applicability is Applicability.SAFE
    assert ("h_layer = tf.keras.layers.BatchNormalization(momentum=0.999, scale=False)\n"
            in source)


def test_contrib_batch_norm_fused_by_default_is_unsafe_even_on_matrices() -> None:
    _, [(message, applicability)] = migrate(BATCH_NORM.format(
        width=3, update=WITH_UPDATES,
        normalized="tf.contrib.layers.batch_norm(x, is_training=training)"))
    assert applicability is Applicability.UNSAFE
    assert "`tf.contrib.layers.batch_norm` without `fused=False`" in message


def test_layers_over_float64_inputs_compute_in_float64_as_tf1_did() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float64, [None, 3])
        h = tf.layers.dense(x * 2.0, 2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(h, {x: [[1.0, 2.0, 3.0]]})
        """)
    assert 'h_layer = tf.keras.layers.Dense(2, dtype="float64")\n' in source


def test_the_trainable_variables_of_layers_listed_before_the_first_run_are_refused() -> None:
    source = textwrap.dedent("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 3])
        h = tf.layers.dense(x, 2)
        penalty = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()])
        loss = tf.reduce_sum(h) + 0.1 * penalty
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out = sess.run(loss, {x: [[1.0, 2.0, 3.0]]})
            count = len(tf.trainable_variables())
        """)
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert ("`tf.trainable_variables()` lists the variables of layers, which Keras creates at "
            "their first call: before the program's first run they do not exist yet (read them "
            "after it) (line 5)") in message
    # After the first run they do: the count alone is rewritten.
    migrated, [(_, applicability)] = migrate(source.replace(
        "penalty = tf.add_n([tf.nn.l2_loss(v) for v in tf.trainable_variables()])\n", "")
        .replace(" + 0.1 * penalty", ""))
    assert applicability is Applicability.SAFE
    assert "count = len([h_layer.kernel, h_layer.bias])\n" in migrated


def test_slims_arg_scopes_give_their_arguments_to_the_layers_made_inside() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf
        import tensorflow.contrib.slim as slim

        x = tf.placeholder(tf.float32, [None, 4])
        with slim.arg_scope([slim.fully_connected], activation_fn=tf.nn.tanh,
                            weights_initializer=tf.truncated_normal_initializer(stddev=0.1)):
            with slim.arg_scope([slim.fully_connected], activation_fn=tf.nn.sigmoid):
                h = slim.fully_connected(x, 8, scope="hidden")
            out = slim.fully_connected(h, 1, activation_fn=None, scope="out")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y = sess.run(out, {x: [[1.0, 2.0, 3.0, 4.0]]})
        """)
    assert applicability is Applicability.SAFE
    assert "slim's `arg_scope` blocks are gone" in message
    # The inner scope's activation over the outer's, the call's own over both.
    assert ('hidden = tf.keras.layers.Dense(\n    8,\n    activation=tf.nn.sigmoid,\n'
            '    kernel_initializer=tf.keras.initializers.TruncatedNormal(mean=0.0, stddev=0.1),'
            '\n    name="hidden",\n)') in source
    assert "out_layer = tf.keras.layers.Dense(\n    1,\n    activation=None,\n" in source
    assert "arg_scope" not in source


def test_a_builder_returning_a_layer_inside_its_arg_scope_is_written_out_with_it() -> None:
    source, [(message, _)] = migrate("""\
        import tensorflow as tf
        import tensorflow.contrib.slim as slim

        def net(x):
            with slim.arg_scope([slim.fully_connected], activation_fn=tf.nn.tanh):
                return slim.fully_connected(x, 2, scope="fc")

        x = tf.placeholder(tf.float32, [None, 4])
        out = net(x)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y = sess.run(out, {x: [[1.0, 2.0, 3.0, 4.0]]})
        """)
    assert "the graph builder `net` written out at its call" in message
    assert "fc = tf.keras.layers.Dense(2, activation=tf.nn.tanh, name=\"fc\")" in source
    assert "    out = fc(x)\n" in source


@pytest.mark.parametrize(("scope", "reason"), [
    ("slim.arg_scope([slim.fully_connected], rate=2)",
     "the `arg_scope` around `tf.contrib.slim.fully_connected` gives it `rate=`"),
    ("slim.arg_scope(scope_name)", "an `arg_scope` other than a list of layer functions"),
])
def test_arg_scopes_the_rewrite_cannot_follow_are_refused(scope: str, reason: str) -> None:
    source = textwrap.dedent(f"""\
        import tensorflow as tf
        import tensorflow.contrib.slim as slim

        scope_name = None
        x = tf.placeholder(tf.float32, [None, 4])
        with {scope}:
            out = slim.fully_connected(x, 2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y = sess.run(out, {{x: [[1.0, 2.0, 3.0, 4.0]]}})
        """)
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source and applicability is Applicability.MANUAL
    assert reason in message


def test_tf_layers_objects_become_keras_objects_called_where_the_program_calls_them() -> None:
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        a = tf.placeholder(tf.float32, [None, 3])
        b = tf.placeholder(tf.float32, [None, 3])
        shared = tf.layers.Dense(4, activation=tf.nn.relu)
        out = shared(a) - shared(b)
        score = tf.layers.Dense(1)(out)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y = sess.run(score, {a: [[1.0, 2.0, 3.0]], b: [[0.0, 1.0, 0.0]]})
        """)
    assert applicability is Applicability.SAFE
    assert "random draws (`shared`, `score_layer`)" in message
    assert "shared = tf.keras.layers.Dense(4, activation=tf.nn.relu)\n" in source
    assert "score_layer = tf.keras.layers.Dense(1)\n" in source
    # One object, two calls: its variables are shared, in TF1 as in Keras.
    assert "    out = shared(a) - shared(b)\n    score = score_layer(out)\n" in source


def test_a_tf_layers_object_called_on_float64_inputs_is_refused() -> None:
    source = textwrap.dedent("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float64, [None, 3])
        dense = tf.layers.Dense(2)
        h = dense(x)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            y = sess.run(h, {x: [[1.0, 2.0, 3.0]]})
        """)
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source and applicability is Applicability.MANUAL
    assert "`dense` is called on float64 inputs" in message


@pytest.mark.parametrize(("between", "fetched"), [
    # The value between the layers is read by another op, fetched, or the calls pass different
    # trainings: the calls stay separate.
    ("extra = h * 2.0", "out"),
    ("pass", "[h, out]"),
])
def test_a_chain_whose_inner_value_is_read_elsewhere_stays_separate_calls(
        between: str, fetched: str) -> None:
    source, [(_, applicability)] = migrate(f"""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 3])
        h = tf.layers.dense(x, 4)
        {between}
        out = tf.layers.dense(h, 1)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            value = sess.run({fetched}, {{x: [[1.0, 2.0, 3.0]]}})
        """)
    assert applicability is Applicability.SAFE
    assert "Sequential" not in source
    assert "    h = h_layer(x)\n" in source and "    out = out_layer(h)\n" in source


def test_dropouts_told_different_trainings_end_a_chain() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 3])
        a = tf.layers.dropout(tf.layers.dense(x, 4), training=True)
        b = tf.layers.dropout(tf.layers.dense(a, 4), training=False)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            value = sess.run(b, {x: [[1.0, 2.0, 3.0]]})
        """)
    assert "Sequential" not in source
