"""TFM150 on `print(...)` of graph values while the graph is built: TF1 prints the symbolic
tensor there, so the print goes into the run function that computes what it reads (which prints
the symbolic tensor when it is traced), stays in place for values TF2 keeps at module level, or
goes when no run computes them; the finding says which. Other Python uses stay refused."""

from __future__ import annotations

import textwrap

import pytest

from tests.session_programs import migrate
from tf_migrate.model import Applicability

PRINTED = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None])
a = tf.constant(2.0)
z = a * x
# what the graph holds
print(z)
print(z.shape, z.get_shape(), z.dtype)
print("z:", z)
with tf.Session() as sess:
    print(sess.run(z, {x: [1.0]}))
"""


def test_prints_of_a_tensor_go_into_the_function_that_computes_it() -> None:
    source, [(_, applicability)] = migrate(PRINTED)
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        a = tf.constant(2.0)


        @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
        def compute_z(x):
            z = a * x
            # what the graph holds
            print(z)
            print(z.shape, z.get_shape(), z.dtype)
            print("z:", z)
            return z


        print(compute_z([1.0]).numpy())
        """)
    assert applicability is Applicability.SAFE
    assert migrate(source)[0] == source


def test_the_finding_states_when_and_how_the_print_prints() -> None:
    _, [(message, _)] = migrate(PRINTED)
    assert "`print` of graph values (lines 7, 8, 9) moves into the function" in message
    assert "when the function is traced (at its first call, not at that place" in message
    assert "op names (`.name`)" in message


def test_a_function_called_once_is_traced_to_print_the_symbolic_tensor() -> None:
    """Without placeholders a function called once is a plain function, which would print the
    values; it is a tf.function so that it prints the symbolic tensor as TF1 did."""
    source, _ = migrate("""\
        import tensorflow as tf

        w = tf.Variable(3.0)
        y = w * 2.0
        print(f"y is {y}, named {y.name}")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            result = sess.run(y)
        """)
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        w = tf.Variable(3.0)


        @tf.function
        def compute_y():
            y = w * 2.0
            print(f"y is {y}, named {y.name}")
            return y


        result = compute_y().numpy()
        """)


def test_a_print_in_a_training_step_reads_the_values_before_the_update() -> None:
    source, _ = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None])
        w = tf.Variable(0.5)
        loss = tf.reduce_mean(tf.square(x * w - 1.0))
        print("loss:", loss, x.shape)
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train, {x: [1.0, 2.0]})
        """)
    assert textwrap.dedent("""\
        def train_step(x):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(x * w - 1.0))
                print("loss:", loss, x.shape)
            gradients = tape.gradient(loss, [w])
        """) in source


def test_values_kept_at_module_level_are_printed_in_place_and_said_to_print_values() -> None:
    source, [(message, _)] = migrate("""\
        import tensorflow as tf

        a = tf.constant([1.0, 2.0])
        w = tf.Variable(0.5)
        print(a, w.shape)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            result = sess.run(a * w)
        """)
    assert "print(a, w.shape)\n" in source
    assert "(line 5) prints their values, not symbolic tensors" in message


