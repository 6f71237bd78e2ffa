"""TFM001 is an allow-list of TF1-only functions checked to run eagerly on TF 2.21."""

from __future__ import annotations

import pytest

from tf_migrate.engine.fixer import fix_module
from tf_migrate.rules.arguments_values import FloatDiv
from tf_migrate.rules.compat_fallback import CompatV1Fallback
from tf_migrate.rules.tables import _load, compat_fallbacks

# Families whose compat.v1 spelling crashes under eager execution (or needs a graph): never
# allowed as a fallback, whatever the table says.
FORBIDDEN_PREFIXES = (
    "tf.placeholder",
    "tf.Session",
    "tf.InteractiveSession",
    "tf.train.",
    "tf.layers",
    "tf.estimator",
    "tf.summary",
    "tf.variable_scope",
    "tf.get_variable",
    "tf.Graph",
    "tf.get_default_graph",
    "tf.global_variables",
    "tf.local_variables",
    "tf.initializers",
    "tf.get_collection",
    "tf.add_to_collection",
    "tf.losses",
    "tf.metrics",
    "tf.contrib",
    "tf.nn.rnn_cell",
    "tf.py_func",
    "tf.data.make_one_shot_iterator",
    "tf.variable_op_scope",
    "tf.name_scope",
    "tf.reset_default_graph",
    "tf.keras",
    "tf.app",
    "tf.flags",
    "tf.logging",
)


def test_no_graph_symbol_is_allow_listed() -> None:
    for name in compat_fallbacks():
        assert not name.startswith(FORBIDDEN_PREFIXES), name


def test_every_fallback_was_checked_eagerly() -> None:
    checked = _load("compat_fallback.json")["header"]["eager_checked"]
    assert checked["tensorflow"].startswith("2.21")
    assert set(checked["results"]) == set(compat_fallbacks())
    assert all(result.startswith("ok") for result in checked["results"].values())


def _run(source: str) -> tuple[str, list[str]]:
    outcome = fix_module(source, [CompatV1Fallback, FloatDiv], should_apply=lambda a: True)
    return outcome.source, [f.code for f in outcome.remaining]


@pytest.mark.parametrize("name", sorted(compat_fallbacks()))
def test_each_fallback_is_rewritten_and_stays_reported(name: str) -> None:
    source, remaining = _run(f"import tensorflow as tf\ny = {name}(a, b)\n")
    assert source == f"import tensorflow as tf\ny = tf.compat.v1.{name[3:]}(a, b)\n"
    assert remaining == ["TFM001"]


@pytest.mark.parametrize(
    ("source", "fixed", "remaining"),
    [
        ("y = tf.div(7, 2)\n", "y = tf.compat.v1.div(7, 2)\n", ["TFM001"]),
        ("y = tf.div(7.0, 2)\n", "y = tf.compat.v1.div(7.0, 2)\n", ["TFM001"]),
        ("y = tf.div(7.0, 2.0)\n", "y = tf.math.divide(7.0, 2.0)\n", []),
        ("y = tf.div(a / b, -2.5)\n", "y = tf.math.divide(a / b, -2.5)\n", []),
        (
            "x = tf.constant([1.5, 2.0])\nx += 1\ny = tf.div(x, 2.0)\n",
            "x = tf.constant([1.5, 2.0])\nx += 1\ny = tf.compat.v1.div(x, 2.0)\n",
            ["TFM001"],
        ),
        (
            "x = tf.zeros([3])\ndef f(x):\n    return tf.div(x, 2.0)\n",
            "x = tf.zeros([3])\ndef f(x):\n    return tf.compat.v1.div(x, 2.0)\n",
            ["TFM001"],
        ),
        (
            "x = tf.zeros([3])\ndef f():\n    return tf.div(x, tf.constant(2, tf.float64))\n",
            "x = tf.zeros([3])\ndef f():\n"
            "    return tf.math.divide(x, tf.constant(2, tf.float64))\n",
            [],
        ),
        ("y = tf.div(tf.zeros([2], dtype=tf.int32), 2.0)\n", None, ["TFM001"]),
        # Reductions and reshapes keep their input's dtype.
        (
            "f = tf.to_float(c) + 0.5\nt = tf.reduce_sum(f, 1)\ny = tf.div(f, t)\n",
            "f = tf.to_float(c) + 0.5\nt = tf.reduce_sum(f, 1)\ny = tf.math.divide(f, t)\n",
            [],
        ),
        ("t = tf.reduce_sum(c, 1)\ny = tf.div(t, t)\n", None, ["TFM001"]),
    ],
)
def test_div_is_divide_only_for_proven_floats(
    source: str, fixed: str | None, remaining: list[str]
) -> None:
    header = "import tensorflow as tf\n"
    result, codes = _run(header + source)
    if fixed is None:
        fixed = source.replace("tf.div(", "tf.compat.v1.div(")
    assert result == header + fixed
    assert codes == remaining


@pytest.mark.parametrize(
    "source",
    [
        "x = 1.0\nf = lambda x: tf.div(x, 2.0)\n",
        "x = 1.0\ny = [tf.div(x, 2.0) for x in range(3)]\n",
        "x = 1.0\nwith open(p) as x:\n    y = tf.div(x, 2.0)\n",
        "x = 1.0\ndef f():\n    global x\n    x = 3\ny = tf.div(x, 2.0)\n",
        "x = 1.0\n(x := 3)\ny = tf.div(x, 2.0)\n",
        "x = 1.0\nfrom numpy import x\ny = tf.div(x, 2.0)\n",
        "a = 1.0\na, b = 1, 2\ny = tf.div(a, 2.0)\n",
    ],
)
def test_rebound_names_are_not_proven_float(source: str) -> None:
    _, codes = _run("import tensorflow as tf\n" + source)
    assert codes == ["TFM001"]
