"""Generate tf_migrate/rules/tables/renames.json from TensorFlow's own API metadata.

Run it with a TensorFlow 2 interpreter (not the project's: the package never imports TensorFlow):

    ~/.cache/tf-migrate/runtimes/tf2/bin/python scripts/generate_renames.py \
        [--tf1-python ~/.cache/tf-migrate/runtimes/tf1/bin/python]

The TF1 API is TF2's `tf.compat.v1` namespace. Every public function and class there carries
`tf_export` metadata: `_tf_api_names` (its TF2 names) and `_tf_api_names_v1` (its TF1 names). A TF1
name `tf.X` becomes `tf.Y` when
  - `tf.X` does not exist in the TF2 namespace at all (a name that TF2 still has, as the same object
    or a different one, is left to the curated argument rules: renaming it would also rewrite TF2
    code that is already correct),
  - the object's `_tf_api_names` lists `Y`, and `tf.Y` in the TF2 namespace is that very object
    (checked here, so every target exists in this TensorFlow),
  - `Y` is not under `compat.`.
Among several TF2 names the canonical one wins: TensorFlow's own choice
(`tf_export.get_canonical_name`: the first non-deprecated name, the one its API docs use).

With --tf1-python, a genuine TF 1.15 interpreter lists its own `tf` namespace and the TF2 names its
metadata gives; the header records how many renames TF 1.15 agrees with, and names TF 1.15 never had
are listed (they are TF1 API names of later releases, still spelled `tf.compat.v1.X` by users).
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

from tf1_api_walk import tf1_api_listing

TABLE = Path(__file__).resolve().parent.parent / "tf_migrate" / "rules" / "tables" / "renames.json"

# Runs inside the TF 1.15 interpreter and prints {v1 name: [v2 names]}.
TF1_LISTING = tf1_api_listing("""\
        names = getattr(raw, "__dict__", {}).get("_tf_api_names", ())
        out[path] = list(names)""", "names")

# Namespaces not walked: compat (nested copies of the API), keras (Keras 3 in TF 2.21, not part of
# TensorFlow's tf_export metadata), and lazily loaded modules outside TensorFlow's generated API.
SKIP_TOP = {"compat", "keras"}


def walk(module: types.ModuleType, api_prefix: str, prefix: str = "") -> dict[str, Any]:
    """Public path -> object, for the generated API modules under `api_prefix`."""
    found: dict[str, Any] = {}
    seen: set[int] = set()

    def visit(mod: types.ModuleType, path_prefix: str) -> None:
        for name in sorted(dir(mod)):
            if name.startswith("_") or (path_prefix == prefix and name in SKIP_TOP):
                continue
            try:
                obj = getattr(mod, name)
            except Exception:
                continue
            path = path_prefix + name
            if isinstance(obj, types.ModuleType):
                if getattr(obj, "__name__", "").startswith(api_prefix) and id(obj) not in seen:
                    seen.add(id(obj))
                    visit(obj, path + ".")
                continue
            found[path] = obj

    visit(module, prefix)
    return found


def tf2_names(obj: Any) -> tuple[list[str], list[str]]:
    """The object's TF2 API names and its deprecated names, from its tf_export metadata."""
    from tensorflow.python.util import tf_decorator

    _, raw = tf_decorator.unwrap(obj)
    attrs = getattr(raw, "__dict__", {})
    return list(attrs.get("_tf_api_names", ())), list(attrs.get("_tf_deprecated_api_names", ()))


def unwrapped(obj: Any) -> Any:
    """The function or class under TensorFlow's decorators (dispatch, deprecation warnings, weak
    tensor promotion): TF2 wraps some functions once more than the TF1 namespace does."""
    from tensorflow.python.util import tf_decorator

    return tf_decorator.unwrap(obj)[1]


def compute(tf: Any) -> tuple[dict[str, str], list[str], dict[str, Any]]:
    from tensorflow.python.util import tf_export

    v1 = walk(tf.compat.v1, "tensorflow._api.v2.compat.v1")
    v2 = walk(tf, "tensorflow._api.v2")
    renames: dict[str, str] = {}
    stats = {"tf1_symbols": len(v1), "tf2_symbols": len(v2), "unchanged": 0, "tf1_only": 0}
    changed_meaning: list[str] = []
    tf1_only: list[str] = []
    for path, obj in sorted(v1.items()):
        if not callable(obj):  # constants (dtypes, newaxis) keep their names
            if path not in v2:
                tf1_only.append("tf." + path)
            continue
        raw = unwrapped(obj)
        if path in v2:
            if unwrapped(v2[path]) is raw:
                stats["unchanged"] += 1
            else:
                changed_meaning.append("tf." + path)
            continue
        names, deprecated = tf2_names(obj)
        verified = [
            n for n in names if not n.startswith("compat.") and n in v2 and unwrapped(v2[n]) is raw
        ]
        if not verified:
            stats["tf1_only"] += 1
            tf1_only.append("tf." + path)
            continue
        canonical = tf_export.get_canonical_name(verified, deprecated) or verified[0]
        renames["tf." + path] = "tf." + canonical
    stats["same_name_different_object"] = len(changed_meaning)
    # Under `import tensorflow.compat.v1 as tf` the renamed code still reads tf.<target> from the
    # v1 namespace: record the targets that namespace lacks.
    missing_in_v1 = sorted(t for t in set(renames.values()) if t[3:] not in v1)
    return renames, tf1_only, {
        "stats": stats,
        "same_name_different_object": changed_meaning,
        "targets_missing_in_compat_v1": missing_in_v1,
    }


def resolves(module: Any, dotted: str) -> bool:
    obj = module
    for part in dotted.split("."):
        try:
            obj = getattr(obj, part)
        except Exception:
            return False
    return True


def tf1_crosscheck(python: str, renames: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run([python, "-c", TF1_LISTING], capture_output=True, text=True, check=True)
    listing = json.loads(done.stdout.strip().splitlines()[-1])
    names: dict[str, list[str]] = listing["names"]
    absent = sorted(old for old in renames if old[3:] not in names)
    agree = sum(1 for old, new in renames.items() if new[3:] in names.get(old[3:], []))
    return {
        "tensorflow": listing["version"],
        "renames_tf1_agrees_with": agree,
        "tf1_names_not_in_tf1_15": absent,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--tf1-python", help="a TF 1.15 interpreter to cross-check against")
    parser.add_argument("--output", type=Path, default=TABLE)
    args = parser.parse_args(argv)

    import tensorflow as tf

    renames, tf1_only, notes = compute(tf)
    # The walk sees only generated API modules; a name TF2 still reaches through a lazily
    # loaded module (tf.experimental.ExtensionType) is not TF1-only.
    tf1_only = [name for name in tf1_only if not resolves(tf, name[3:])]
    header: dict[str, Any] = {
        "generator": "scripts/generate_renames.py",
        "tensorflow": tf.__version__,
        "python": sys.version.split()[0],
        "date": datetime.date.today().isoformat(),
        "count": len(renames),
        **notes,
    }
    if args.tf1_python:
        header["tf1_crosscheck"] = tf1_crosscheck(args.tf1_python, renames)
    # TF1 names with no TF2 name at all: reported (TFM407) unless another rule handles them.
    data = {"header": header, "renames": dict(sorted(renames.items())), "tf1_only": tf1_only}
    args.output.write_text(json.dumps(data, indent=1, sort_keys=False) + "\n", "utf-8")
    print(f"{len(renames)} renames from TensorFlow {tf.__version__} -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