def test_a_print_of_a_value_no_run_computes_goes_and_the_finding_says_so() -> None:
    source, [(message, _)] = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None])
        unused = x + 1.0
        print(unused)
        z = x * 2.0
        with tf.Session() as sess:
            result = sess.run(z, {x: [1.0]})
        """)
    assert "print(" not in source
    assert "`print` at line 5 goes: no run computes `unused`" in message


@pytest.mark.parametrize(("code", "reason"), [
    ("if z:\n    pass\n", "graph value `z` is used as a Python value (line 6)"),
    ("print(float(z))\n", "graph value `z` is used as a Python value (line 6)"),
    ("print(z, file=sys.stderr)\n", "graph value `z` is used as a Python value (line 6)"),
    ("print(z, y)\n", "`print` reads graph values that no one run computes together (print "
                      "them on separate lines) (line 6)"),
    ("print(a.name)\n", "`a.name` is printed, which a TF2 eager tensor does not have (line 6)"),
])
def test_other_uses_of_graph_values_stay_refused(code: str, reason: str) -> None:
    source = ("import sys\nimport tensorflow as tf\nx = tf.placeholder(tf.float32, [None])\n"
              "z = x * 2.0\na = tf.constant(1.0)\n" + code + "y = x + a\n"
              "with tf.Session() as sess:\n    first = sess.run(z, {x: [1.0]})\n"
              "    second = sess.run(y, {x: [1.0]})\n")
    if "y)" in code:
        source = source.replace(code + "y = x + a\n", "y = x + a\n" + code).replace(
            "(line 6)", "(line 7)")
        reason = reason.replace("(line 6)", "(line 7)")
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert reason in message


def test_a_print_in_a_model_class_goes_into_its_run_method_told_of_its_own_line() -> None:
    source, [(message, _)] = migrate("""\
        import tensorflow as tf


        class Scaler:
            def __init__(self, sess):
                self.sess = sess
                self.x = tf.placeholder(tf.float32, [None])
                self.w = tf.Variable(0.5)
                self.scaled = self.x * self.w
                print("scaled:", self.scaled, self.w.shape)

            def scale(self, x):
                return self.sess.run(self.scaled, {self.x: x})


        with tf.Session() as sess:
            scaler = Scaler(sess)
            sess.run(tf.global_variables_initializer())
            result = scaler.scale([3.0])
        """)
    assert ("    def compute_scaled(self, x):\n"
            "        scaled = x * self.w\n"
            '        print("scaled:", scaled, self.w.shape)\n'
            "        return scaled\n") in source
    assert "`print` of graph values (line 10) moves into the function" in message


FORMATTED = """\
import tensorflow as tf

