"""The graph-program analysis: statements, sessions, run sites and what blocks a rewrite."""

from __future__ import annotations

import textwrap

import pytest

from tf_migrate.programs.model import GraphProgram, Kind
from tf_migrate.programs.source_context import SourceContext, analyze_source


def analyze(code: str) -> tuple[GraphProgram, SourceContext]:
    return analyze_source(textwrap.dedent(code))


def kinds(program: GraphProgram) -> dict[str, Kind]:
    return {name: s.kind for s in program.statements for name in s.targets}


def test_modules_without_sessions_or_placeholders_are_not_analyzed() -> None:
    program, _ = analyze("import tensorflow as tf\nx = tf.constant(1.0)\nprint(x.numpy())\n")
    assert not program.tf1_program and program.items == []


def test_statement_kinds() -> None:
    program, _ = analyze(
        """
        import numpy as np
        import tensorflow as tf
        x = tf.placeholder(tf.float32, [None, 3])
        w = tf.Variable(np.ones((3, 1), np.float32))
        c = tf.constant(2.0)
        c2 = c * 3.0
        y = tf.matmul(x, w) * c2
        read = w + 1.0
        noise = tf.random_normal([3])
        step = tf.assign_add(w, tf.ones([3, 1]))
        init = tf.global_variables_initializer()
        """
    )
    assert program.blockers == []
    assert kinds(program) == {
        "x": Kind.PLACEHOLDER, "w": Kind.VARIABLE, "c": Kind.EAGER, "c2": Kind.EAGER,
        "y": Kind.DEFERRED, "read": Kind.DEFERRED, "noise": Kind.DEFERRED,
        "step": Kind.DEFERRED, "init": Kind.INITIALIZER,
    }
    by_name = {s.targets[0]: s for s in program.statements}
    assert by_name["step"].updates == {"w"}
    assert by_name["noise"].random
    assert [d.targets for d in by_name["y"].deps] == [("c2",), ("w",), ("x",)]


def test_placeholder_facts() -> None:
    program, ctx = analyze(
        """
        import tensorflow as tf
        x = tf.placeholder("float", shape=[None, 784], name="x")
        t = tf.placeholder_with_default(1.0, shape=[])
        n = tf.placeholder(tf.int32)
        """
    )
    x, t, n = program.statements
    code = ctx.module.code_for_node
    assert x.dtype is not None and code(x.dtype) == '"float"'
    assert x.shape is not None and code(x.shape) == "[None, 784]"
    assert t.default is not None and code(t.default) == "1.0"
    assert t.dtype is None and t.literal_dtype == "float32"
    assert n.shape is None


@pytest.mark.parametrize(
    ("session_code", "fetches"),
    [
        ("with tf.Session() as sess:\n    r = sess.run(y)\n", ["y"]),
        ("sess = tf.Session()\nr = sess.run([y, z])\nsess.close()\n", ["[y, z]"]),
        ("with tf.Session() as s:\n    r = s.run({'a': y, 'b': (y, z)})\n",
         ["{'a': y, 'b': (y, z)}"]),
        ("with tf.Session() as sess:\n    r = y.eval()\n", ["y"]),
        ("sess = tf.Session()\nr = z.eval(session=sess)\n", ["z"]),
        ("sess = tf.InteractiveSession()\nr = (y + z).eval()\n", ["(y + z)"]),
        ("with tf.Graph().as_default():\n    with tf.Session() as sess:\n"
         "        r = sess.run(z * 2)\n", ["z * 2"]),
    ],
)
def test_run_site_forms(session_code: str, fetches: list[str]) -> None:
    program, ctx = analyze(
        "import tensorflow as tf\ny = tf.constant(1.0)\nz = y * 2\n" + session_code
    )
    assert program.blockers == []
    assert [ctx.module.code_for_node(s.fetch) for s in program.sites] == fetches


def test_feeds_literal_and_named() -> None:
    program, ctx = analyze(
        """
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        k = tf.placeholder_with_default(2.0, [])
        y = x * k
        with tf.Session() as sess:
            a = sess.run(y, feed_dict={x: 1.0, k: 3.0})
            b = sess.run(y, {x: 2.0})
            feed = {x: 4.0}
            c = sess.run(y, feed_dict=feed)
        """
    )
    assert program.blockers == []
    first, second, third = program.sites
    assert [(n, ctx.module.code_for_node(v)) for n, v in first.feeds] == [
        ("x", "1.0"), ("k", "3.0")]
    assert [n for n, _ in second.feeds] == ["x"]
    assert third.feed_name == "feed" and program.feeds["feed"].keys == ("x",)


def test_named_graph_and_session_graph_argument() -> None:
    program, _ = analyze(
        """
        import tensorflow as tf
        g = tf.Graph()
        with g.as_default():
            a = tf.constant(2.0)
        with tf.Session(graph=g) as sess:
            r = sess.run(a * 3)
        """
    )
    assert program.blockers == []
    assert [item.drop for item in program.items] == [False, True, True, False, True, False]


