"""Where a draw comes from, read from the frames that called the op: its parameters, the API that
drew, and the program line.

The parameters are the API function's own arguments (``random_normal``'s mean and stddev,
``random_uniform``'s minval and maxval): the op itself only draws the standard values they
scale. A dropout's rate is returned too when it is a graph tensor (TF1's keep_prob fed), so
that a run where it is 0 draws no mask.
"""

from __future__ import annotations

import importlib
from types import FrameType
from typing import Any

import numpy as np

from .sites import site

API_PARAMETERS = {
    "random_normal": ("mean", "stddev"),
    "truncated_normal": ("mean", "stddev"),
    "random_uniform": ("minval", "maxval"),
    "stateless_random_normal": ("mean", "stddev"),
    "stateless_truncated_normal": ("mean", "stddev"),
    "stateless_random_uniform": ("minval", "maxval"),
    "normal": ("mean", "stddev"),  # tf.random.Generator's methods
    "uniform": ("minval", "maxval"),
    "multinomial": ("num_samples",),
    "categorical": ("num_samples",),
    "stateless_categorical": ("num_samples",),
    "random_shuffle": (),
    "stateless_shuffle": (),
}
DROPOUT_FRAMES = ("dropout", "dropout_v2", "_dropout", "stateless_dropout")
FRAMES_SEARCHED = 16


def describe_draw(frame: FrameType | None) -> tuple[dict[str, Any], Any]:
    """The draw's parameters, the API that drew and the program line; and, for a dropout whose
    rate is only known when the graph runs (keep_prob fed), that rate tensor."""
    params: dict[str, float] = {}
    api = via = ""
    rate = None
    where = site(frame)
    current = frame
    for _ in range(FRAMES_SEARCHED):
        if current is None:
            break
        name = current.f_code.co_name
        in_library = "tensorflow" in current.f_code.co_filename or "keras" in (
            current.f_code.co_filename
        )
        if in_library and not api and name in API_PARAMETERS:
            api = name
            for parameter in API_PARAMETERS[name]:
                number = constant(current.f_locals.get(parameter))
                if number is not None:
                    params[parameter] = number
        if in_library and not via and name in DROPOUT_FRAMES:
            via = "dropout"
            local_rate = current.f_locals.get("rate")
            if is_graph_tensor(local_rate):
                rate = local_rate
        elif in_library and not via and name == "__call__" and "self" in current.f_locals:
            owner = type(current.f_locals["self"])
            if "init" in (owner.__module__ or ""):
                via = owner.__name__  # an initializer: GlorotUniform, TruncatedNormal...
        current = current.f_back
    return {"params": params, "via": via or api, "site": where}, rate


def is_graph_tensor(value: Any) -> bool:
    return (
        type(value).__name__ != "EagerTensor" and hasattr(value, "op") and hasattr(value, "graph")
    )


def constant(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, np.number)):
        return float(value)
    try:
        if hasattr(value, "numpy") and not is_graph_tensor(value):
            array = np.asarray(value.numpy())
        else:
            tensor_util = importlib.import_module("tensorflow.python.framework.tensor_util")
            array = tensor_util.constant_value(value)
    except Exception:
        return None
    if array is None or np.size(array) != 1:
        return None
    return float(np.asarray(array).reshape(-1)[0])