LENGTH = 5
x_input_1d = tf.placeholder(tf.float32, [None, LENGTH])
w = tf.Variable(tf.ones([LENGTH, 2]))
h = tf.matmul(x_input_1d, w)
print('Input = array of length {}'.format(x_input_1d.shape.as_list()[1]))
print('Convolution w/ filter, length = {}, stride size = {}'.format(3, 1))
print("shape: %s" % str(h.get_shape()), "of", LENGTH)
print(f"{h.shape.as_list()[-1]:>4}|", h.get_shape()[1].value, h.shape.ndims, len(h.shape))
print("w: %d by %s" % (w.get_shape()[0], w.shape[1].value))
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run(h, {x_input_1d: [[1.0] * LENGTH]})
"""


def test_formatted_static_shapes_move_with_the_values_or_stay() -> None:
    """`.format`, `%` and f-strings with a spec of static shapes, which TF1 tutorials print;
    `.value` of TF1's Dimension goes (TF2's shapes hold ints); a print of a variable's shape
    stays and prints the same."""
    source, [(message, applicability)] = migrate(FORMATTED)
    assert source == textwrap.dedent("""\
        import tensorflow as tf

        LENGTH = 5
        w = tf.Variable(tf.ones([LENGTH, 2]))
        print('Convolution w/ filter, length = {}, stride size = {}'.format(3, 1))
        print("w: %d by %s" % (w.get_shape()[0], w.shape[1]))


        @tf.function(input_signature=[tf.TensorSpec([None, LENGTH], tf.float32)])
        def compute_h(x_input_1d):
            print('Input = array of length {}'.format(x_input_1d.shape.as_list()[1]))
            h = tf.matmul(x_input_1d, w)
            print("shape: %s" % str(h.get_shape()), "of", LENGTH)
            print(f"{h.shape.as_list()[-1]:>4}|", h.get_shape()[1], h.shape.ndims, len(h.shape))
            return h


        out = compute_h([[1.0] * LENGTH]).numpy()
        """)
    assert applicability is Applicability.SAFE
    assert "(lines 7, 9, 10) moves into the function" in message
    assert "`.value` of a shape's dimension goes (lines 10, 11)" in message
    assert ("`print` of placeholders' shapes (line 7) reads the function's parameters, whose "
            "input signature has the placeholders' shapes") in message
    assert "prints their values" not in message
    assert migrate(source)[0] == source


def test_a_shape_printed_through_repr_is_said_to_print_otherwise() -> None:
    source, [(message, _)] = migrate("""\
        import tensorflow as tf

        x = tf.placeholder(tf.float32, [None, 3])
        z = x * 2.0
        print("z:", [z.shape, z.get_shape()[0]], "{!r}".format(z.shape[1]))
        with tf.Session() as sess:
            out = sess.run(z, {x: [[1.0, 2.0, 3.0]]})
        """)
    assert '    print("z:", [z.shape, z.get_shape()[0]], "{!r}".format(z.shape[1]))\n' in source
    assert ("`print` through `repr` of static shapes (line 5) shows TF2's "
            "`TensorShape([None, 3])` and `3` where TF1 showed") in message


def test_each_percent_operand_meets_its_own_conversion() -> None:
    """`%s` of a shape list beside `%d` of a Python int: each operand is checked against the
    conversion it fills, not against every conversion of the template."""
    source, [(message, applicability)] = migrate("""\
        import tensorflow as tf

        STRIDE = 2
        x = tf.placeholder(tf.float32, [4, 3])
        z = x * 2.0
        print("%s by stride [%d, %d] gives %s" % (x.shape.as_list()[:1], STRIDE, STRIDE,
                                                  z.shape.as_list()))
        with tf.Session() as sess:
            out = sess.run(z, {x: [[1.0, 2.0, 3.0]] * 4})
        """)
    assert applicability is Applicability.SAFE
    assert "(line 6) moves into the function" in message
    assert '    print("%s by stride [%d, %d] gives %s" % (x.shape.as_list()[:1]' in source


@pytest.mark.parametrize(("code", "reason"), [
    # TF1's Dimension takes no format spec: TF1 raises TypeError there.
    ('print(f"{z.shape[1]:>4}")\n', "graph value `z` is used as a Python value (line 6)"),
    ('print("{:>4}".format(z.get_shape()[0]))\n',
     "graph value `z` is used as a Python value (line 6)"),
    ('print("%f" % z.shape[0])\n', "graph value `z` is used as a Python value (line 6)"),
    # Paired in order, `%d` falls on the list.
    ('print("%s %d" % (1, z.shape.as_list()))\n',
     "graph value `z` is used as a Python value (line 6)"),
    ('print("{}".format(float(z)))\n', "graph value `z` is used as a Python value (line 6)"),
    ('print("{0.op}".format(z))\n', "graph value `z` is used as a Python value (line 6)"),
    ("print(len(z), str(z.shape.num_elements()))\n",
     "graph value `z` is used as a Python value (line 6)"),
    ('print("%s" % z.shape, file=sys.stderr)\n',
     "graph value `z` is used as a Python value (line 6)"),
    ("n = 1\nprint(z.shape[n])\n", "graph value `z` is used as a Python value (line 7)"),
    ("n = 1\nprint(n, z.shape)\nn = 2\n",
     "`print` reads `n`, which the script binds again after it (line 7)"),
])
def test_formatting_other_than_static_facts_stays_refused(code: str, reason: str) -> None:
    source = ("import sys\nimport tensorflow as tf\nx = tf.placeholder(tf.float32, [None, 2])\n"
              "z = x * 2.0\na = tf.constant(1.0)\n" + code +
              "with tf.Session() as sess:\n    first = sess.run(z, {x: [[1.0, 2.0]]})\n")
    migrated, [(message, applicability)] = migrate(source)
    assert migrated == source
    assert applicability is Applicability.MANUAL
    assert reason in message
