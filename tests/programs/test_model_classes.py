"""TFM150 on model classes: a class that builds its graph in `__init__` and runs it through a
session it keeps becomes a `tf.Module` whose run methods are tf.functions; what the analysis
cannot follow is refused at its line."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability

GIVEN_SESSION = """\
import tensorflow as tf


class Regression:
    def __init__(self, sess, rate):
        self.sess = sess
        self._build(rate)

    def _build(self, rate):
        self.x = tf.placeholder(tf.float32, [None])
        self.y = tf.placeholder(tf.float32, [None])
        w = tf.Variable(0.5)
        self.prediction = self.x * w
        self.loss = tf.reduce_mean(tf.square(self.prediction - self.y))
        self.train_op = tf.train.GradientDescentOptimizer(rate).minimize(self.loss)

    def train(self, x, y):
        return self.sess.run([self.loss, self.train_op], {self.x: x, self.y: y})

    def predict(self, x):
        return self.sess.run(self.prediction, {self.x: x})


with tf.Session() as sess:
    models = [Regression(sess, 0.1), Regression(sess, rate=0.2)]
    sess.run(tf.global_variables_initializer())
    losses = [m.train([1.0, 2.0], [2.0, 4.0])[0] for m in models]
    predictions = [m.predict([3.0]) for m in models]
"""


def test_a_class_given_its_session_becomes_a_tf_module_instantiated_without_it() -> None:
    source, [(message, applicability)] = migrate(GIVEN_SESSION)
    assert source == textwrap.dedent("""\
        import tensorflow as tf


        class Regression(tf.Module):
            def __init__(self, rate):
                super().__init__()
                self.w = tf.Variable(0.5)
                self.optimizer = tf.keras.optimizers.SGD(learning_rate=rate)

            @tf.function(input_signature=[
                tf.TensorSpec([None], tf.float32),
                tf.TensorSpec([None], tf.float32),
            ])
            def train_step(self, x, y):
                with tf.GradientTape() as tape:
                    prediction = x * self.w
                    loss = tf.reduce_mean(tf.square(prediction - y))
                gradients = tape.gradient(loss, [self.w])
                self.optimizer.apply_gradients(zip(gradients, [self.w]))
                return loss

            @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
            def compute_prediction(self, x):
                prediction = x * self.w
                return prediction

            def train(self, x, y):
                return [self.train_step(x, y).numpy(), None]

            def predict(self, x):
                return self.compute_prediction(x).numpy()


        models = [Regression(0.1), Regression(rate=0.2)]
        losses = [m.train([1.0, 2.0], [2.0, 4.0])[0] for m in models]
        predictions = [m.predict([3.0]) for m in models]
        """)
    assert applicability is Applicability.SAFE
    assert "the model class `Regression` as a `tf.Module`" in message
    assert migrate(source)[0] == source


OWN_SESSION = """\
import tensorflow as tf


class Scaler(object):
    \"\"\"Learns one weight per feature.\"\"\"

    def __init__(self, n_features):
        self.x = tf.placeholder(tf.float32, [None, n_features])
        self.w = tf.Variable(tf.random_normal([n_features], stddev=0.1))
        self.scaled = self.x * self.w
        self.sess = tf.Session()
        self.sess.run(tf.global_variables_initializer())

    def scale(self, x):
        return self.sess.run(self.scaled, feed_dict={self.x: x})

    def close(self):
        self.sess.close()


def scaled_twice(rows):
    scaler = Scaler(len(rows[0]))
    result = scaler.scale(rows)
    scaler.close()
    return result
