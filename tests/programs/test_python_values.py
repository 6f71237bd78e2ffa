"""Comparisons of Python values while the graph is built (static shapes, numbers) are no tensor
comparisons: they do not stop the session rewrite; a comparison of graph tensors still does."""

from __future__ import annotations

import libcst as cst

from tests.session_programs import migrate
from tf_migrate.programs.analyze.python_values import python_names, python_valued


class _NoTf:
    """A context in which no name is TensorFlow's but `tf.*`."""

    def tf_name(self, node: cst.CSTNode) -> str | None:
        text = cst.Module([]).code_for_node(node)
        return text if text.startswith("tf.") else None

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        return (1, 0)

    def end(self, node: cst.CSTNode) -> tuple[int, int]:
        return (1, 0)


def _valued(expression: str, names: set[str] | None = None) -> bool:
    return python_valued(_NoTf(), cst.parse_expression(expression), names or set())


def test_static_shapes_numbers_and_functions_of_them_are_python_values() -> None:
    assert _valued("len(x.get_shape())")
    assert _valued("x.get_shape().as_list()[1]")
    assert _valued("np.sqrt(x.shape[1]) * 2")
    assert _valued("int(d)")
    assert _valued("d + 1", {"d"})
    assert not _valued("x")
    assert not _valued("tf.reduce_sum(x)")
    assert not _valued("np.sqrt(x)")


def test_a_local_bound_only_to_python_values_is_one() -> None:
    function = cst.parse_statement(
        "def f(x):\n"
        "    d = np.sqrt(x.get_shape().as_list()[1])\n"
        "    d = int(d)\n"
        "    h = tf.reshape(x, [-1, d])\n"
        "    for i in range(3):\n"
        "        pass\n"
        "    n = 1\n"
        "    n += x\n"
        "    return h\n")
    assert isinstance(function, cst.FunctionDef)
    assert python_names(_NoTf(), function) == {"d"}


SHAPE_CHECK = """\
import numpy as np
import tensorflow as tf


def build(x):
    if len(x.get_shape()) == 2:
        side = np.sqrt(x.get_shape().as_list()[1])
        if side != int(side):
            raise ValueError("not square")
    return tf.reduce_sum(x * 2.0)


x = tf.placeholder(tf.float32, [None, 4])
y = build(x)
with tf.Session() as sess:
    out = sess.run(y, {x: np.ones([2, 4])})
"""


def test_a_helper_that_compares_static_shapes_is_rewritten() -> None:
    source, [(message, _)] = migrate(SHAPE_CHECK)
    assert "not rewritten" not in message
    assert "def compute_y(x):\n    y = build(x)\n    return y\n" in source


def test_comparing_graph_tensors_still_stops_the_rewrite() -> None:
    program = SHAPE_CHECK.replace("y = build(x)", "y = build(x)\nsame = x == y")
    source, [(message, _)] = migrate(program)
    assert source == program
    assert "`==`/`!=` compares graph tensors by identity in TF1 but elementwise in TF2 " \
           "(line 15)" in message
