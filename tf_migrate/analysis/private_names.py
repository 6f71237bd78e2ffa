"""TensorFlow's private modules, named as the public TF1 API names the same objects.

`from tensorflow.python.framework import ops` then `ops.reset_default_graph()` calls
`tf.reset_default_graph`: private_names.json (generated from TF 1.15 by
scripts/generate_private_names.py) says where each public function and class is defined.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

PRIVATE_ROOT = "tensorflow.python."


@cache
def _paths() -> dict[str, str]:
    text = resources.files(__package__).joinpath("private_names.json").read_text("utf-8")
    paths: dict[str, str] = json.loads(text)["paths"]
    return paths


def public_name(qualified: str) -> str | None:
    """"tensorflow.python.framework.ops.Graph.as_default" -> "tf.Graph.as_default": the public
    TF1 name of a private path (or of what is under one); None where the table has none."""
    paths = _paths()
    candidate, rest = qualified, ""
    while candidate.startswith(PRIVATE_ROOT):
        public = paths.get(candidate)
        if public is not None:
            return public + rest
        candidate, dot, last = candidate.rpartition(".")
        rest = f"{dot}{last}{rest}"
    return None
