"""Recurrent-cell weights: TF1's `tf.nn.rnn_cell` layouts and those of the Keras cells that
replace them.

A TF1 cell multiplies the concatenation [input, state] by one kernel of shape [in + u, G * u],
so its rows [:in] act on the input and rows [in:] on the state; a Keras cell keeps the two apart,
`kernel` [in, G * u] and `recurrent_kernel` [u, G * u], and orders its gate blocks otherwise:

- BasicRNNCell  kernel, bias                              -> SimpleRNN (one block);
- BasicLSTMCell / LSTMCell  kernel, bias, gates i j f o   -> LSTM, gates i f c o (c = TF1's j);
  TF1 adds its forget_bias when the cell runs, Keras (unit_forget_bias=True) puts it in the f
  block of its bias variable, so that variable starts at TF1's bias plus a constant there;
- GRUCell  gates/kernel (r, u), gates/bias, candidate/kernel, candidate/bias
                                                          -> GRU(reset_after=False), z r h
  (z is TF1's update gate u, h the candidate).

So a Keras cell's three variables are derived from the TF1 records of one cell, and the after
run compares each with the part derived for it. This module is the table and the arithmetic;
it needs numpy only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import FrameType
from typing import Any, NamedTuple

import numpy as np

KERNEL, BIAS = "kernel", "bias"
RECURRENT = "recurrent_kernel"
FRAMES_SEARCHED = 40


class Layout(NamedTuple):
    tf1: str  # the TF1 cell, as reports name it
    keras: str  # the Keras cell class that replaces it
    scopes: tuple[str, ...]  # the TF1 cell's default variable scopes, preferred when matching
    records: tuple[tuple[str, int], ...]  # per TF1 record in creation order: role, blocks of u
    # per Keras gate block: (TF1 kernel record, TF1 bias record, block within them)
    blocks: tuple[tuple[int, int, int], ...]
    gates: str  # TF1's gate order -> Keras's, for the report
    folded_block: int  # the Keras bias block that may hold TF1's forget bias, or -1


LAYOUTS = (
    Layout(
        tf1="BasicRNNCell",
        keras="SimpleRNNCell",
        scopes=("basic_rnn_cell",),
        records=((KERNEL, 1), (BIAS, 1)),
        blocks=((0, 1, 0),),
        gates="",
        folded_block=-1,
    ),
    Layout(
        tf1="BasicLSTMCell/LSTMCell",
        keras="LSTMCell",
        scopes=("lstm_cell", "basic_lstm_cell"),
        records=((KERNEL, 4), (BIAS, 4)),
        blocks=((0, 1, 0), (0, 1, 2), (0, 1, 1), (0, 1, 3)),
        gates="gates i,j,f,o -> i,f,c,o",
        folded_block=1,
    ),
    Layout(
        tf1="GRUCell",
        keras="GRUCell",
        scopes=("gru_cell",),
        records=((KERNEL, 2), (BIAS, 2), (KERNEL, 1), (BIAS, 1)),
        blocks=((0, 1, 1), (0, 1, 0), (2, 3, 0)),
        gates="gates r,u + candidate -> z,r,h",
        folded_block=-1,
    ),
)


class Part(NamedTuple):
    """One Keras variable's value, derived from TF1 records."""

    name: str  # kernel, recurrent_kernel or bias
    value: Any
    records: tuple[int, ...]  # the TF1 records it comes from
    what: str  # which part of them, for the report
    folded_block: int  # as Layout.folded_block, for the bias
    units: int


class CellMatch(NamedTuple):
    layout: Layout
    units: int
    records: tuple[int, ...]  # indices of the TF1 records, one per Layout.records entry


def expected_shapes(layout: Layout, inputs: int, units: int) -> list[tuple[int, ...]]:
    """The shapes of the TF1 records of a cell with ``inputs`` input features and ``units``."""
    return [
        (inputs + units, blocks * units) if role == KERNEL else (blocks * units,)
        for role, blocks in layout.records
    ]


