"""Which module-level names of a program are values to compare, as numpy arrays."""

from __future__ import annotations

import difflib
import types
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import FixtureError

if TYPE_CHECKING:
    from .graph_values import GraphValues


class NotAValue(FixtureError):
    """A name that holds no value; ``reason`` says why in a few words, for the report."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def is_tensorflow_object(value: Any) -> bool:
    module = type(value).__module__ or ""
    return module.split(".")[0] in ("tensorflow", "tensorflow_core", "keras", "tf_keras")


def to_array(name: str, value: Any, graph: GraphValues) -> Any:
    """One module-level value as a numpy array, or NotAValue saying why not."""
    if isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, (bool, int, float, complex, str, bytes, np.generic)):
        array = np.asarray(value)
    elif isinstance(value, (list, tuple)):
        array = np.asarray([to_array(name, item, graph) for item in value])
    elif graph.holds(value):
        array = graph.value_of(name, value)
    elif is_tensorflow_object(value):
        array = _eager_value(name, value)
    else:
        kind = type(value).__name__
        raise NotAValue(
            f"output {name!r} is a {kind}, not a value (numpy array, number, list or tensor)",
            f"not a value ({kind})",
        )
    if array.dtype == object:
        raise NotAValue(
            f"output {name!r} is ragged or mixed and has no numeric array form", "ragged"
        )
    return array


def _eager_value(name: str, value: Any) -> Any:
    numpy_method = getattr(value, "numpy", None)
    kind = type(value).__name__
    if numpy_method is None:
        raise NotAValue(
            f"output {name!r} is a {kind}, not a value: give the name of a tensor, a variable or "
            "the numpy result of sess.run()",
            f"not a value ({kind})",
        )
    try:
        return np.asarray(numpy_method())
    except Exception as exc:
        raise NotAValue(
            f"output {name!r} could not be converted to numpy: {exc}", f"not a value ({kind})"
        ) from exc


def is_candidate(name: str, value: Any) -> bool:
    """Names the default comparison considers: not private, no functions, classes or modules."""
    return not (name.startswith("_") or callable(value) or isinstance(value, types.ModuleType))


def collect_outputs(
    module_globals: dict[str, Any],
    outputs: list[str] | None,
    loop_counters: list[str],
    graph: GraphValues,
    program: str,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The arrays to save, and the names left out with the reason for each.

    Named ``outputs`` must all be values. Without them every candidate name that holds a value is
    taken, except the loop counters (names only a module-level ``for`` binds).
    """
    arrays: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    if outputs is not None:
        for name in outputs:
            if name not in module_globals:
                raise FixtureError(_unknown_output(name, module_globals, graph, program))
            arrays[name] = to_array(name, module_globals[name], graph)
        return arrays, skipped
    for name, value in sorted(module_globals.items()):
        if not is_candidate(name, value):
            continue
        if name in loop_counters:
            skipped[name] = "loop counter"
            continue
        try:
            arrays[name] = to_array(name, value, graph)
        except NotAValue as exc:
            skipped[name] = exc.reason
        except (ValueError, TypeError):
            skipped[name] = "not a value (mixed shapes)"
    return arrays, skipped


def _unknown_output(
    name: str, module_globals: dict[str, Any], graph: GraphValues, program: str
) -> str:
    comparable = []
    for other, value in sorted(module_globals.items()):
        if not is_candidate(other, value):
            continue
        try:
            to_array(other, value, graph)
        except (FixtureError, ValueError, TypeError):
            continue
        comparable.append(other)
    names = [other for other, value in module_globals.items() if is_candidate(other, value)]
    close = difflib.get_close_matches(name, names)
    message = f"output {name!r} is not a module-level name of {program}"
    if close:
        message += f"; did you mean {' or '.join(close)}?"
    return message + f" Comparable names: {', '.join(comparable) or 'none'}"
