"""TFM150 across the files of a project: graph helpers a script imports from its own modules are
read in their module. One that only builds ops is called by the rewritten functions, as the
script's own helpers are; one that makes variables refuses the program with a reason that names
the helper, its file and line, and what to change there."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from tf_migrate.cli import cli
from tf_migrate.engine.fixer import fix_module
from tf_migrate.model import Finding
from tf_migrate.rules.session_program import SessionProgram

PURE_HELPERS = """\
import tensorflow as tf


def dense(x, w, b):
    return tf.nn.relu(tf.matmul(x, w) + b)


def mse(prediction, target):
    return tf.reduce_mean(tf.square(prediction - target))
"""

VARIABLE_HELPERS = """\
import tensorflow as tf


def mse(prediction, target):
    return tf.reduce_mean(tf.square(prediction - target))


def fc_layer(x, n_out, name):
    w = tf.get_variable("W_" + name, shape=[x.get_shape()[1], n_out])
    return tf.matmul(x, w)
"""

TRAIN = """\
import numpy as np
import tensorflow as tf
from ops import dense, mse

x = tf.placeholder(tf.float32, [None, 2])
y = tf.placeholder(tf.float32, [None, 1])
w = tf.Variable(tf.ones([2, 1]))
b = tf.Variable(tf.zeros([1]))
prediction = dense(x, w, b)
loss = mse(prediction, y)
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(5):
        _, value = sess.run([train_op, loss], {x: np.ones([4, 2]), y: np.ones([4, 1])})
"""

TRAIN_WITH_LAYER = """\
import numpy as np
import tensorflow as tf
import ops

x = tf.placeholder(tf.float32, [None, 2])
y = tf.placeholder(tf.float32, [None, 1])
h = ops.fc_layer(x, 1, "one")
loss = ops.mse(h, y)
train_op = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print(sess.run([train_op, loss], {x: np.ones([4, 2]), y: np.ones([4, 1])}))
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def _migrated(script: Path) -> tuple[str, list[Finding]]:
    outcome = fix_module(script.read_text(), [SessionProgram], should_apply=lambda a: True,
                         path=script)
    return outcome.source, outcome.fixed + outcome.remaining


def test_pure_helpers_of_a_sibling_module_are_called_by_the_training_function(
        tmp_path: Path) -> None:
    project = _project(tmp_path, {"ops.py": PURE_HELPERS, "train.py": TRAIN})
    source, [finding] = _migrated(project / "train.py")
    assert "not rewritten" not in finding.message
    assert textwrap.dedent("""\
        def train_step(x, y):
            with tf.GradientTape() as tape:
                prediction = dense(x, w, b)
                loss = mse(prediction, y)
            gradients = tape.gradient(loss, [w, b])
            optimizer.apply_gradients(zip(gradients, [w, b]))
            return loss
        """) in source
    assert "tf.Session" not in source


def test_a_helper_that_makes_variables_is_named_with_its_file_and_what_to_change(
        tmp_path: Path) -> None:
    project = _project(tmp_path, {"ops.py": VARIABLE_HELPERS, "train.py": TRAIN_WITH_LAYER})
    source, [finding] = _migrated(project / "train.py")
    assert source == TRAIN_WITH_LAYER
    assert finding.message.startswith(
        "The session program is not rewritten: `ops.fc_layer(...)` calls `fc_layer` (ops.py:8), "
        "which creates variables with `tf.get_variable` (ops.py:9): a function that runs on "
        "every step must not; make `fc_layer` a Keras layer or a `tf.Module` that creates its "
        "variables once, in its constructor (the findings in ops.py say how) (line 7)")
    # The loss does depend on variables: made in the helper, which the reason says.
    assert "depends on no trainable variable" not in finding.message
    assert "the variables of the loss of `minimize` are created in `fc_layer` (ops.py:8)" in (
        finding.message)
    assert "ran once while TF1 built the graph" not in finding.message


def test_a_helper_that_draws_random_numbers_is_a_random_draw_of_the_program(
        tmp_path: Path) -> None:
    noisy = PURE_HELPERS + textwrap.dedent("""\


        def noisy(x):
            return x + tf.random_normal(tf.shape(x), stddev=0.1)
        """)
    train = TRAIN.replace("from ops import dense, mse", "from ops import dense, mse, noisy")
    train = train.replace("prediction = dense(x, w, b)", "prediction = noisy(dense(x, w, b))")
    project = _project(tmp_path, {"ops.py": noisy, "train.py": train})
    source, [finding] = _migrated(project / "train.py")
    assert "noisy(dense(x, w, b))" in source
    assert "random draws" in finding.message


