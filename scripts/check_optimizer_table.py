"""Prove tf_migrate/programs/analyze/optimizers.py on TensorFlow: run every mapping on TF 1.15
and, as the table generates it, on TF 2.x, and check the table's claim.

Each case runs twice on each side, 150 steps each, in child processes under the verify
harness's pinned environment (oneDNN off, one thread):

- fed: the same fixed gradient sequence (64 values, scales 1e-3 to 1) is applied to a
  variable: TF1 `optimizer.apply_gradients(..., global_step=...)` in a session against Keras
  `apply_gradients` in a `tf.function`. This isolates the optimizer's arithmetic.
- trained: a linear regression (3 weights and a bias, 64 deterministic samples), TF1
  `minimize(loss, global_step=...)` against a GradientTape step with `apply_gradients` on
  `tf.Variable`s. Here TF 1.15 and TF 2.x also compute the loss and its gradients with
  different kernels (~1 ulp), so bitwise mappings show ~1e-7 too.

The TF2 code is the table's output, its constructor plans written out by emit/constructs.py; a
schedule is bound to the name the TF1 optimizer call reads (`lr`). Printed per case: max abs/rel
difference of the variables after every step (fed, trained), of the losses (trained), of the
learning rate used at every step, and whether that matches the claim: a safe mapping agrees
within its stated tolerance (default atol 1e-6, rtol 1e-5, as numpy's allclose), and one that
states none is bitwise equal in the fed run at a constant rate; an unsafe one differs by more
than the default with the same gradients. It also checks that the table binds each call against
the signature TF 1.15 declares. Exit 1 when a claim or a signature fails.

    python scripts/check_optimizer_table.py [--before-python P] [--after-python P]
        [--keras tf.keras|keras] [--steps N] [--no-grappler]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import libcst as cst

from tf_migrate.programs.analyze.optimizers import (
    OPTIMIZERS,
    SCHEDULES,
    TOLERANCES,
    keras_optimizer,
    learning_rate_schedule,
    tf1_signature,
)
from tf_migrate.programs.emit.constructs import constructed
from tf_migrate.programs.model import Constructor
from tf_migrate.verify.runner import PINNED_ENV
from tf_migrate.verify.runtimes import select

STEPS = 150
FED_SIZE = 64
DEFAULT_TOLERANCE = (1e-6, 1e-5)


@dataclass(frozen=True)
class Case:
    id: str
    tf1: str  # the TF1 optimizer call; with a schedule it reads the name `lr`
    schedule: str | None = None  # the TF1 decay call, reading the name `global_step`


CASES = (
    Case("sgd", "tf.train.GradientDescentOptimizer(0.05)"),
    Case(
        "sgd-kw",
        "tf.train.GradientDescentOptimizer(learning_rate=0.05, use_locking=True, name='descent')",
    ),
    Case("adam", "tf.train.AdamOptimizer(0.05)"),
    Case("adam-args", "tf.train.AdamOptimizer(0.02, 0.8, 0.99, 1e-6)"),
    Case(
        "adam-exp",
        "tf.train.AdamOptimizer(lr)",
        "tf.train.exponential_decay(0.1, global_step, 30, 0.5)",
    ),
    Case("momentum", "tf.train.MomentumOptimizer(0.05, 0.9)"),
    Case("nesterov", "tf.train.MomentumOptimizer(0.05, momentum=0.9, use_nesterov=True)"),
    Case(
        "momentum-exp",
        "tf.train.MomentumOptimizer(lr, 0.9)",
        "tf.train.exponential_decay(0.05, global_step, 20, 0.5)",
    ),
    Case("adagrad", "tf.train.AdagradOptimizer(0.3)"),
    Case("adagrad-init", "tf.train.AdagradOptimizer(0.3, initial_accumulator_value=0.5)"),
    Case(
        "adagrad-poly",
        "tf.train.AdagradOptimizer(lr)",
        "tf.train.polynomial_decay(0.5, global_step, 100, 0.01)",
    ),
    Case("rmsprop", "tf.train.RMSPropOptimizer(0.01)"),
    Case("rmsprop-mom", "tf.train.RMSPropOptimizer(0.01, decay=0.95, momentum=0.5, epsilon=1e-6)"),
    Case("rmsprop-centered", "tf.train.RMSPropOptimizer(0.01, centered=True)"),
    Case("ftrl", "tf.train.FtrlOptimizer(0.3)"),
    Case(
        "ftrl-reg",
        "tf.train.FtrlOptimizer(0.3, -0.7, 0.2, 0.01, 0.02, "
        "l2_shrinkage_regularization_strength=0.05)",
    ),
    Case(
        "ftrl-cos",
        "tf.train.FtrlOptimizer(lr, l1_regularization_strength=0.01)",
        "tf.train.cosine_decay(0.5, global_step, 120, alpha=0.1)",
    ),
    Case("adadelta", "tf.train.AdadeltaOptimizer(1.0)"),
    Case("adadelta-args", "tf.train.AdadeltaOptimizer(2.0, 0.9, 1e-6)"),
    Case("proximal-gd", "tf.train.ProximalGradientDescentOptimizer(0.05, 0.0, 0.0)"),
    Case("proximal-adagrad", "tf.train.ProximalAdagradOptimizer(0.3)"),
    *(
        Case(name, "tf.train.GradientDescentOptimizer(lr)", f"tf.train.{schedule}")
        for name, schedule in (
            ("exponential", "exponential_decay(0.1, global_step, 20, 0.7)"),
            ("exponential-stair", "exponential_decay(0.1, global_step, 20, 0.7, staircase=True)"),
            ("natural-exp", "natural_exp_decay(0.1, global_step, 20, 0.3)"),
            ("natural-exp-stair", "natural_exp_decay(0.1, global_step, 20, 0.3, True)"),
            ("inverse-time", "inverse_time_decay(0.1, global_step, 10, 0.5)"),
            ("inverse-time-stair", "inverse_time_decay(0.1, global_step, 10, 0.5, staircase=True)"),
            ("piecewise", "piecewise_constant(global_step, [30, 80], [0.1, 0.05, 0.01])"),
            ("polynomial", "polynomial_decay(0.1, global_step, 100, 0.001, power=2.0)"),
            ("polynomial-cycle", "polynomial_decay(0.1, global_step, 40, 0.001, 0.5, cycle=True)"),
            ("cosine", "cosine_decay(0.1, global_step, 100, 0.05)"),
            (
                "cosine-restarts",
                "cosine_decay_restarts(0.1, global_step, 20, t_mul=1.5, m_mul=0.8, alpha=0.01)",
            ),
        )
    ),
)
REFUSED = (
    "tf.train.ProximalGradientDescentOptimizer(0.05, l1_regularization_strength=0.01)",
    "tf.train.AdagradDAOptimizer(0.1, global_step)",
    "tf.train.AdamOptimizer(0.1, beta_1=0.9)",
    "tf.train.natural_exp_decay(0.1, global_step, 20, rate)",
    "tf.train.linear_cosine_decay(0.1, global_step, 100)",
)

# Runs on Python 3.7 (TF 1.15) or TF 2.x behind tensorflow.compat.v1.
TF1_CHILD = r"""
import inspect, json, sys
import numpy as np
import tensorflow as tf
if tf.__version__.startswith("2"):
    tf = tf.compat.v1
    tf.disable_v2_behavior()
