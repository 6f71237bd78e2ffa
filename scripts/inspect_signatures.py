"""Print the TF1 functions whose signature differs from the TF2 function of the same name.

Input for curating tf_migrate/rules/tables/arguments.json (a curated table: a person decides what
each difference means), and its check: with --check, every curated entry's `tf1_params` must equal
the TF1 signature, and every keyword the rewrite produces must be a parameter of the TF2 target.
Run with a TensorFlow 2 interpreter:

    ~/.cache/tf-migrate/runtimes/tf2/bin/python scripts/inspect_signatures.py \
        [--check [--tf1-python ~/.cache/tf-migrate/runtimes/tf1/bin/python]]
"""

from __future__ import annotations

import argparse
import inspect
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_renames import unwrapped, walk

ARGUMENTS = Path(__file__).resolve().parent.parent / "tf_migrate/rules/tables/arguments.json"


def params(function: Any) -> list[str] | None:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return None
    return [p.name for p in signature.parameters.values() if p.kind is not p.VAR_KEYWORD]


def resolve(tf: Any, dotted: str) -> Any:
    obj = tf
    for part in dotted.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


# Python 3.7-compatible: runs in a TF 1.15 interpreter; prints {name: parameters} for the names.
TF1_SIGNATURES = r"""
import json, sys, tensorflow as tf
from tensorflow.python.util import tf_inspect
out = {}
for name in json.loads(sys.argv[1]):
    obj = tf
    try:
        for part in name.split(".")[1:]:
            obj = getattr(obj, part)
    except AttributeError:
        continue
    spec = tf_inspect.getfullargspec(obj)
    out[name] = list(spec.args) + list(spec.kwonlyargs)
print(json.dumps(out))
"""
# TF 1.15 forced keywords with a leading `_sentinel` parameter; TF 2.21's compat.v1 dropped it.
SENTINEL = "_sentinel"


def tf1_check(python: str) -> list[str]:
    """The curated TF1 parameter order against genuine TF 1.15, where it has the name."""
    table = json.loads(ARGUMENTS.read_text("utf-8"))
    names = [name for entry in table["functions"] for name in entry["names"]]
    done = subprocess.run(
        [python, "-c", TF1_SIGNATURES, json.dumps(names)],
        capture_output=True,
        text=True,
        check=True,
    )
    actual = json.loads(done.stdout.strip().splitlines()[-1])
    errors = []
    for entry in table["functions"]:
        for name in entry["names"]:
            params = [p for p in actual.get(name, entry["tf1_params"]) if p != SENTINEL]
            if params != entry["tf1_params"]:
                errors.append(f"{name}: TF 1.15 has {params}")
    return errors


def differences(tf: Any) -> None:
    v1 = walk(tf.compat.v1, "tensorflow._api.v2.compat.v1")
    v2 = walk(tf, "tensorflow._api.v2")
    for path, obj in sorted(v1.items()):
        if path not in v2 or unwrapped(v2[path]) is unwrapped(obj) or isinstance(obj, type):
            continue
        old, new = params(obj), params(v2[path])
        if old is not None and new is not None and old != new:
            print(f"tf.{path}\n  v1 {old}\n  v2 {new}")


def check(tf: Any, tf1_python: str | None) -> int:
    """Every curated entry must describe TensorFlow as it is: TF1 and TF2 parameter lists, and
    every keyword the rewrite produces must be a TF2 parameter."""
    table = json.loads(ARGUMENTS.read_text("utf-8"))
    errors = []
    for entry in table["functions"]:
        for name in entry["names"]:
            actual = params(resolve(tf.compat.v1, name))
            if actual != entry["tf1_params"]:
                errors.append(f"{name}: tf1_params {entry['tf1_params']} != {actual}")
            target = entry.get("target", name)
            if params(resolve(tf, target)) != entry["tf2_params"]:
                errors.append(f"{target}: tf2_params {entry['tf2_params']}")
        produced = {entry.get("keywords", {}).get(p, p) for p in entry["tf1_params"]}
        produced -= set(entry.get("removed", {}))
        # TF1 aliases of a renamed parameter (conv2d's `filters` next to `filter`) map onto it.
        missing = sorted(p for p in produced if p not in entry["tf2_params"])
        if missing:
            errors.append(f"{entry['names'][0]}: TF2 lacks {missing}")
    if tf1_python:
        errors += tf1_check(tf1_python)
    print("\n".join(errors))
    print(
        f"{len(table['functions'])} entries checked against TensorFlow {tf.__version__}: "
        f"{len(errors)} problems"
    )
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true")
    parser.add_argument(
        "--tf1-python", help="with --check: also compare with a TF 1.15 interpreter"
    )
    args = parser.parse_args()
    import tensorflow as tf

    if args.check:
        return check(tf, args.tf1_python)
    differences(tf)
    return 0


if __name__ == "__main__":
    sys.exit(main())