def test_module_functions_do_not_count_as_mutations() -> None:
    program, _ = analyze(
        """
        import numpy as np
        import tensorflow as tf
        x = tf.placeholder(tf.float32)
        y = tf.add(x, 1.0)
        data = np.append(np.zeros(2), 1.0)
        with tf.Session() as sess:
            r = sess.run(y, {x: data})
        """
    )
    assert program.blockers == []


def test_initializer_runs_and_repetition() -> None:
    program, _ = analyze(
        """
        import tensorflow as tf
        v = tf.Variable(0)
        inc = tf.assign_add(v, 1)
        init = tf.global_variables_initializer()
        sess = tf.InteractiveSession()
        init.run()
        sess.run(v.initializer)
        for _ in range(3):
            sess.run(inc)
        last = sess.run(v)
        """
    )
    assert program.blockers == []
    assert [s.initializer for s in program.sites] == [True, True, False, False]
    assert [s.repeated for s in program.sites] == [False, False, True, False]
    assert [s.discarded for s in program.sites] == [True, True, True, False]


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("x = tf.constant(1.0)\ndef f(s):\n    return s.graph\n"
         "with tf.Session() as sess:\n    f(sess)\n", "the session `sess` is used as a value"),
        ("x = tf.constant(1.0)\nif x:\n    pass\nwith tf.Session() as sess:\n    sess.run(x)\n",
         "graph value `x` is used as a Python value"),
        ("x = tf.constant(1.0)\nfor i in range(2):\n    x = x + 1.0\n"
         "with tf.Session() as sess:\n    sess.run(x)\n",
         "graph value `x` is used as a Python value"),
        ("x = tf.constant([1])\nsame = x == x\nwith tf.Session() as sess:\n    sess.run(same)\n",
         "`==`/`!=` compares graph tensors"),
        ("with tf.Graph().as_default():\n    a = tf.constant(1)\n"
         "with tf.Graph().as_default():\n    b = tf.constant(2)\n"
         "    with tf.Session() as sess:\n        sess.run(b)\n", "two graphs"),
        ("x = tf.placeholder(tf.float32)\ny = x + 1\nwith tf.Session() as sess:\n"
         "    sess.run(y)\n", "placeholder `x` is needed but not fed"),
        ("x = tf.placeholder(tf.float32)\nh = x * 2\nwith tf.Session() as sess:\n"
         "    sess.run(h, {'x:0': 1.0})\n", "feeds something other than a placeholder"),
        ("x = tf.placeholder(tf.float32)\ny = tf.identity(x, name='y')\n"
         "with tf.Session() as sess:\n    sess.run('y:0', {x: 1.0})\n", "tensor name string"),
        ("v = tf.Variable(1.0)\nwith tf.Session() as sess:\n    sess.run(v.initializer)\n"
         "with tf.Session() as sess:\n    sess.run(v.initializer)\n", "second session"),
        ("k = 2.0\nx = tf.placeholder(tf.float32)\ny = x * k\nk = 3.0\n"
         "with tf.Session() as sess:\n    sess.run(y, {x: 1.0})\n", "`k` is rebound at line 5"),
        ("x = tf.constant(1.0)\nsaver = tf.train.Saver()\n"
         "with tf.Session() as sess:\n    sess.run(x)\n", "`tf.train.Saver`"),
        ("v = tf.Variable(1.0)\nwith tf.Session() as sess:\n    sess.run(v)\n"
         "    sess.run(tf.global_variables_initializer())\n", "initializer runs after"),
        ("def main():\n    with tf.Session() as sess:\n        pass\n",
         "a session runs inside function `main`"),
        ("class Model:\n    def __init__(self):\n        self.x = tf.constant(1.0)\n"
         "with tf.Session() as sess:\n    pass\n", "class `Model` builds graph ops"),
        ("from keras.layers import Dense\nx = tf.placeholder(tf.float32, [None, 2])\n"
         "h = Dense(3)(x)\nwith tf.Session() as sess:\n    sess.run(h, {x: [[1.0, 2.0]]})\n",
         "`Dense(3)(...)` ran once while TF1 built the graph"),
        ("import numpy as np\nx = tf.placeholder(tf.float32, [3])\ny = x + np.random.randn(3)\n"
         "with tf.Session() as sess:\n    sess.run(y, {x: [1.0, 2.0, 3.0]})\n",
         "`np.random.randn(...)` ran once while TF1 built the graph"),
        ("built = []\ndef layer(x):\n    built.append(x)\n    return x * 2\n"
         "x = tf.placeholder(tf.float32)\ny = layer(x)\nwith tf.Session() as sess:\n"
         "    sess.run(y, {x: 1.0})\n", "`layer` changes the global `built`"),
        ("y = tf.constant(1.0)\ny += 1\nwith tf.Session() as sess:\n    sess.run(y)\n",
         "graph value `y` is updated in place"),
        ("with tf.Graph().as_default() as g:\n    a = tf.constant(1.0)\n"
         "with tf.Session(graph=g) as sess:\n    sess.run(a)\nprint(g)\n",
         "the graph `g` is used as a value"),
        ("x = tf.placeholder(tf.float32)\nk = tf.placeholder(tf.float32)\ny = x * 2\n"
         "with tf.Session() as sess:\n    sess.run(y, {x: 1.0, k: next(iter([1]))})\n",
         "`k` is fed by a call although the fetches do not use it"),
        ("with tf.Session('grpc://localhost:2222') as sess:\n    pass\n",
         "a Session with `target=`"),
        ("if True:\n    with tf.Session() as sess:\n        pass\n",
         "a session is opened inside a block"),
    ],
)
def test_blockers(code: str, reason: str) -> None:
    program, _ = analyze("import tensorflow as tf\n" + code)
    messages = [message for _, message in program.blockers]
    assert any(reason in message for message in messages), messages