spec = json.load(sys.stdin)
config = tf.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
if not spec["grappler"]:
    config.graph_options.rewrite_options.disable_meta_optimizer = True


def run(case, fed):
    with tf.Graph().as_default():
        global_step = tf.train.get_or_create_global_step()
        names = {"tf": tf, "global_step": global_step}
        lr = eval(case["schedule"], names) if case["schedule"] else tf.constant(0.0)
        names["lr"] = lr
        optimizer = eval(case["tf1"], names)
        if fed:
            variables = [tf.Variable(np.array(spec["fed_initial"], np.float32))]
            grad = tf.placeholder(tf.float32, [len(spec["fed_initial"])])
            train = optimizer.apply_gradients([(grad, variables[0])], global_step=global_step)
            loss = tf.constant(0.0)  # nothing orders a loss against the fed update
        else:
            x = tf.constant(np.array(spec["x"], np.float32))
            y = tf.constant(np.array(spec["y"], np.float32))
            variables = [tf.Variable(np.array(spec["w0"], np.float32)),
                         tf.Variable(np.array(spec["b0"], np.float32))]
            loss = tf.reduce_mean(tf.square(tf.matmul(x, variables[0]) + variables[1] - y))
            train = optimizer.minimize(loss, global_step=global_step)
        out = {"losses": [], "rates": [], "variables": []}
        with tf.Session(config=config) as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(spec["steps"]):
                feed = {grad: np.array(spec["fed_gradients"][step], np.float32)} if fed else None
                _, value, rate = sess.run([train, loss, lr], feed)
                out["losses"].append(float(value))
                out["rates"].append(float(rate))
                out["variables"] += [float(v) for a in sess.run(variables) for v in a.ravel()]
    return out


