"""tf_migrate.analysis.tensor_names: which names hold tensors, sessions, iterators, containers."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from tf_migrate.analysis.tensor_names import ValueKind, kind_of_tf_call
from tf_migrate.engine.fixer import visit_module
from tf_migrate.rules.support.tracking import TracksBindings


class _Probe(TracksBindings):
    """Records the kind of every `probe(expr)` argument, in source order."""

    code = "TFM999"
    name = "probe"
    message = "probe"

    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[ValueKind | None] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "probe":
            self.kinds.append(self.bindings.kind_of(node.args[0].value))


def kinds(source: str) -> list[ValueKind | None]:
    probe = _Probe()
    code = textwrap.dedent(source)
    visit_module(cst.parse_module(code), code, [probe])
    return probe.kinds


T, V, P = ValueKind.TENSOR, ValueKind.VARIABLE, ValueKind.PLACEHOLDER


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "import tensorflow as tf\nx = tf.constant(1)\nprobe(x)\nprobe(x + 1)\nprobe(x[0])\n",
            [T] * 3,
        ),
        ("import tensorflow.compat.v1 as tf\nx = tf.placeholder(tf.float32)\nprobe(x)\n", [P]),
        ("from tensorflow import get_variable\nw = get_variable('w', [3])\nprobe(w)\n", [V]),
        ("import tensorflow as tf\nx = tf.constant(1)\nx = sess.run(x)\nprobe(x)\n", [None]),
        (
            "import tensorflow as tf\nx = tf.constant(1)\ndef f(x):\n    probe(x)\nprobe(x)\n",
            [None, T],
        ),
        ("import tensorflow as tf\na, b = tf.split(t, 2)\nprobe(a)\nprobe(tf.shape(a))\n", [T, T]),
        ("import tensorflow as tf\nwith tf.Session() as s:\n    probe(s)\n", [ValueKind.SESSION]),
        ("import tensorflow as tf\nit = ds.make_one_shot_iterator()\nprobe(it.get_next())\n", [T]),
        (
            "import tensorflow as tf\nopt = tf.train.AdamOptimizer(1)\nprobe(opt)\n",
            [ValueKind.OPTIMIZER],
        ),
        ("d = {}\ns = set()\nprobe(d)\nprobe(s)\n", [ValueKind.CONTAINER] * 2),
        ("import numpy as np\nx = np.ones(3)\nprobe(x)\nprobe(x + 1)\n", [None, None]),
        ("import tensorflow as tf\nself.w = tf.Variable(1.0)\nprobe(self.w)\n", [V]),
        ("import tensorflow as tf\nx = tf.constant(1)\nprobe(x == 1)\nprobe(x < 1)\n", [None, T]),
    ],
)
def test_kinds_follow_assignments_in_source_order(
    source: str, expected: list[ValueKind | None]
) -> None:
    assert kinds(source) == expected


def test_kind_of_tf_call() -> None:
    assert kind_of_tf_call("tf.reduce_sum") is T
    assert kind_of_tf_call("tf.nn.relu") is T
    assert kind_of_tf_call("tf.trainable_variables") is None
    assert kind_of_tf_call("tf.train.MomentumOptimizer") is ValueKind.OPTIMIZER
    assert kind_of_tf_call("tf.keras.layers.Dense") is None
