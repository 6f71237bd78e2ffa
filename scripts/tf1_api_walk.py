"""The walk over TF 1.15's public API that the table generators run inside the TF1 runtime
(as `python -c`): every public symbol, reached by its `tf.` path, with its undecorated object."""

from __future__ import annotations

# Python 3.7-compatible. `record` is code run for each symbol with `path` (its public path
# without `tf.`) and `raw` (the undecorated object) bound; it fills the dict `out`, which is
# printed as JSON under `key` with TF's version.
_WALK = r"""
import json, types, tensorflow as tf
from tensorflow.python.util import tf_decorator
out = {{}}
def walk(module, prefix, seen):
    for name in sorted(dir(module)):
        if name.startswith("_") or (prefix == "" and name in ("compat", "contrib", "keras")):
            continue
        try:
            obj = getattr(module, name)
        except Exception:
            continue
        path = prefix + name
        if isinstance(obj, types.ModuleType):
            api = getattr(obj, "__name__", "").startswith("tensorflow._api.v1")
            if api and id(obj) not in seen:
                seen.add(id(obj))
                walk(obj, path + ".", seen)
            continue
        _, raw = tf_decorator.unwrap(obj)
{record}
walk(tf, "", set())
print(json.dumps({{"version": tf.__version__, "{key}": out}}))
"""


def tf1_api_listing(record: str, key: str) -> str:
    """The listing program; `record` is indented as the walk's loop body (8 spaces)."""
    return _WALK.format(record=record, key=key)
