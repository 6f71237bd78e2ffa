"""A small tree a reviewer's report is made of: safe renames, a session program rewritten, one
rewritten only with --unsafe-fixes, manual findings, an unparseable file, a notebook and a clean
file; and a verify result from verify's own JSON writer."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tf_migrate.verify.compare import compare
from tf_migrate.verify.harness import FAIL, PASS, FixtureResult, Options
from tf_migrate.verify.report import to_json
from tf_migrate.verify.runner import ChildRun
from tf_migrate.verify.runtimes import Runtime

RENAMES = """\
import tensorflow as tf


def scale(x):
    y = tf.log(x + 1.0)
    return tf.reduce_sum(y, keep_dims=True)


def clip(x):
    return tf.to_float(x)
"""

PROGRAM = """\
import numpy as np
import tensorflow as tf

X = tf.placeholder(tf.float32, [None, 3])
W = tf.Variable(tf.zeros([3, 1]))
pred = tf.matmul(X, W)
loss = tf.reduce_mean(tf.square(pred - 1.0))
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for step in range(10):
        sess.run(train_op, {X: np.ones((4, 3), np.float32)})
    final = sess.run(loss, {X: np.ones((4, 3), np.float32)})
"""

UNSAFE = """\
import tensorflow as tf

x = tf.placeholder(tf.float32, [None])
w = tf.Variable(1.0)
loss = tf.reduce_mean(tf.square(w * x - 1.0))
train = tf.train.RMSPropOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(3):
        sess.run(train, {x: [1.0, 2.0]})
"""

MANUAL = """\
import tensorflow as tf


def model(features, labels, mode):
    logits = tf.layers.dense(features["x"], 10)
    return tf.estimator.EstimatorSpec(mode, predictions=logits)


estimator = tf.estimator.Estimator(model_fn=model)
"""

BROKEN = 'import tensorflow as tf\nprint "this is Python 2"\n'
CLEAN = "import tensorflow as tf\n\nx = tf.math.log(2.0)\n"

NOTEBOOK_CELLS = [
    ("markdown", "# A notebook\n"),
    ("code", "import tensorflow as tf\n"),
    ("code", "x = tf.placeholder(tf.float32, [None])\ny = tf.log(x + 1.0)\n"),
    ("markdown", "Some text between the cells.\n"),
    ("code", "z = tf.to_float(y)\nw = tf.Print(z, [z])\n"),
]


def notebook() -> str:
    cells = [
        {"cell_type": kind, "metadata": {}, "source": source}
        | ({"execution_count": None, "outputs": []} if kind == "code" else {})
        for kind, source in NOTEBOOK_CELLS
    ]
    data = {
        "cells": cells,
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(data, indent=1) + "\n"


FILES = {
    "model/renames.py": RENAMES,
    "model/program.py": PROGRAM,
    "model/rmsprop.py": UNSAFE,
    "model/estimator.py": MANUAL,
    "legacy/py2.py": BROKEN,
    "clean.py": CLEAN,
    "notebooks/explore.ipynb": notebook(),
}


def write_tree(root: Path) -> Path:
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return root


def _program_result(
    name: str, outputs: dict[str, tuple[list[float], list[float]]]
) -> FixtureResult:
    comparisons = [
        compare(output, np.array(before), np.array(after), 1e-5, 1e-6)
        for output, (before, after) in outputs.items()
    ]
    status = PASS if all(comparison.passed for comparison in comparisons) else FAIL
    runs = [
        ChildRun(side, "ok", 0.5, 0, "", "", None, {"ran_on": "CPU"})
        for side in ("before", "after")
    ]
    return FixtureResult(
        name, Path(name), status, runs=runs, comparisons=comparisons, rtol=1e-5, atol=1e-6
    )


def verify_json() -> str:
    """What `tf-migrate verify --output-format json` writes for two programs: one proven, one
    whose loss differs."""
    options = Options(
        before=Runtime("before", Path("/rt/tf1/bin/python"), "test", "3.7.16", "1.15.0", "tf1"),
        after=Runtime("after", Path("/rt/tf2/bin/python"), "test", "3.11.7", "2.21.0", "tf2"),
    )
    results = [
        _program_result(
            "program", {"final": ([0.25], [0.25]), "weights": ([1.0, 2.0], [1.0, 2.0])}
        ),
        _program_result("rmsprop", {"loss": ([0.5], [0.6])}),
    ]
    return to_json(results, options, 1)