def test_a_helper_with_python_side_effects_stops_the_rewrite_naming_them(tmp_path: Path) -> None:
    logging = PURE_HELPERS.replace(
        "    return tf.reduce_mean(tf.square(prediction - target))",
        "    print('building the loss')\n"
        "    return tf.reduce_mean(tf.square(prediction - target))")
    project = _project(tmp_path, {"ops.py": logging, "train.py": TRAIN})
    source, [finding] = _migrated(project / "train.py")
    assert source == TRAIN
    assert "not rewritten" in finding.message
    assert "`mse(...)` calls `mse` (ops.py:8), which calls `print(...)` (ops.py:9)" in (
        finding.message)


def test_relative_imports_of_a_package_resolve_to_its_modules(tmp_path: Path) -> None:
    project = _project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/layers.py": PURE_HELPERS,
        "pkg/train.py": TRAIN.replace("from ops import dense, mse",
                                      "from .layers import dense, mse"),
    })
    _, [finding] = _migrated(project / "pkg" / "train.py")
    assert "not rewritten" not in finding.message


def test_a_text_without_a_file_reads_no_project(tmp_path: Path) -> None:
    _project(tmp_path, {"ops.py": PURE_HELPERS})
    outcome = fix_module(TRAIN, [SessionProgram], should_apply=lambda a: True)
    [finding] = outcome.remaining
    assert "`dense(...)` ran once while TF1 built the graph" in finding.message


def test_the_result_cache_sees_a_changed_helper_module(tmp_path: Path) -> None:
    project = _project(tmp_path / "project", {"ops.py": PURE_HELPERS, "train.py": TRAIN})
    cache = tmp_path / "cache"
    arguments = ["check", "--cache-dir", str(cache), "--select", "TFM150", "--output-format",
                 "concise", str(project / "train.py")]
    first = CliRunner().invoke(cli, arguments)
    assert "can be rewritten" in first.output
    (project / "ops.py").write_text(PURE_HELPERS.replace(
        "    return tf.reduce_mean(tf.square(prediction - target))",
        "    scale = tf.Variable(1.0)\n"
        "    return scale * tf.reduce_mean(tf.square(prediction - target))"))
    second = CliRunner().invoke(cli, arguments)
    assert "`mse(...)` calls `mse` (ops.py:8), which creates variables" in second.output


def test_a_star_import_binds_the_modules_public_functions(tmp_path: Path) -> None:
    project = _project(tmp_path, {
        "ops.py": PURE_HELPERS,
        "train.py": TRAIN.replace("from ops import dense, mse", "from ops import *"),
    })
    _, [finding] = _migrated(project / "train.py")
    assert "not rewritten" not in finding.message


FACTORIES = """\
import tensorflow as tf


def weight_variable(shape):
    initial = tf.truncated_normal(shape, stddev=0.1)
    return tf.Variable(initial)


def counter():
    return tf.Variable(0, trainable=False)
"""


def test_a_variable_factory_of_a_project_module_makes_the_programs_variables(
        tmp_path: Path) -> None:
    train = TRAIN.replace("from ops import dense, mse",
                          "from ops import dense, mse\nfrom factories import counter, "
                          "weight_variable")
    train = train.replace("w = tf.Variable(tf.ones([2, 1]))", "w = weight_variable([2, 1])")
    train = train.replace("minimize(loss)", "minimize(loss, global_step=steps)")
    train = train.replace("prediction = dense", "steps = counter()\nprediction = dense")
    project = _project(tmp_path, {"ops.py": PURE_HELPERS, "factories.py": FACTORIES,
                                  "train.py": train})
    source, [finding] = _migrated(project / "train.py")
    assert "not rewritten" not in finding.message
    assert "random draws (`w`)" in finding.message  # the factory draws its initial value
    assert "w = weight_variable([2, 1])\n" in source
    assert "gradients = tape.gradient(loss, [w, b])" in source  # trainable, `steps` is not
    assert "steps.assign_add(1)" in source
