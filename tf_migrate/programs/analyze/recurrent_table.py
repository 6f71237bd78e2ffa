"""TF1's RNN cells and drivers, with TF 1.15's signatures, and the Keras recurrent layers that
compute the same (analyze/recurrent.py).

Each TF1 cell kept one kernel over the input and the state together, `[depth + units, gates *
units]`, drawn by TF1's default glorot_uniform over that whole matrix; Keras splits it into a
`kernel` [depth, gates * units] and a `recurrent_kernel` [units, gates * units], by default
glorot_uniform and orthogonal. Both Keras kernels are drawn here from TF1's one uniform range,
±sqrt(6 / (depth + units + gates * units)), so the migrated program starts from the same
distribution (`tf-migrate verify` aligns the values themselves across the two layouts).
BasicLSTMCell and LSTMCell added `forget_bias` (1.0) to the forget gate at each step; Keras's
`unit_forget_bias=True` starts that gate's bias at 1.0 instead, which gives the same gates at
every step of training (the gradient does not see a constant). GRUCell computed with the reset
gate before the recurrent product, as Keras does with `reset_after=False`, and started its gates'
biases at 1.0."""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from tf_migrate.programs.model import Argument, GraphStatement


@dataclass(frozen=True)
class CellSpec:
    """A TF1 cell class: its parameters, the Keras layer and cell that compute the same, its
    gates (the kernel's blocks), and how its initializers are given."""

    params: tuple[str, ...]
    layer: str  # `LSTM`: the Keras layer of one cell
    cell: str  # `LSTMCell`: the Keras cell, stacked in `tf.keras.layers.RNN([...])`
    gates: int
    lstm: bool = False  # its state is an LSTMStateTuple (c, h); Keras keeps [h, c]
    # The parameter giving the kernels' initializer, and the biases' (None: TF1's own).
    kernel_initializer: str | None = None
    bias_initializer: str | None = None
    # TF1 parameters with no Keras counterpart that only their default lets through.
    only_default: tuple[tuple[str, str, str], ...] = ()  # (parameter, default, why)


_COMMON = ("activation", "reuse", "name", "dtype")
_LSTM_ONLY = (
    ("use_peepholes", "False", "peephole connections have no Keras counterpart"),
    ("cell_clip", "None", "clipping the cell state has no Keras counterpart"),
    ("num_proj", "None", "a projected output has no Keras counterpart"),
    ("proj_clip", "None", "a projected output has no Keras counterpart"),
    ("num_unit_shards", "None", "sharded kernels are deprecated in TF1 and gone in TF2"),
    ("num_proj_shards", "None", "sharded kernels are deprecated in TF1 and gone in TF2"),
    ("state_is_tuple", "True", "a concatenated state has no Keras counterpart"),
)

CELLS: dict[str, CellSpec] = {
    "BasicRNNCell": CellSpec(("num_units", *_COMMON), "SimpleRNN", "SimpleRNNCell", 1),
    "BasicLSTMCell": CellSpec(("num_units", "forget_bias", "state_is_tuple", *_COMMON), "LSTM",
                              "LSTMCell", 4, lstm=True, only_default=(_LSTM_ONLY[-1],)),
    "LSTMCell": CellSpec(("num_units", "use_peepholes", "cell_clip", "initializer", "num_proj",
                          "proj_clip", "num_unit_shards", "num_proj_shards", "forget_bias",
                          "state_is_tuple", *_COMMON), "LSTM", "LSTMCell", 4, lstm=True,
                         kernel_initializer="initializer", only_default=_LSTM_ONLY),
    "GRUCell": CellSpec(("num_units", "activation", "reuse", "kernel_initializer",
                         "bias_initializer", "name", "dtype"), "GRU", "GRUCell", 3,
                        kernel_initializer="kernel_initializer",
                        bias_initializer="bias_initializer"),
}
CELL_MODULES = ("tf.nn.rnn_cell.", "tf.contrib.rnn.", "tf.contrib.rnn.core_rnn_cell.")
STACK = "MultiRNNCell"
STACK_PARAMS = ("cells", "state_is_tuple")
WRAPPERS = frozenset({"DropoutWrapper", "ResidualWrapper", "DeviceWrapper", "AttentionCellWrapper",
                      "HighwayWrapper"})

DRIVERS: dict[str, tuple[str, ...]] = {
    "tf.nn.dynamic_rnn": ("cell", "inputs", "sequence_length", "initial_state", "dtype",
                          "parallel_iterations", "swap_memory", "time_major", "scope"),
    "tf.nn.static_rnn": ("cell", "inputs", "initial_state", "dtype", "sequence_length", "scope"),
}
DRIVERS["tf.nn.static_bidirectional_rnn"] = (
    "cell_fw", "cell_bw", "inputs", "initial_state_fw", "initial_state_bw", "dtype",
    "sequence_length", "scope")
DRIVERS["tf.nn.bidirectional_dynamic_rnn"] = (
    "cell_fw", "cell_bw", "inputs", "sequence_length", "initial_state_fw", "initial_state_bw",
    "dtype", "parallel_iterations", "swap_memory", "time_major", "scope")
for _name in list(DRIVERS):
    DRIVERS[_name.replace("tf.nn.", "tf.contrib.rnn.")] = DRIVERS[_name]
STATIC = frozenset({"tf.nn.static_rnn", "tf.contrib.rnn.static_rnn",
                    "tf.nn.static_bidirectional_rnn", "tf.contrib.rnn.static_bidirectional_rnn"})
BIDIRECTIONAL = frozenset({"tf.nn.static_bidirectional_rnn", "tf.nn.bidirectional_dynamic_rnn",
                           "tf.contrib.rnn.static_bidirectional_rnn",
                           "tf.contrib.rnn.bidirectional_dynamic_rnn"})


@dataclass(frozen=True)
class Cell:
    """One TF1 cell as its Keras cell will be built: units as written, the Keras keywords its
    arguments map to (kernel initializers come later: they need the input's depth), and the
    TF1 kernel initializer, None for TF1's glorot_uniform."""

    spec: CellSpec
    units: cst.BaseExpression
    keywords: tuple[tuple[str, Argument], ...]
    initializer: cst.BaseExpression | None
    node: cst.CSTNode  # where it is made, for findings


@dataclass(frozen=True)
class CellStack:
    """The cells a name holds: one cell, or a MultiRNNCell's, bottom first."""

    cells: tuple[Cell, ...]
    stacked: bool  # a MultiRNNCell: its state is a tuple with one state per cell


@dataclass(eq=False)
class RecurrentState:
    """A final state the program reads (`state.h`, `states[-1]`): where TF1's structure and
    Keras's differ, each read is planned (analyze/recurrent.py `finish`)."""

    name: str
    stack: CellStack
    op: GraphStatement  # the statement of the layer's call


@dataclass(eq=False)
class RecurrentFacts:
    """What the analysis found of a program's RNNs so far."""

    cells: dict[str, CellStack] = field(default_factory=dict)  # cells bound to names
    lists: dict[str, tuple[Cell, ...]] = field(default_factory=dict)  # lists of cells
    zero_states: set[str] = field(default_factory=set)  # names bound to their zero states
    run: set[str] = field(default_factory=set)  # the cells an RNN runs, by name
    states: list[RecurrentState] = field(default_factory=list)  # final states read
    reads: set[int] = field(default_factory=set)  # reads of cells and zero states that go
    unread: set[str] = field(default_factory=set)  # states whose reads are not rewritten