def test_pure_python_calls_in_a_graph_helper_may_run_per_trace() -> None:
    """A helper that turns loaded numpy weights into constants: `bias.reshape(-1)` (a method
    only arrays have), `sqrt` imported from math and `namedtuple` compute the same at every
    trace, so they do not keep the helper out of the run function."""
    program, _ = analyze(textwrap.dedent("""\
        import tensorflow as tf
        import numpy as np
        from math import sqrt
        from collections import namedtuple

        WEIGHTS = [(np.ones((1, 1, 1, 2)), np.zeros((1, 2)))]

        def net(image):
            Spec = namedtuple("Spec", "size")
            spec = Spec(int(sqrt(4)))
            kernels, bias = WEIGHTS[0]
            bias = bias.reshape(-1)
            kernels = np.transpose(kernels, (1, 0, 2, 3))
            conv = tf.nn.conv2d(image, tf.constant(kernels), [1, 1, 1, 1], "SAME")
            return tf.nn.bias_add(conv, bias) * spec.size

        x = tf.placeholder(tf.float32, [1, 3, 3, 1])
        y = net(x)
        with tf.Session() as sess:
            out = sess.run(y, {x: np.ones((1, 3, 3, 1))})
        """))
    assert program.blockers == []


@pytest.mark.parametrize("call", ["np.random.rand(2)", "random_fn(2)", "bias.tolist()"])
def test_other_python_calls_in_a_graph_helper_stay_refused(call: str) -> None:
    program, _ = analyze(textwrap.dedent(f"""\
        import tensorflow as tf
        import numpy as np
        from numpy.random import rand as random_fn

        def net(image, bias):
            return image + {call}

        x = tf.placeholder(tf.float32, [2])
        y = net(x, np.ones(2))
        with tf.Session() as sess:
            out = sess.run(y, {{x: np.ones(2)}})
        """))
    assert any("ran once while TF1 built the graph" in message
               for _, message in program.blockers), program.blockers


def test_tf_compat_string_conversions_are_python_values() -> None:
    """`tf.compat.as_str(bytes)` converts Python strings: what it returns is no graph value."""
    program, _ = analyze(textwrap.dedent("""\
        import tensorflow as tf

        def read_words(raw):
            return tf.compat.as_str(raw).split()

        words = read_words(b"a b a")
        print(len(words), words[0:2])
        x = tf.placeholder(tf.float32, [None])
        y = x * float(len(words))
        with tf.Session() as sess:
            out = sess.run(y, {x: [1.0]})
        """))
    assert program.blockers == []


def test_keras_datasets_are_loaded_as_numpy_arrays_in_both_versions() -> None:
    """`tf.keras.datasets.mnist.load_data()` builds no op: its arrays are Python values."""
    program, _ = analyze(textwrap.dedent("""\
        import tensorflow as tf

        (X_train, y_train), (X_test, y_test) = tf.keras.datasets.mnist.load_data()
        X_train = X_train.astype("float32").reshape(-1, 784) / 255.0
        x = tf.placeholder(tf.float32, [None, 784])
        total = tf.reduce_sum(x)
        with tf.Session() as sess:
            out = sess.run(total, {x: X_train[:10]})
        """))
    assert program.blockers == []


def test_a_loss_whose_variables_may_come_from_a_star_import_says_so() -> None:
    program, _ = analyze(textwrap.dedent("""\
        import tensorflow as tf
        from libs.utils import *

        x = tf.placeholder(tf.float32, [None, 2])
        w = weight_variable([2, 1])
        loss = tf.reduce_mean(tf.matmul(x, w))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(train, {x: [[1.0, 2.0]]})
        """))
    messages = [message for _, message in program.blockers]
    assert any("`from libs.utils import *` (line 2) may bring the functions that create them"
               in message for message in messages), messages
    assert not any("depends on no trainable variable" in message for message in messages)
