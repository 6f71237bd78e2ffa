"""One deterministic stream of random draws, the same on both sides, in call order.

Draw number ``p`` of kind ``k`` is a pure function of (p, k, dtype, shape and the op's inputs): a
``numpy.random.RandomState`` seeded with [STREAM_SEED, p], whose legacy streams numpy keeps
identical across versions (TF 1.15 runs numpy 1.21, TF 2.21 numpy 2). So a TF1 program and its
TF2 migration get the same numbers at the same positions, whatever TensorFlow's own generators
would have drawn, and whatever the program's seeds.

Only the raw draw is replaced — [0, 1) uniforms, standard normals, truncated standard normals,
integers in [minval, maxval), permutations, categorical samples — so the program's own arithmetic
around it (``* stddev + mean``, ``floor(keep_prob + u)``) still runs and a wrong parameter still
shows. Each side records what it drew at each position (kind, dtype, shape, parameters, where),
and the parent compares the two records.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import numpy as np

STREAM_SEED = 1715
MAX_RECORDED_DRAWS = 1_000_000
NO_DRAW = -1  # a position planned for an op that did not draw (e.g. a branch not taken)
# Bits of a [0, 1) grid that every value of the float type holds exactly, so that no draw rounds
# up to 1.0.
UNIFORM_BITS = {"float16": 11, "bfloat16": 8, "float32": 24}


def draw(
    position: int, kind: str, dtype: Any, shape: tuple[int, ...], extra: tuple[Any, ...]
) -> Any:
    """The values of draw ``position``; ``extra`` holds the op's other inputs (bounds, the value
    to shuffle, logits and the number of samples)."""
    rs = np.random.RandomState([STREAM_SEED, position])
    dtype = np.dtype(dtype)
    if kind == "uniform":
        bits = UNIFORM_BITS.get(dtype.name)
        if bits is None:
            return rs.random_sample(shape).astype(dtype)
        return (rs.randint(0, 2**bits, size=shape) * 2.0**-bits).astype(dtype)
    if kind == "normal":
        return rs.standard_normal(shape).astype(dtype)
    if kind == "truncated_normal":
        values = rs.standard_normal(shape)
        outside = np.abs(values) > 2.0
        while outside.any():
            values[outside] = rs.standard_normal(int(outside.sum()))
            outside = np.abs(values) > 2.0
        return values.astype(dtype)
    if kind == "uniform_int":
        low, high = int(extra[0]), int(extra[1])
        if low >= high:
            raise ValueError(f"need minval < maxval, got [{low}, {high})")
        return rs.randint(low, high, size=shape, dtype=np.int64).astype(dtype)
    if kind == "shuffle":
        value = np.asarray(extra[0])
        return value if value.ndim == 0 else value[rs.permutation(value.shape[0])]
    if kind == "categorical":
        return _categorical(rs, np.asarray(extra[0], dtype=np.float64), int(extra[1])).astype(dtype)
    raise ValueError(f"no stream for random op kind {kind!r}")


def _categorical(rs: Any, logits: Any, samples: int) -> Any:
    weights = np.exp(logits - logits.max(axis=-1, keepdims=True))
    cumulative = np.cumsum(weights, axis=-1)
    uniforms = rs.random_sample((logits.shape[0], samples)) * cumulative[:, -1:]
    picks = (cumulative[:, None, :] <= uniforms[:, :, None]).sum(axis=-1)
    return np.minimum(picks, logits.shape[-1] - 1)


class Stream:
    """Positions handed out in call order, and the record of what each draw was.

    A TF1 Session.run executes independent ops in no set order, so ``begin_block`` reserves the
    positions of the random ops a run will execute, ordered by their creation in the graph (the
    order a TF2 program calls them in); an op drawing outside a block, or a second time within
    one, takes the next free position.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.next_free = 0
        self.calls = 0  # draws asked for, memoised ones included
        self.sequence: list[int] = []  # per position: a signature id, or NO_DRAW
        self.signatures: list[dict[str, Any]] = []
        self._signature_ids: dict[tuple[Any, ...], int] = {}
        self._memo: dict[tuple[Any, ...], int] = {}
        self._block: dict[int, int] = {}  # op record id -> reserved position
        self.skipped_dropouts = 0
        self.seeded_shuffles = 0  # Dataset.shuffle calls given a seed (random_ops.py)
        self.unaligned: list[str] = []
        self.last_drawn: tuple[int, dict[str, Any]] | None = None  # position, signature
        # A draw whose rows the next draw continues (continue_rows), and that draw's shape.
        self._rows: tuple[int, dict[str, Any], tuple[int, ...]] | None = None

    def begin_block(self, record_ids: list[int]) -> None:
        with self.lock:
            self._block = {}
            for record_id in record_ids:
                self._block[record_id] = self._claim_free()

    def end_block(self) -> None:
        with self.lock:
            # Positions reserved for ops the run did not execute (a `tf.cond` branch not taken,
            # a dropout fed keep_prob 1.0) drew nothing. When they are the last ones handed out,
            # the next run starts where this one's draws ended, as a TF2 function that does not
            # reach the op draws nothing and reserves nothing.
            for position in sorted(self._block.values(), reverse=True):
                if position != self.next_free - 1:
                    break
                self.next_free -= 1
                if position < MAX_RECORDED_DRAWS:
                    self.sequence.pop()
            self._block = {}

    def _claim_free(self) -> int:
        position = self.next_free
        self.next_free += 1
        if position < MAX_RECORDED_DRAWS:
            self.sequence.append(NO_DRAW)
        return position

    def claim(self, record_id: int | None, memo_key: tuple[Any, ...] | None) -> tuple[int, bool]:
        """The position of a draw, and whether it is new (a stateless op drawn again with the
        same seed gets its earlier position: stateless means same seed, same values)."""
        with self.lock:
            self.calls += 1
            if memo_key is not None and memo_key in self._memo:
                return self._memo[memo_key], False
            position = self._block.pop(record_id, None) if record_id is not None else None
            if position is None:
                position = self._claim_free()
            if memo_key is not None:
                self._memo[memo_key] = position
            return position, True

    def record(self, position: int, signature: dict[str, Any]) -> None:
        key = tuple(sorted((name, _hashable(value)) for name, value in signature.items()))
        with self.lock:
            signature_id = self._signature_ids.get(key)
            if signature_id is None:
                signature_id = self._signature_ids[key] = len(self.signatures)
                self.signatures.append(signature)
            if position < MAX_RECORDED_DRAWS:
                self.sequence[position] = signature_id
            self.last_drawn = (position, signature)

    def continue_rows(self, first: tuple[int, ...], rest: tuple[int, ...]) -> bool:
        """Let the next draw, of shape ``rest``, take the rows after the last draw's (of shape
        ``first``) at that draw's position, when it is of the same kind and parameters.

        A TF1 recurrent cell draws one kernel of shape [in + u, G * u] for its input and its
        state; the Keras cell that replaces it draws its kernel [in, G * u] and then its
        recurrent kernel [u, G * u]. Drawn as two rows of the one position TF1 drew, the two
        programs keep drawing at the same positions from there on (a dropout mask, the next
        layer), and the record shows the one draw both made. The after run's injector asks for
        this once it has matched the kernel to such a TF1 cell (variables.py).
        """
        with self.lock:
            last = self.last_drawn
            if last is None or tuple(last[1]["shape"]) != first or len(first) != 2:
                return False
            if len(rest) != 2 or rest[1] != first[1]:
                return False
            self._rows = (last[0], last[1], rest)
            return True

    def claim_rows(
        self, kind: str, dtype: str, shape: tuple[int, ...], params: dict[str, Any]
    ) -> tuple[int, tuple[int, ...], int] | None:
        """For the draw continue_rows announced: (position, the whole shape, the first row
        this draw takes); None for any other draw, which ends the announcement."""
        with self.lock:
            pending, self._rows = self._rows, None
            if pending is None:
                return None
            position, signature, rest = pending
            if (kind, dtype, shape, params) != (
                signature["kind"],
                signature["dtype"],
                rest,
                signature.get("params", {}),
            ):
                return None
            self.calls += 1
            rows = int(signature["shape"][0])
            whole = (rows + rest[0], rest[1])
            self.record(position, dict(signature, shape=list(whole), rows=[rows, rest[0]]))
            return position, whole, rows

    def note_unaligned(self, note: str) -> None:
        with self.lock:
            if note not in self.unaligned and len(self.unaligned) < 20:
                self.unaligned.append(note)

    def save(self, path: str) -> dict[str, Any]:
        """Write the record for the parent; return its summary for the result."""
        with self.lock:
            summary = {
                "draws": self.next_free,
                "truncated": self.next_free > MAX_RECORDED_DRAWS,
                "skipped_dropouts": self.skipped_dropouts,
                "seeded_shuffles": self.seeded_shuffles,
                "unaligned": list(self.unaligned),
            }
            with open(path, "w") as handle:
                json.dump(dict(summary, signatures=self.signatures, sequence=self.sequence), handle)
        return summary


def _hashable(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted(value.items()))
    if isinstance(value, list):
        return tuple(value)
    return value