def signature(name):
    obj = tf
    for part in name.split(".")[1:]:
        obj = getattr(obj, part)
    text = str(inspect.signature(obj.__init__ if inspect.isclass(obj) else obj))
    return text[1:-1].replace("self, ", "", 1)


results = {case["id"]: {"fed": run(case, True), "trained": run(case, False)}
           for case in spec["cases"]}
signatures = {name: signature(name) for name in spec["signatures"]}
print(json.dumps({"tensorflow": tf.__version__, "results": results, "signatures": signatures}))
"""

TF2_CHILD = r"""
import json, sys
import numpy as np
import tensorflow as tf
import keras
tf.config.threading.set_intra_op_parallelism_threads(1)
tf.config.threading.set_inter_op_parallelism_threads(1)
spec = json.load(sys.stdin)
if not spec["grappler"]:
    tf.config.optimizer.set_experimental_options({"disable_meta_optimizer": True})
x = tf.constant(np.array(spec["x"], np.float32))
y = tf.constant(np.array(spec["y"], np.float32))


def run(case, fed):
    names = {"tf": tf, "keras": keras}
    names["lr"] = eval(case["keras_schedule"], names) if case["schedule"] else None
    if fed:
        variables = [tf.Variable(np.array(spec["fed_initial"], np.float32))]
    else:
        variables = [tf.Variable(np.array(spec["w0"], np.float32)),
                     tf.Variable(np.array(spec["b0"], np.float32))]
    # As the rewrite must: the optimizer is created and built once, outside the tf.function.
    optimizer = eval(case["optimizer"], names)
    optimizer.build(variables)

    @tf.function
    def step(fed_gradient):
        rate = tf.cast(optimizer.learning_rate, tf.float32)
        if fed:
            optimizer.apply_gradients([(fed_gradient, variables[0])])
            return tf.constant(0.0), rate
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, variables[0]) + variables[1] - y))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss, rate

    out = {"losses": [], "rates": [], "variables": []}
    for gradient in spec["fed_gradients"]:
        loss, rate = step(tf.constant(np.array(gradient, np.float32)))
        out["losses"].append(float(loss))
        out["rates"].append(float(rate) if case["schedule"] else 0.0)
        out["variables"] += [float(v) for a in variables for v in a.numpy().ravel()]
    return out


results = {case["id"]: {"fed": run(case, True), "trained": run(case, False)}
           for case in spec["cases"]}
