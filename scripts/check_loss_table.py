"""Measure TFM205's rewrites of `tf.losses.*`: TF1's loss on TF 1.15 against the rule's own
TF2 output on TF 2.21, on the same random inputs; value and gradient with respect to the
predictions (or logits).

    python scripts/check_loss_table.py [--tf1 PYTHON] [--tf2 PYTHON]

Each case is a TF1 snippet; the TF2 code is what `tf-migrate` writes for it (fix_module with
TFM205), never a copy. Prints one row per case with the max absolute and relative differences;
exits 1 when a case the rule fixes differs by more than float32 rounding (rel > 1e-6).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tf_migrate.engine.fixer import fix_module
from tf_migrate.rules.losses_metrics import TF1Losses

RUNTIMES = Path(
    os.environ.get("TF_MIGRATE_RUNTIME_DIR", Path.home() / ".cache/tf-migrate/runtimes")
)
HEADER = "import tensorflow.compat.v1 as tf\n"  # the rule rewrites only TF1 code


@dataclass(frozen=True)
class Case:
    name: str
    setup: str  # statements binding `y` and `p` from the inputs `y_in`, `p_in`
    call: str  # the TF1 loss expression
    labels: str  # how to draw the labels: regress | binary | onehot | sparse
    predictions: str = "normal"  # normal | probability
    dtype: str = "float32"  # dtype of the labels input (and predictions when float64)


UNKNOWN = "y = y_in\np = p_in\n"  # dtypes not provable: the rule writes TF1's casts
F64 = "y = tf.cast(y_in, tf.float64)\np = tf.cast(p_in, tf.float64)\n"
FLOAT = "y = tf.cast(y_in, tf.float32)\np = tf.cast(p_in, tf.float32)\n"  # provably float

CASES = [
    Case("mean_squared_error", UNKNOWN, "tf.losses.mean_squared_error(y, p)", "regress"),
    Case("mean_squared_error float", FLOAT, "tf.losses.mean_squared_error(y, p)", "regress"),
    Case(
        "mean_squared_error SUM",
        FLOAT,
        "tf.losses.mean_squared_error(y, p, reduction=tf.losses.Reduction.SUM)",
        "regress",
    ),
    Case(
        "mean_squared_error NONE",
        FLOAT,
        "tf.losses.mean_squared_error(y, p, reduction=tf.losses.Reduction.NONE)",
        "regress",
    ),
    Case(
        "mean_squared_error MEAN",
        FLOAT,
        "tf.losses.mean_squared_error(y, p, reduction=tf.losses.Reduction.MEAN)",
        "regress",
    ),
    Case(
        "mean_squared_error SUM_OVER_BATCH_SIZE",
        FLOAT,
        "tf.losses.mean_squared_error(y, p, reduction='weighted_sum_over_batch_size')",
        "regress",
    ),
    Case("mean_squared_error int labels", UNKNOWN, "tf.losses.mean_squared_error(y, p)",
         "binary", dtype="int32"),
    Case("absolute_difference", UNKNOWN, "tf.losses.absolute_difference(y, p)", "regress"),
    Case("absolute_difference float", FLOAT, "tf.losses.absolute_difference(y, p)", "regress"),
    Case("huber_loss", UNKNOWN, "tf.losses.huber_loss(y, p)", "regress"),
    Case("huber_loss delta=0.5", FLOAT, "tf.losses.huber_loss(y, p, delta=0.5)", "regress"),
    Case("log_loss", UNKNOWN, "tf.losses.log_loss(y, p)", "binary", "probability"),
    Case("log_loss epsilon=1e-4", FLOAT, "tf.losses.log_loss(y, p, epsilon=1e-4)", "binary",
         "probability"),
    Case("hinge_loss", UNKNOWN, "tf.losses.hinge_loss(y, p)", "binary"),
    Case("hinge_loss int labels", UNKNOWN, "tf.losses.hinge_loss(y, p)", "binary",
         dtype="int32"),
    Case("sigmoid_cross_entropy", FLOAT, "tf.losses.sigmoid_cross_entropy(y, p)", "binary"),
    Case("sigmoid_cross_entropy int labels", UNKNOWN, "tf.losses.sigmoid_cross_entropy(y, p)",
         "binary", dtype="int32"),
    Case(
        "sigmoid_cross_entropy smoothing=0.1",
        FLOAT,
        "tf.losses.sigmoid_cross_entropy(y, p, label_smoothing=0.1)",
        "binary",
    ),
    Case("softmax_cross_entropy", FLOAT, "tf.losses.softmax_cross_entropy(y, p)", "onehot"),
    Case("softmax_cross_entropy int labels", UNKNOWN, "tf.losses.softmax_cross_entropy(y, p)",
         "onehot", dtype="int32"),
    Case(
        "softmax_cross_entropy smoothing=0.2",
        UNKNOWN,
        "tf.losses.softmax_cross_entropy(y, p, label_smoothing=0.2)",
        "onehot",
    ),
    Case(
        "sparse_softmax_cross_entropy",
        UNKNOWN,
        "tf.losses.sparse_softmax_cross_entropy(y, p)",
        "sparse",
        dtype="int32",
    ),
    Case("mean_squared_error float64 inputs", UNKNOWN, "tf.losses.mean_squared_error(y, p)",
         "regress", dtype="float64"),
    # Documented difference: operands proven float64 are not cast to float32 as TF1 did.
    Case("mean_squared_error float64 operands (documented)", F64,
         "tf.losses.mean_squared_error(y, p)", "regress", dtype="float64"),
]
SHAPES = [(8, 1), (8, 5), (4, 3, 2)]


def rewrite(case: Case) -> str:
    """The rule's TF2 code for the case's TF1 code (setup and `loss = ...`)."""
    source = HEADER + case.setup + f"loss = {case.call}\n"
    outcome = fix_module(source, [TF1Losses], should_apply=lambda _: True)
    if not outcome.fixed:
        messages = "; ".join(f.message for f in outcome.remaining)
        raise SystemExit(f"TFM205 did not fix {case.name!r}: {messages}")
    assert outcome.source.startswith(HEADER)
    return outcome.source[len(HEADER) :]


def inputs(case: Case, shape: tuple[int, ...], rng: np.random.Generator) -> dict[str, np.ndarray]:
    pred_dtype = "float64" if case.dtype == "float64" else "float32"
    if case.labels == "sparse":
        y = rng.integers(0, shape[-1], size=shape[:-1])
    elif case.labels == "onehot":
        y = np.eye(shape[-1])[rng.integers(0, shape[-1], size=shape[:-1])]
    elif case.labels == "binary":
        y = rng.integers(0, 2, size=shape)
    else:
        y = rng.normal(size=shape) * 2
    if case.predictions == "probability":
        p = rng.uniform(0.0, 1.0, size=shape)
        p[..., 0] = 0.0  # exercises epsilon
    else:
        p = rng.normal(size=shape) * 2
    return {"y": y.astype(case.dtype), "p": p.astype(pred_dtype)}


TF1_PROGRAM = """
import json, sys
import numpy as np
import tensorflow as tf
cases = json.load(open(sys.argv[1]))
for index, case in enumerate(cases):
    data = np.load(case["inputs"])
    with tf.Graph().as_default():
        y_in = tf.constant(data["y"])
        p_in = tf.constant(data["p"])
{body}
        grad = tf.gradients(loss, p_in)[0]
        with tf.Session() as session:
            value, gradient = session.run([loss, grad])
    np.savez(case["output"], loss=value, grad=gradient, dtype=str(loss.dtype.name))
