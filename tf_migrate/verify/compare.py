"""Compare the outputs of the before and after runs with numpy ``assert_allclose`` semantics.

An element passes when ``|after - before| <= atol + rtol * |before|``; NaN on both sides at the
same place is equal, NaN on one side only is a failure, infinities must match exactly. Values
whose dtype families differ (e.g. an int that became a float) fail: that is a real change in what
the program computes.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

NPZ_PREFIX = "out_"


@dataclass(frozen=True)
class OutputComparison:
    name: str
    passed: bool
    before_shape: tuple[int, ...]
    after_shape: tuple[int, ...]
    before_dtype: str
    after_dtype: str
    family: str
    max_abs_err: float | None
    max_rel_err: float | None
    mismatched: int
    total: int
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "passed": self.passed,
            "before_shape": list(self.before_shape),
            "after_shape": list(self.after_shape),
            "before_dtype": self.before_dtype,
            "after_dtype": self.after_dtype,
            "family": self.family,
            "max_abs_err": _json_float(self.max_abs_err),
            "max_rel_err": _json_float(self.max_rel_err),
            "mismatched": self.mismatched,
            "total": self.total,
            "detail": self.detail,
        }


def _json_float(value: float | None) -> float | str | None:
    if value is None or math.isfinite(value):
        return value
    return str(value)  # JSON has no inf/nan


def load_outputs(path: Path) -> dict[str, npt.NDArray[Any]]:
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            return {key[len(NPZ_PREFIX) :]: data[key] for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise ValueError(f"cannot read outputs {path}: {exc}") from exc


def family(array: npt.NDArray[Any]) -> str:
    kind = array.dtype.kind
    return {
        "b": "bool",
        "i": "int",
        "u": "int",
        "f": "float",
        "c": "complex",
        "U": "str",
        "S": "str",
    }.get(kind, kind)


def compare(
    name: str, before: npt.NDArray[Any], after: npt.NDArray[Any], rtol: float, atol: float
) -> OutputComparison:
    fam_before, fam_after = family(before), family(after)

    def result(
        passed: bool,
        detail: str,
        abs_err: float | None = None,
        rel_err: float | None = None,
        mismatched: int = 0,
    ) -> OutputComparison:
        return OutputComparison(
            name=name,
            passed=passed,
            before_shape=tuple(before.shape),
            after_shape=tuple(after.shape),
            before_dtype=str(before.dtype),
            after_dtype=str(after.dtype),
            family=fam_before if fam_before == fam_after else f"{fam_before}->{fam_after}",
            max_abs_err=abs_err,
            max_rel_err=rel_err,
            mismatched=mismatched,
            total=int(before.size),
            detail=detail,
        )

    if before.shape != after.shape:
        return result(False, f"shape {before.shape} before, {after.shape} after")
    if fam_before != fam_after:
        return result(False, f"dtype {before.dtype} before, {after.dtype} after")
    if fam_before == "str":
        unequal = int((before != after).sum())
        detail = f"{unequal} strings differ" if unequal else ""
        return result(unequal == 0, detail, None, None, unequal)
    if fam_before == "bool":
        before, after = before.astype("int8"), after.astype("int8")
    return _numeric(before, after, rtol, atol, result)


def _numeric(
    before: Any,
    after: Any,
    rtol: float,
    atol: float,
    result: Callable[..., OutputComparison],
) -> OutputComparison:
    import numpy as np

    b = before.astype(np.complex128 if before.dtype.kind == "c" else np.float64)
    a = after.astype(b.dtype)
    nan_b, nan_a = np.isnan(b), np.isnan(a)
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        diff = np.abs(a - b)
        both_nan = nan_b & nan_a
        same_inf = np.isinf(b) & (a == b)
        diff = np.where(both_nan | same_inf, 0.0, diff)
        diff = np.where(nan_b ^ nan_a, np.inf, diff)
        bad = ~(diff <= atol + rtol * np.abs(np.where(both_nan, 0.0, b)))
        # An infinite tolerance (rtol * inf) must not excuse an infinity that changed.
        bad |= (np.isinf(a) | np.isinf(b)) & ~same_inf
        rel = np.where(diff == 0, 0.0, diff / np.abs(b))
    mismatched = int(bad.sum())
    abs_err = float(diff.max()) if diff.size else 0.0
    rel_err = float(np.nan_to_num(rel, nan=np.inf).max()) if rel.size else 0.0
    detail = ""
    if mismatched:
        one_sided = int((nan_b ^ nan_a).sum())
        detail = f"{mismatched} of {b.size} elements differ"
        if one_sided:
            detail += f" ({one_sided} NaN on one side only)"
        first = np.unravel_index(int(np.argmax(bad)), bad.shape) if bad.ndim else ()
        where = tuple(int(i) for i in first)
        detail += f"; first at {where}: before {b[first]}, after {a[first]}"
    return result(mismatched == 0, detail, abs_err, rel_err, mismatched)


def compare_all(
    before: dict[str, np.ndarray[Any, Any]],
    after: dict[str, np.ndarray[Any, Any]],
    names: tuple[str, ...] | None,
    rtol: float,
    atol: float,
) -> tuple[list[OutputComparison], list[str], list[str]]:
    """Comparisons for ``names`` (or the names on both sides), and the names on one side only."""
    only_before = sorted(set(before) - set(after))
    only_after = sorted(set(after) - set(before))
    chosen = names if names is not None else tuple(sorted(set(before) & set(after)))
    comparisons = [
        compare(name, before[name], after[name], rtol, atol)
        for name in chosen
        if name in before and name in after
    ]
    return comparisons, only_before, only_after