print(json.dumps({"tensorflow": tf.__version__, "keras": keras.__version__, "results": results}))
"""


def problem(steps: int, grappler: bool) -> dict[str, Any]:
    """The regression y = x·[1.5, -2, 0.5] + 0.3 + a small periodic residual, and the fed
    gradients: oscillating, each element at its own scale from 1e-3 to 1."""
    x = [[math.sin(0.3 * i + j) + 0.5 * j for j in range(3)] for i in range(64)]
    y = [
        [1.5 * r[0] - 2.0 * r[1] + 0.5 * r[2] + 0.3 + 0.1 * math.sin(7.0 * i)]
        for i, r in enumerate(x)
    ]
    scale = [10.0 ** (i % 4 - 3) for i in range(FED_SIZE)]
    gradients = [
        [
            scale[i] * (math.sin(0.7 * t + 1.9 * i) + 0.3 * math.cos(0.11 * t * (i + 1)))
            for i in range(FED_SIZE)
        ]
        for t in range(steps)
    ]
    return {
        "x": x,
        "y": y,
        "w0": [[0.5], [-0.3], [0.2]],
        "b0": [0.1],
        "fed_initial": [math.cos(1.3 * i) for i in range(FED_SIZE)],
        "fed_gradients": gradients,
        "steps": steps,
        "grappler": grappler,
    }


def code(node: cst.CSTNode | Constructor) -> str:
    """The source of a node, or of the call a constructor plan builds."""
    return cst.Module(body=[]).code_for_node(
        constructed(node) if isinstance(node, Constructor) else node)


def translate(case: Case, keras: str) -> dict[str, Any]:
    """The case with the table's TF2 code and claim; exits when the table refuses it."""
    call = cst.parse_expression(case.tf1)
    assert isinstance(call, cst.Call)
    schedule = None
    if case.schedule is not None:
        decay = cst.parse_expression(case.schedule)
        assert isinstance(decay, cst.Call)
        built = learning_rate_schedule(code(decay.func), decay, keras)
        if isinstance(built, str):
            raise SystemExit(f"{case.id}: the table refuses {case.schedule}: {built}")
        assert code(built.global_step) == "global_step"
        schedule = code(built.constructor)
    name = code(call.func)
    mapped = keras_optimizer(name, call, keras, scheduled=schedule is not None)
    if isinstance(mapped, str):
        raise SystemExit(f"{case.id}: the table refuses {case.tf1}: {mapped}")
    assert (mapped.tolerance is None) == (not mapped.safe or name not in TOLERANCES), name
    return {
        "id": case.id,
        "tf1": case.tf1,
        "schedule": case.schedule,
        "optimizer": code(mapped.constructor),
        "keras_schedule": schedule,
        "safe": mapped.safe,
        "tolerance": TOLERANCES.get(name),
    }