"""

TF2_PROGRAM = """
import json, sys
import numpy as np
import tensorflow as tf
cases = json.load(open(sys.argv[1]))
for index, case in enumerate(cases):
    data = np.load(case["inputs"])
    y_in = tf.constant(data["y"])
    p_in = tf.constant(data["p"])
    with tf.GradientTape() as tape:
        tape.watch(p_in)
{body}
    grad = tape.gradient(loss, p_in)
    np.savez(case["output"], loss=loss.numpy(), grad=grad.numpy(), dtype=loss.dtype.name)
"""


def program(template: str, codes: list[str]) -> str:
    branches = []
    for index, code in enumerate(codes):
        branches.append(f"if index == {index}:\n" + textwrap.indent(code, "    "))
    body = textwrap.indent("\n".join(branches), "        ")
    return template.replace("{body}", body)


def max_diffs(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    a64, b64 = np.asarray(a, np.float64), np.asarray(b, np.float64)
    absolute = float(np.max(np.abs(a64 - b64))) if a64.size else 0.0
    scale = np.maximum(np.abs(a64), np.abs(b64))
    if not a64.size:
        return absolute, 0.0
    relative = float(np.max(np.abs(a64 - b64) / np.where(scale > 0, scale, 1.0)))
    return absolute, relative


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tf1", default=str(RUNTIMES / "tf1/bin/python"))
    parser.add_argument("--tf2", default=str(RUNTIMES / "tf2/bin/python"))
    args = parser.parse_args()
    rng = np.random.default_rng(2024)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        tf1_codes, tf2_codes, jobs1, jobs2 = [], [], [], []
        for case in CASES:
            tf2_code = rewrite(case)
            for shape in SHAPES:
                n = len(rows)
                data = work / f"in{n}.npz"
                np.savez(data, **inputs(case, shape, rng))
                tf1_codes.append(case.setup + f"loss = {case.call}\n")
                tf2_codes.append(tf2_code)
                jobs1.append({"inputs": str(data), "output": str(work / f"tf1_{n}.npz")})
                jobs2.append({"inputs": str(data), "output": str(work / f"tf2_{n}.npz")})
                rows.append((case, shape, tf2_code.splitlines()[-1]))
        for label, python, template, codes, jobs in (
            ("tf1", args.tf1, TF1_PROGRAM, tf1_codes, jobs1),
            ("tf2", args.tf2, TF2_PROGRAM, tf2_codes, jobs2),
        ):
            script = work / f"{label}.py"
            script.write_text(program(template, codes))
            spec = work / f"{label}.json"
            spec.write_text(json.dumps(jobs))
            env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
            subprocess.run([python, str(script), str(spec)], check=True, env=env)
        worst = 0.0
        print(f"{'case':44} {'shape':10} {'dtype tf1/tf2':17} {'value abs':>9} {'value rel':>9}"
              f" {'grad abs':>9} {'grad rel':>9}")
        for n, (case, shape, _) in enumerate(rows):
            one, two = np.load(work / f"tf1_{n}.npz"), np.load(work / f"tf2_{n}.npz")
            value = max_diffs(one["loss"], two["loss"])
            grad = max_diffs(one["grad"], two["grad"])
            dtypes = f"{one['dtype']}/{two['dtype']}"
            print(f"{case.name:44} {list(shape)!s:10} {dtypes:17} {value[0]:9.2e}"
                  f" {value[1]:9.2e} {grad[0]:9.2e} {grad[1]:9.2e}")
            if "documented" not in case.name:
                worst = max(worst, value[1], grad[1])
        print("\nTF2 code written by TFM205:")
        for case in CASES:
            print(f"  {case.call}\n    -> {rewrite(case).splitlines()[-1]}")
        print(f"\nworst relative difference (documented cases excluded): {worst:.2e}")
    return 0 if worst <= 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
