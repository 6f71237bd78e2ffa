"""Re-measure the TF1/TF2 differences the session rewrite relies on for control flow and tf.data
(programs/analyze/control_flow.py, programs/analyze/iterators.py): each fact runs on TF 1.15
(graph and session) and on TF 2.x (eagerly and in a tf.function), in child processes under the
verify harness's pinned environment. Prints every value and whether each claim holds; exit 1 when
one fails.

    python scripts/check_control_flow_data.py [--before-python P] [--after-python P]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tf_migrate.verify.runner import PINNED_ENV
from tf_migrate.verify.runtimes import select

_COMMON = """
import json, numpy as np, tensorflow as tf
out = {}
def value(t):
    return json.loads(json.dumps(t, default=lambda a: np.asarray(a).tolist()))
data = np.arange(10, dtype=np.float32)
def pipeline(kind):
    ds = tf.data.Dataset.from_tensor_slices(data)
    if kind == "shuffle_batch_repeat":
        return ds.shuffle(10, seed=3).batch(4).repeat(2)
    return ds.shuffle(10, seed=3).repeat(2).batch(4)
"""

BEFORE = _COMMON + """
x = tf.placeholder(tf.float32, [])
graph = {
    "while_one_var": tf.while_loop(lambda i: i < 10, lambda i: i + x, [tf.constant(0.0)]),
    "while_name_positional": tf.while_loop(lambda i: i < 100, lambda i: i + 1.0,
                                           [tf.constant(0.0)], None, 10, True, False, "n"),
    "cond_singleton": tf.cond(x > 0, lambda: [x * 2], lambda: [-x]),
    "cond_nested_singleton": tf.cond(x > 0, lambda: [[x]], lambda: [[-x]]),
    "cond_fn1_fn2": tf.cond(x > 0, fn1=lambda: x * 3, fn2=lambda: -x),
}
graph["gradient_through_control_flow"] = tf.gradients(
    graph["while_one_var"] + graph["cond_singleton"], x)
ds = tf.data.Dataset.from_tensor_slices(data).shuffle(10, seed=3).batch(4)
it = ds.make_initializable_iterator()
element = it.get_next()
shuffled = {k: pipeline(k).make_one_shot_iterator().get_next()
            for k in ("shuffle_batch_repeat", "shuffle_repeat_batch")}
def drain(sess, t):
    got = []
    while True:
        try:
            got.append(sess.run(t).tolist())
        except tf.errors.OutOfRangeError:
            return got
with tf.Session() as sess:
    for name, t in graph.items():
        out[name] = {"type": type(t).__name__, "value": value(sess.run(t, {x: 3.0}))}
    epochs = []
    for _ in range(2):
        sess.run(it.initializer)
        epochs.append(drain(sess, element))
    out["reinitialized"] = epochs
    for name, t in shuffled.items():
        out[name] = drain(sess, t)
print(json.dumps(out))
"""

AFTER = _COMMON + """
def build(x):
    return {
        "while_one_var": tf.while_loop(lambda i: i < 10, lambda i: i + x, [tf.constant(0.0)]),
        "cond_singleton": tf.cond(x > 0, lambda: [x * 2], lambda: [-x]),
        "cond_nested_singleton": tf.cond(x > 0, lambda: [[x]], lambda: [[-x]]),
    }
traced = tf.function(build)(tf.constant(3.0))
for name, t in traced.items():
    out[name] = {"type": type(t).__name__, "value": value(tf.nest.map_structure(
        lambda a: a.numpy(), t))}
def fails(call):
    try:
        call()
    except Exception as exc:
        return type(exc).__name__
    return None
out["eager_while_bare_body"] = fails(lambda: tf.while_loop(
    lambda i: i < 10, lambda i: i + 1.0, [tf.constant(0.0)]))
out["eager_gradients"] = fails(lambda: tf.gradients(tf.constant(1.0), tf.constant(1.0)))
out["fn1_keyword"] = fails(lambda: tf.cond(True, fn1=lambda: 1, fn2=lambda: 2))
@tf.function
def gradient(x):
    y = tf.while_loop(lambda i: i < 10, lambda i: i + x, [tf.constant(0.0)])[0]
    z = tf.cond(x > 0, lambda: [x * 2], lambda: [-x])[0]
    return tf.gradients(y + z, x)
out["gradient_through_control_flow"] = {"value": value(
    [g.numpy() for g in gradient(tf.constant(3.0))])}
def drain(next_element):
    got = []
    while True:
        try:
            got.append(next_element().numpy().tolist())
        except tf.errors.OutOfRangeError:
            return got
