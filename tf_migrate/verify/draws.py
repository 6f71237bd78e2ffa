"""Compare the random draws both runs made from the shared stream, position by position.

Each run records, for every position of the stream, what drew there: the kind of draw (uniform,
normal, truncated normal, integers, shuffle, categorical), its dtype and shape, the parameters
the API was called with (mean and stddev, minval and maxval, number of samples), the API that
drew (dropout, an initializer's class) and the program line. Where both runs drew the same kind,
dtype and shape, the draws are aligned — the two programs got the same numbers there. The first
position where they differ is where the call order differs: from there on the runs drew
different numbers for what may be the same ops, and outputs that differ are not comparable
rather than wrong. Parameters that differ at an aligned position (stddev 0.05 after, 1.0 before)
are a real difference: a wrong initializer.

Recurrent cells are the one place where the two programs draw the same numbers in other shapes.
A TF1 LSTM or RNN cell draws one kernel for [input, state]; the Keras cell that replaces it draws
its kernel and recurrent kernel as the two row ranges of that one draw (child/stream.py), so the
record shows one draw on each side. A TF1 GRUCell draws two kernels over [input, state] (gates,
candidate) where the Keras GRU cell draws kernel and recurrent kernel: two positions on each side,
the same count of numbers, split by columns before and by rows after. Those two positions are
aligned as such (later draws are at the same positions on both sides); their parameters are not
compared, as no after draw holds the numbers of one before draw, and the cell's variables are
matched, checked by distribution and injected instead (align.py).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NO_DRAW = -1  # a position reserved for an op that did not draw (stream.py)
PARAMETER_RTOL = 1e-6


@dataclass(frozen=True)
class Draw:
    kind: str
    dtype: str
    shape: tuple[int, ...]
    params: tuple[tuple[str, float], ...]
    via: str
    site: str
    rows: tuple[int, ...] = ()  # a recurrent cell's kernel and recurrent kernel in one draw

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Draw:
        return cls(
            kind=str(data["kind"]),
            dtype=str(data["dtype"]),
            shape=tuple(int(size) for size in data["shape"]),
            params=tuple(sorted((str(k), float(v)) for k, v in data.get("params", {}).items())),
            via=str(data.get("via", "")),
            site=str(data.get("site", "?")),
            rows=tuple(int(rows) for rows in data.get("rows", ())),
        )

    @property
    def what(self) -> tuple[str, str, tuple[int, ...]]:
        return self.kind, self.dtype, self.shape

    def label(self) -> str:
        params = ", ".join(f"{name} {value:g}" for name, value in self.params)
        via = f"{self.via}: " if self.via and self.via != self.kind else ""
        rows = f" in rows {' + '.join(map(str, self.rows))}" if self.rows else ""
        return (
            f"{via}{self.kind} {self.dtype}{list(self.shape)}{rows}"
            f"{f' ({params})' if params else ''} at {self.site}"
        )


@dataclass(frozen=True)
class AlignedOp:
    before: str
    after: str
    draws: int

    def to_dict(self) -> dict[str, Any]:
        return {"before": self.before, "after": self.after, "draws": self.draws}


@dataclass
class DrawAlignment:
    before_draws: int
    after_draws: int
    aligned_draws: int = 0
    ops: list[AlignedOp] = field(default_factory=list)
    order_differs: str = ""  # where and how the call order differs, or ""
    parameters_differ: list[str] = field(default_factory=list)
    not_aligned: list[str] = field(default_factory=list)  # random ops left to TensorFlow
    skipped_dropouts: tuple[int, int] = (0, 0)
    seeded_shuffles: tuple[int, int] = (0, 0)  # Dataset.shuffle calls given a seed
    regrouped: list[str] = field(default_factory=list)  # recurrent kernels in other shapes

    def to_dict(self) -> dict[str, Any]:
        return {
            "before_draws": self.before_draws,
            "after_draws": self.after_draws,
            "aligned_draws": self.aligned_draws,
            "ops": [op.to_dict() for op in self.ops],
            "order_differs": self.order_differs,
            "parameters_differ": self.parameters_differ,
            "not_aligned": self.not_aligned,
            "skipped_dropouts": list(self.skipped_dropouts),
            "seeded_shuffles": list(self.seeded_shuffles),
            "regrouped": self.regrouped,
        }


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def compare(before: dict[str, Any], after: dict[str, Any]) -> DrawAlignment:
    """Align the two records position by position, up to the first difference."""
    signatures_b = [Draw.from_dict(entry) for entry in before["signatures"]]
    signatures_a = [Draw.from_dict(entry) for entry in after["signatures"]]
    sequence_b, sequence_a = before["sequence"], after["sequence"]
    result = DrawAlignment(
        before_draws=sum(1 for entry in sequence_b if entry != NO_DRAW),
        after_draws=sum(1 for entry in sequence_a if entry != NO_DRAW),
        not_aligned=[f"before: {note}" for note in before.get("unaligned", [])]
        + [f"after: {note}" for note in after.get("unaligned", [])],
        skipped_dropouts=(
            int(before.get("skipped_dropouts", 0)),
            int(after.get("skipped_dropouts", 0)),
        ),
        seeded_shuffles=(
            int(before.get("seeded_shuffles", 0)),
            int(after.get("seeded_shuffles", 0)),
        ),
    )
    counts: dict[tuple[int, int], int] = {}
    compared: set[tuple[int, int]] = set()
    position, end = 0, max(len(sequence_b), len(sequence_a))
    while position < end:
        draw_b = _drawn(sequence_b, signatures_b, position)
        draw_a = _drawn(sequence_a, signatures_a, position)
        if draw_b is None and draw_a is None:
            position += 1
            continue
        if draw_b is None or draw_a is None or draw_b.what != draw_a.what:
            pair_b = (draw_b, _drawn(sequence_b, signatures_b, position + 1))
            pair_a = (draw_a, _drawn(sequence_a, signatures_a, position + 1))
            if cell_kernels_regrouped(pair_b, pair_a):
                result.aligned_draws += 2
                result.regrouped.append(_regrouped(pair_b, pair_a))
                position += 2
                continue
            result.order_differs = _order_differs(position, result.aligned_draws, draw_b, draw_a)
            break
        id_b, id_a = sequence_b[position], sequence_a[position]
        position += 1
        result.aligned_draws += 1
        counts[(id_b, id_a)] = counts.get((id_b, id_a), 0) + 1
        if (id_b, id_a) not in compared:
            compared.add((id_b, id_a))
            result.parameters_differ += _parameters_differ(draw_b, draw_a)
    result.ops = [
        AlignedOp(signatures_b[id_b].label(), signatures_a[id_a].label(), count)
        for (id_b, id_a), count in counts.items()
    ]
    return result


def _drawn(sequence: list[int], signatures: list[Draw], position: int) -> Draw | None:
    draw_id = sequence[position] if position < len(sequence) else NO_DRAW
    return signatures[draw_id] if draw_id != NO_DRAW else None


def cell_kernels_regrouped(
    before: tuple[Draw | None, Draw | None], after: tuple[Draw | None, Draw | None]
) -> bool:
    """Whether two draws on each side are a TF1 GRUCell's gates and candidate kernels,
    [in + u, 2u] and [in + u, u], and the Keras GRU cell's kernel and recurrent kernel,
    [in, 3u] and [u, 3u]: the same kind of draw, split by columns before and by rows after."""
    draws = [*before, *after]
    if any(draw is None or len(draw.shape) != 2 for draw in draws):
        return False
    first_b, second_b, first_a, second_a = (draw.shape for draw in draws if draw is not None)
    kinds = {(draw.kind, draw.dtype) for draw in draws if draw is not None}
    return (
        len(kinds) == 1
        and first_b[0] == second_b[0] == first_a[0] + second_a[0]
        and first_a[1] == second_a[1] == first_b[1] + second_b[1]
        and min(first_a[0], second_a[0], first_b[1], second_b[1]) > 0
    )


def _regrouped(
    before: tuple[Draw | None, Draw | None], after: tuple[Draw | None, Draw | None]
) -> str:
    def shapes(pair: tuple[Draw | None, Draw | None]) -> str:
        return " + ".join(str(list(draw.shape)) for draw in pair if draw is not None)

    site_b, site_a = (pair[0].site if pair[0] is not None else "?" for pair in (before, after))
    return (
        f"a recurrent cell's kernels, split by columns before and by rows after: before drew "
        f"{shapes(before)} at {site_b}, after {shapes(after)} at {site_a}; their parameters "
        "are not compared, the cell's variables are"
    )


def _order_differs(position: int, aligned: int, before: Draw | None, after: Draw | None) -> str:
    def drew(draw: Draw | None) -> str:
        return draw.label() if draw is not None else "nothing"

    return (
        f"the call order differs at draw {position + 1} (after {aligned} aligned): before drew "
        f"{drew(before)}, after drew {drew(after)}"
    )


def _parameters_differ(before: Draw, after: Draw) -> list[str]:
    params_b, params_a = dict(before.params), dict(after.params)
    differences = []
    for name in sorted(set(params_b) & set(params_a)):
        value_b, value_a = params_b[name], params_a[name]
        if not math.isclose(value_b, value_a, rel_tol=PARAMETER_RTOL, abs_tol=1e-12):
            differences.append(
                f"{before.kind} {list(before.shape)} drawn with {name} {value_b:g} before "
                f"({before.site}), {value_a:g} after ({after.site})"
            )
    return differences
