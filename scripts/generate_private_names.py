"""Generate tf_migrate/analysis/private_names.json: where TF 1.15 defines each public symbol.

Run it with any Python; it asks a genuine TF 1.15 interpreter:

    python scripts/generate_private_names.py \
        [--tf1-python ~/.cache/tf-migrate/runtimes/tf1/bin/python]

TF1 code often imports TensorFlow's private modules (`from tensorflow.python.framework import ops`,
then `ops.reset_default_graph()`). Every public TF1 function and class is defined in one of them:
its `__module__` and `__qualname__` (behind TensorFlow's decorators) give the private path, which
names the very same object as the public one. The table maps each private path to the public TF1
name; where several public names reach the object, the shortest (the top-level one users write).
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
from pathlib import Path

from tf1_api_walk import tf1_api_listing

TABLE = Path(__file__).resolve().parent.parent / "tf_migrate" / "analysis" / "private_names.json"
DEFAULT_TF1 = Path.home() / ".cache" / "tf-migrate" / "runtimes" / "tf1" / "bin" / "python"

# Runs inside TF 1.15 and prints {private path: [public names]}.
LISTING = tf1_api_listing("""\
        module_name = getattr(raw, "__module__", None)
        qualname = getattr(raw, "__qualname__", None)
        if isinstance(module_name, str) and isinstance(qualname, str) and (
                module_name.startswith("tensorflow.python.")):
            out.setdefault(module_name + "." + qualname, []).append("tf." + path)""", "paths")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tf1-python", type=Path, default=DEFAULT_TF1)
    args = parser.parse_args()
    listing = json.loads(subprocess.run(
        [str(args.tf1_python), "-c", LISTING], capture_output=True, text=True, check=True
    ).stdout)
    paths = {
        private: min(names, key=lambda name: (name.count("."), name))
        for private, names in sorted(listing["paths"].items())
    }
    table = {
        "generated_by": "scripts/generate_private_names.py",
        "tensorflow": listing["version"],
        "date": datetime.date.today().isoformat(),
        "paths": paths,
    }
    TABLE.write_text(json.dumps(table, indent=1, sort_keys=False) + "\n", "utf-8")
    print(f"{len(paths)} private paths of TF {listing['version']} written to {TABLE}")


if __name__ == "__main__":
    main()