ds = tf.data.Dataset.from_tensor_slices(data).shuffle(10, seed=3).batch(4)
out["iter_again"] = [drain(iter(ds).get_next) for _ in range(2)]
out["built_anew"] = [drain(iter(tf.data.Dataset.from_tensor_slices(data).shuffle(
    10, seed=3).batch(4)).get_next) for _ in range(2)]
for kind in ("shuffle_batch_repeat", "shuffle_repeat_batch"):
    iterator = iter(pipeline(kind))
    out[kind] = drain(tf.function(lambda: iterator.get_next()))
captured = iter(ds)
@tf.function
def next_captured():
    return captured.get_next()
drain(next_captured)
captured = iter(ds)
out["rebound_capture"] = drain(next_captured)
out["get_next_name"] = fails(lambda: iter(ds).get_next(name="x"))
out["end_in_function"] = fails(next_captured)
print(json.dumps(out))
"""

Claim = tuple[str, Callable[[dict[str, Any], dict[str, Any]], bool]]
CLAIMS: list[Claim] = [
    ("v1 while_loop returns the lone loop variable, v2 a list: [0] gives v1's value",
     lambda b, a: b["while_one_var"]["type"] == "Tensor"
     and a["while_one_var"]["type"] == "list"
     and a["while_one_var"]["value"][0] == b["while_one_var"]["value"]),
    ("v1 while_loop takes name before maximum_iterations (100 iterations, named 'n')",
     lambda b, a: b["while_name_positional"]["value"] == 100.0),
    ("v1 cond unpacks one-element lists (twice at most), v2 keeps them",
     lambda b, a: b["cond_singleton"]["type"] == "Tensor"
     and a["cond_singleton"]["value"] == [b["cond_singleton"]["value"]]
     and b["cond_nested_singleton"]["type"] == "Tensor"
     and a["cond_nested_singleton"]["value"] == [[b["cond_nested_singleton"]["value"]]]),
    ("v1 cond takes fn1/fn2, v2 does not", lambda b, a: b["cond_fn1_fn2"]["value"] == 9.0
     and a["fn1_keyword"] == "TypeError"),
    ("eagerly, v2 rejects a bare-tensor body for a one-element list and tf.gradients",
     lambda b, a: a["eager_while_bare_body"] == "TypeError"
     and a["eager_gradients"] == "RuntimeError"),
    ("tf.gradients through while_loop and cond in a tf.function equals TF1",
     lambda b, a: a["gradient_through_control_flow"]["value"]
     == b["gradient_through_control_flow"]["value"]),
    ("a seeded shuffle, then batch and repeat: the same order",
     lambda b, a: a["shuffle_batch_repeat"] == b["shuffle_batch_repeat"]),
    ("shuffle directly followed by repeat: another order in TF 1.15",
     lambda b, a: a["shuffle_repeat_batch"] != b["shuffle_repeat_batch"]),
    ("TF1 re-initialization restarts the shuffle; iter() of one Dataset continues it; a "
     "Dataset built anew restarts it",
     lambda b, a: b["reinitialized"][0] == b["reinitialized"][1]
     and a["iter_again"][0] == b["reinitialized"][0] != a["iter_again"][1]
     and a["built_anew"] == b["reinitialized"]),
    ("a tf.function keeps the iterator it captured when the global is rebound",
     lambda b, a: a["rebound_capture"] == []),
    ("OwnedIterator.get_next() takes no name=", lambda b, a: a["get_next_name"] == "TypeError"),
    ("an exhausted iterator raises tf.errors.OutOfRangeError inside a tf.function too",
     lambda b, a: a["end_in_function"] == "OutOfRangeError"),
]


def run(python: Path, source: str) -> dict[str, Any]:
    env = dict(os.environ)
    env.update(PINNED_ENV)
    done = subprocess.run([str(python), "-s", "-c", source], capture_output=True, text=True,
                          env=env, check=False, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"{python} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--before-python", help="a TF 1.15 interpreter (default: provisioned)")
    parser.add_argument("--after-python", help="a TF 2.x interpreter (default: provisioned)")
    args = parser.parse_args()
    before_runtime = select("before", args.before_python, Path.cwd())
    after_runtime = select("after", args.after_python, Path.cwd())
    print(f"before: {before_runtime.label}\nafter:  {after_runtime.label}\n")
    before = run(before_runtime.python, BEFORE)
    after = run(after_runtime.python, AFTER)
    for name in sorted(set(before) | set(after)):
        print(f"{name}:\n  TF1 {before.get(name, '-')}\n  TF2 {after.get(name, '-')}")
    failed = 0
    print()
    for text, holds in CLAIMS:
        ok = holds(before, after)
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {text}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