"""


def test_a_class_owning_its_session_gets_functions_shaped_by_its_constructor() -> None:
    source, [(message, applicability)] = migrate(OWN_SESSION)
    assert source == textwrap.dedent('''\
        import tensorflow as tf


        class Scaler(tf.Module):
            """Learns one weight per feature."""

            def __init__(self, n_features):
                super().__init__()
                self.w = tf.Variable(tf.random_normal([n_features], stddev=0.1))
                self.compute_scaled = tf.function(
                    self.compute_scaled,
                    input_signature=[tf.TensorSpec([None, n_features], tf.float32)],
                )

            def compute_scaled(self, x):
                scaled = x * self.w
                return scaled

            def scale(self, x):
                return self.compute_scaled(x).numpy()

            def close(self):
                pass


        def scaled_twice(rows):
            scaler = Scaler(len(rows[0]))
            result = scaler.scale(rows)
            scaler.close()
            return result
        ''')
    # Random initial values draw from the same distribution: safe, and said.
    assert applicability is Applicability.SAFE
    assert "random draws (`self.w`)" in message
    assert migrate(source)[0] == source


METHOD = "\n    def extra(self, x):\n{}\n"
REFUSALS = {
    "session-used-otherwise": (
        METHOD.format("        return self.sess"), "",
        "`self.sess` is used other than to run the graph in `extra`", 24),
    "attribute-rebound-outside-init": (
        METHOD.format("        self.rate = x"), "",
        "`self.rate` is set in `extra` (only attributes set while `__init__` builds the graph",
        24),
    "ops-built-per-call": (
        METHOD.format("        probabilities = tf.nn.softmax(self.prediction)\n"
                      "        return self.sess.run(probabilities, {self.x: x})"), "",
        "`extra` builds graph ops (`tf.nn.softmax`) at each call", 24),
    "graph-value-read-without-a-run": (
        METHOD.format("        return self.prediction"), "",
        "`extra` reads `self.prediction`, a graph value, without running it", 23),
    "self-as-a-value": (
        METHOD.format("        return [self, x]"), "", "`self` is used as a value in `extra`", 24),
    "attribute-never-set": (
        METHOD.format("        return self.bias + x"), "",
        "`self.bias` is read in `extra` but never set", 24),
    "graph-attribute-read-outside": (
        "", "    print(models[0].loss)\n", "`.loss`, a graph value of `Regression`, may be read "
        "outside the class", 29),
    "initializer-run-twice": (
        "", "    sess.run(tf.global_variables_initializer())\n",
        "the variables initializer runs a second time", 29),
    "session-used-outside": (
        "", "    print(sess.run(models[0].loss, {models[0].x: [1.0]}))\n",
        "the session `sess` is used other than to create `Regression`", 29),
}


@pytest.mark.parametrize(("method", "use", "reason", "line"), REFUSALS.values(),
                         ids=REFUSALS.keys())
def test_refusals_name_the_line_and_what_to_change(method: str, use: str, reason: str,
                                                   line: int) -> None:
    before = GIVEN_SESSION.replace(
        "        return self.sess.run(self.prediction, {self.x: x})\n",
        "        return self.sess.run(self.prediction, {self.x: x})\n" + method) + use
    source, [(message, applicability)] = migrate(before)
    assert source == before
    assert applicability is Applicability.MANUAL
    assert reason in message, message
    assert f"(line {line})" in message, message


def test_a_graph_op_the_builder_cannot_carry_is_refused_at_the_builders_line() -> None:
    before = GIVEN_SESSION.replace("        w = tf.Variable(0.5)\n",
                                   "        w = tf.make_template('w', tf.zeros)\n")
    _, [(message, _)] = migrate(before)
    assert "`tf.make_template` is not handled by the session rewrite" in message
    assert "(line 12)" in message


def test_an_initializer_in_init_of_a_given_session_allows_one_instance() -> None:
    before = GIVEN_SESSION.replace(
        "        self._build(rate)\n",
        "        self._build(rate)\n        self.sess.run(tf.global_variables_initializer())\n")
    _, [(message, _)] = migrate(before)
    assert "`__init__` runs the variables initializer in the session it is given" in message
    assert "(line 8)" in message
    once = before.replace("[Regression(sess, 0.1), Regression(sess, rate=0.2)]",
                          "[Regression(sess, 0.1)]")
    assert migrate(once)[1][0][1] is Applicability.SAFE


def test_an_attribute_named_like_a_tf_module_member_is_refused() -> None:
    before = GIVEN_SESSION.replace("        self.sess = sess\n",
                                   "        self.sess = sess\n        self.name = 'model'\n")
    _, [(message, _)] = migrate(before)
    assert "`self.name` would replace `tf.Module`'s own `name` (rename the attribute) (line 7)" in (
        message)


def test_a_helper_method_stays_and_eval_with_the_session_is_a_run() -> None:
    source, [(_, applicability)] = migrate("""\
        import tensorflow as tf


        class Affine:
            def __init__(self):
                self.x = tf.placeholder(tf.float32, [None, 2])
                self.w = tf.Variable([[1.0], [2.0]])
                self.y = self._apply(self.x)
                self.sess = tf.Session()
                self.sess.run(tf.global_variables_initializer())

            def _apply(self, inputs):
                return tf.matmul(inputs, self.w) + 1.0

            def output(self, x):
                return self.y.eval(session=self.sess, feed_dict={self.x: x})
        """)
    assert applicability is Applicability.SAFE
    assert "    def _apply(self, inputs):\n        return tf.matmul(inputs, self.w) + 1.0\n" in (
        source)
    assert "        y = self._apply(x)\n" in source
    # What a helper returns may be a structure: each of its tensors as numpy.
    assert "        return tf.nest.map_structure(lambda t: t.numpy(), self.compute_y(x))\n" in (
        source)