def run_child(python: Path, source: str, spec: dict[str, Any]) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PINNED_ENV)
    done = subprocess.run(
        [str(python), "-s", "-c", source],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"{python} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def difference(before: list[float], after: list[float]) -> str:
    """Max absolute and max relative difference, as `abs/rel`."""
    pairs = list(zip(before, after, strict=True))
    abs_diff = max(abs(a - b) for b, a in pairs)
    rel_diff = max(abs(a - b) / abs(b) if b else (math.inf if a else 0.0) for b, a in pairs)
    return f"{abs_diff:.1e}/{rel_diff:.1e}"


def close(before: list[float], after: list[float], tolerance: tuple[float, float]) -> bool:
    atol, rtol = tolerance
    return all(abs(a - b) <= atol + rtol * abs(b) for b, a in zip(before, after, strict=True))


def verdict(case: dict[str, Any], before: dict[str, Any], after: dict[str, Any]) -> str:
    """Safe: fed and trained runs agree within the stated tolerance (the default where the
    table states none), and every learning rate within the default; with no stated tolerance
    and a constant rate, the fed runs are bitwise equal. Unsafe: the same gradients already give
    different variables."""
    if not case["safe"]:
        agree = close(before["fed"]["variables"], after["fed"]["variables"], DEFAULT_TOLERANCE)
        return "FAIL: unsafe but agrees" if agree else "ok, differs"
    tolerance = case["tolerance"] or DEFAULT_TOLERANCE
    checks = [
        close(before[mode][key], after[mode][key], tolerance)
        for mode, key in (("fed", "variables"), ("trained", "variables"), ("trained", "losses"))
    ]
    checks += [close(before[m]["rates"], after[m]["rates"], DEFAULT_TOLERANCE) for m in before]
    bitwise = before["fed"] == after["fed"]
    if case["tolerance"] is None and not case["schedule"]:
        checks.append(bitwise)
    if not all(checks):
        return "FAIL: safe but differs"
    return "ok, fed bitwise" if bitwise else "ok"


def refusal(source: str, keras: str) -> str:
    call = cst.parse_expression(source)
    assert isinstance(call, cst.Call)
    name = code(call.func)
    if name.rsplit(".", 1)[-1][0].islower():
        result: object = learning_rate_schedule(name, call, keras)
    else:
        result = keras_optimizer(name, call, keras, scheduled=False)
    assert isinstance(result, str), f"the table maps {source}"
    return result


def report(cases: list[dict[str, Any]], before: dict[str, Any], after: dict[str, Any]) -> int:
    """Print the table; the number of failed claims."""
    print(
        f"{'case':<19} {'claim':<27} {'fed':<15} {'trained':<15} {'losses':<15} {'lr rel':<8} "
        "verdict"
    )
    failed = 0
    for case in cases:
        b, a = before[case["id"]], after[case["id"]]
        claim = "unsafe"
        if case["safe"] and case["tolerance"] is None and case["schedule"] is None:
            claim = "safe, bitwise"
        elif case["safe"]:
            claim = "safe atol={:g} rtol={:g}".format(*(case["tolerance"] or DEFAULT_TOLERANCE))
        rates = "-"
        if case["schedule"]:
            rates = difference(b["trained"]["rates"], a["trained"]["rates"]).split("/")[1]
        result = verdict(case, b, a)
        failed += result.startswith("FAIL")
        print(
            f"{case['id']:<19} {claim:<27} "
            f"{difference(b['fed']['variables'], a['fed']['variables']):<15} "
            f"{difference(b['trained']['variables'], a['trained']['variables']):<15} "
            f"{difference(b['trained']['losses'], a['trained']['losses']):<15} {rates:<8} {result}"
        )
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--before-python", help="a TF 1.15 interpreter (default: provisioned)")
    parser.add_argument("--after-python", help="a TF 2.x interpreter (default: provisioned)")
    parser.add_argument("--keras", default="tf.keras", help="the Keras spelling to generate")
    parser.add_argument("--steps", type=int, default=STEPS, help="steps per run")
    parser.add_argument(
        "--no-grappler", action="store_true", help="turn graph optimizations off on both sides"
    )
    args = parser.parse_args()
    before_runtime = select("before", args.before_python, Path.cwd())
    after_runtime = select("after", args.after_python, Path.cwd())
    cases = [translate(case, args.keras) for case in CASES]
    spec = {
        **problem(args.steps, grappler=not args.no_grappler),
        "cases": cases,
        "signatures": sorted(OPTIMIZERS | SCHEDULES),
    }
    before = run_child(before_runtime.python, TF1_CHILD, spec)
    after = run_child(after_runtime.python, TF2_CHILD, spec)
    pinned = " ".join(f"{k}={v}" for k, v in PINNED_ENV.items() if "THREAD" in k or "ONEDNN" in k)
    print(f"before: {before_runtime.label}\nafter:  {after_runtime.label}, Keras {after['keras']}")
    print(f"pinned: {pinned}; grappler {'off' if args.no_grappler else 'on'}\n")
    for case in cases:
        print(f"{case['id']}: {case['tf1']}\n    -> {case['optimizer']}")
        if case["schedule"]:
            print(f"    lr = {case['schedule']}\n    -> {case['keras_schedule']}")
    print(
        f"\n{args.steps} steps per run. Max abs/rel difference of: the variables after every step "
        f"with the same fed gradients ({FED_SIZE} values), the variables and the losses of a "
        "trained linear regression (minimize vs GradientTape), the learning rate at every "
        "step.\n"
    )
    failed = report(cases, before["results"], after["results"])
    print("\nrefused:")
    for source in REFUSED:
        print(f"  {source}\n    {refusal(source, args.keras)}")
    wrong = [
        f"  {name}: the table binds ({tf1_signature(name)}), TF has ({actual})"
        for name, actual in before["signatures"].items()
        if actual != tf1_signature(name)
    ]
    print(
        f"\nsignatures: {len(spec['signatures']) - len(wrong)} of {len(spec['signatures'])} "
        "bound as TF 1.15 declares them"
    )
    print("\n".join(wrong))
    print(f"{len(cases) - failed} of {len(cases)} claims hold")
    return 1 if failed or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