def match(
    kernel_shape: tuple[int, ...],
    names: Sequence[str],
    shapes: Sequence[tuple[int, ...]],
    used: Sequence[bool],
    keras_cell: tuple[str, int] | None = None,
) -> CellMatch | None:
    """The TF1 records a Keras cell's ``kernel`` of ``kernel_shape`` comes from, or None.

    A cell's records are consecutive (TF1 builds a cell's variables together) and unused; a run
    whose names carry the cell's default scope is preferred, then the first in creation order.
    ``keras_cell`` (class name, units), when known, restricts the layouts tried; when it is not,
    the names must carry the scope (a Dense kernel [2, 4] is no cell's, though the records of a
    dense layer [6, 4] and [4] have the shapes of a BasicRNNCell's).
    """
    if len(kernel_shape) != 2:
        return None
    inputs, columns = kernel_shape
    found: list[tuple[bool, int, CellMatch]] = []
    for layout in LAYOUTS:
        gates = len(layout.blocks)
        if keras_cell is not None and (
            keras_cell[0] != layout.keras or keras_cell[1] * gates != columns
        ):
            continue
        if columns == 0 or columns % gates:
            continue
        units = columns // gates
        wanted = expected_shapes(layout, inputs, units)
        for start in range(len(shapes) - len(wanted) + 1):
            indices = tuple(range(start, start + len(wanted)))
            if all(
                not used[start + k] and tuple(shapes[start + k]) == wanted[k]
                for k in range(len(wanted))
            ):
                named = _named(names[start], layout)
                if named or keras_cell is not None:
                    found.append((not named, start, CellMatch(layout, units, indices)))
    if not found:
        return None
    found.sort(key=lambda entry: entry[:2])
    return found[0][2]


def _named(name: str, layout: Layout) -> bool:
    """Whether a record's name holds one of the cell's default scopes (a second cell of a
    kind in one scope is `lstm_cell_1`)."""
    return any(re.search(rf"(^|/){scope}(_\d+)?/", name) for scope in layout.scopes)


def derive(cell: CellMatch, values: Sequence[Any], inputs: int) -> list[Part]:
    """The Keras cell's kernel, recurrent_kernel and bias from the TF1 records ``values`` (all
    records, indexed as ``cell.records``), in the order Keras creates them."""
    layout, units = cell.layout, cell.units
    own = [values[index] for index in cell.records]

    def columns(array: Any, block: int) -> Any:
        return array[..., block * units : (block + 1) * units]

    kernel = np.concatenate([columns(own[k][:inputs], b) for k, _, b in layout.blocks], axis=-1)
    recurrent = np.concatenate([columns(own[k][inputs:], b) for k, _, b in layout.blocks], axis=-1)
    bias = np.concatenate([columns(own[r], b) for _, r, b in layout.blocks], axis=-1)
    kernels = tuple(sorted({cell.records[k] for k, _, _ in layout.blocks}))
    biases = tuple(sorted({cell.records[r] for _, r, _ in layout.blocks}))
    gates = f", {layout.gates}" if layout.gates else ""
    return [
        Part(KERNEL, kernel, kernels, f"{layout.tf1} rows :{inputs}{gates}", -1, units),
        Part(RECURRENT, recurrent, kernels, f"{layout.tf1} rows {inputs}:{gates}", -1, units),
        Part(BIAS, bias, biases, f"{layout.tf1} bias{gates}", layout.folded_block, units),
    ]


def folded_constant(own: Any, part: Part, rtol: float, atol: float) -> float | None:
    """The constant by which ``own`` exceeds the derived bias in its folded block (TF1's
    forget_bias, moved into the variable by Keras's unit_forget_bias), when that is the only
    difference; else None."""
    if part.folded_block < 0 or own.shape != part.value.shape or own.size == 0:
        return None
    own = np.asarray(own, dtype=np.float64)
    derived = np.asarray(part.value, dtype=np.float64)
    block = np.zeros(own.shape[-1], dtype=bool)
    block[part.folded_block * part.units : (part.folded_block + 1) * part.units] = True
    constant = float(own[..., block].flat[0] - derived[..., block].flat[0])
    shifted = derived + np.where(block, constant, 0.0)
    if constant == 0.0 or not np.allclose(own, shifted, rtol=rtol, atol=atol):
        return None
    return constant


def keras_cell(frame: FrameType | None) -> tuple[str, int] | None:
    """(class name, units) of the Keras recurrent cell whose ``build`` is creating a variable,
    from the calling frames; None outside such a build. Keras's default GRU (reset_after=True),
    which computes what no TF1 cell does, is `GRUCell(reset_after=True)`, a layout of none."""
    names = {layout.keras for layout in LAYOUTS}
    current = frame
    for _ in range(FRAMES_SEARCHED):
        if current is None:
            return None
        owner = current.f_locals.get("self") if current.f_code.co_name == "build" else None
        # A subclass of a Keras cell (a user's own) has its layout.
        kinds = [cls.__name__ for cls in type(owner).__mro__ if cls.__name__ in names]
        if kinds:
            units = getattr(owner, "units", None)
            if not isinstance(units, int):
                return None
            if getattr(owner, "reset_after", False):
                # Keras's default GRU applies the reset gate after the matmul: no TF1 cell does.
                return kinds[0] + "(reset_after=True)", units
            return kinds[0], units
        current = current.f_back
    return None
