"""Recurrent cells without TensorFlow: TF1's cell weights mapped to the Keras cells' layouts, the
after run's matching and comparison of them, one draw for a cell's two kernels, and how the
parent aligns and judges them."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tf_migrate.verify import align, draws
from tf_migrate.verify.child import cell_layouts, stream
from tf_migrate.verify.child.random_ops import RandomOps
from tf_migrate.verify.child.variables import Injector, stats

INPUTS, UNITS, STEPS, BATCH = 3, 4, 5, 2
FORGET_BIAS = 1.0


def sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-x)))


def split(x: np.ndarray, parts: int) -> list[np.ndarray]:
    return list(np.split(x, parts, axis=-1))


# One step of each TF1 cell (rnn_cell_impl), weights in TF1's layout, state as TF1 keeps it.
def tf1_basic_rnn(x: np.ndarray, h: np.ndarray, w: list[np.ndarray]) -> np.ndarray:
    kernel, bias = w
    return np.tanh(np.concatenate([x, h], -1) @ kernel + bias)


def tf1_lstm(x: np.ndarray, state: np.ndarray, w: list[np.ndarray]) -> np.ndarray:
    kernel, bias = w
    c, h = split(state, 2)
    i, j, f, o = split(np.concatenate([x, h], -1) @ kernel + bias, 4)
    c = sigmoid(f + FORGET_BIAS) * c + sigmoid(i) * np.tanh(j)
    return np.concatenate([c, sigmoid(o) * np.tanh(c)], -1)


def tf1_gru(x: np.ndarray, h: np.ndarray, w: list[np.ndarray]) -> np.ndarray:
    gates_kernel, gates_bias, candidate_kernel, candidate_bias = w
    r, u = split(sigmoid(np.concatenate([x, h], -1) @ gates_kernel + gates_bias), 2)
    candidate = np.tanh(np.concatenate([x, r * h], -1) @ candidate_kernel + candidate_bias)
    return np.asarray(u * h + (1 - u) * candidate)


# One step of each Keras cell: kernel, recurrent_kernel, bias.
def keras_simple_rnn(x: np.ndarray, h: np.ndarray, w: list[np.ndarray]) -> np.ndarray:
    kernel, recurrent, bias = w
    return np.tanh(x @ kernel + h @ recurrent + bias)


def keras_lstm(x: np.ndarray, state: np.ndarray, w: list[np.ndarray]) -> np.ndarray:
    kernel, recurrent, bias = w
    c, h = split(state, 2)
    i, f, candidate, o = split(x @ kernel + h @ recurrent + bias, 4)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(candidate)
    return np.concatenate([c, sigmoid(o) * np.tanh(c)], -1)


def keras_gru(x: np.ndarray, h: np.ndarray, w: list[np.ndarray]) -> np.ndarray:
    kernel, recurrent, bias = w
    x_z, x_r, x_h = split(x @ kernel + bias, 3)
    r_z, r_r, r_h = split(recurrent, 3)
    z, r = sigmoid(x_z + h @ r_z), sigmoid(x_r + h @ r_r)
    candidate = np.tanh(x_h + (r * h) @ r_h)
    return np.asarray(z * h + (1 - z) * candidate)


Step = Callable[[np.ndarray, np.ndarray, list[np.ndarray]], np.ndarray]
CELLS = {
    # TF1 cell: (its steps, the Keras cell's, the state's width in units)
    "BasicRNNCell": (tf1_basic_rnn, keras_simple_rnn, 1),
    "BasicLSTMCell/LSTMCell": (tf1_lstm, keras_lstm, 2),
    "GRUCell": (tf1_gru, keras_gru, 1),
}


def layout(tf1: str) -> cell_layouts.Layout:
    (found,) = [entry for entry in cell_layouts.LAYOUTS if entry.tf1 == tf1]
    return found


def run(step: Step, weights: list[np.ndarray], inputs: np.ndarray, width: int) -> np.ndarray:
    state = np.zeros((BATCH, width * UNITS))
    for t in range(STEPS):
        state = step(inputs[:, t], state, weights)
    return state


@pytest.mark.parametrize("tf1", CELLS)
def test_a_keras_cell_with_the_derived_weights_computes_what_the_tf1_cell_did(tf1: str) -> None:
    tf1_step, keras_step, width = CELLS[tf1]
    cell = layout(tf1)
    rng = np.random.default_rng(len(tf1))
    shapes = cell_layouts.expected_shapes(cell, INPUTS, UNITS)
    # Random biases too, so that a wrong block order in the bias shows.
    records = [rng.uniform(-1, 1, shape) for shape in shapes]
    match = cell_layouts.CellMatch(cell, UNITS, tuple(range(len(records))))
    parts = cell_layouts.derive(match, records, INPUTS)
    assert [part.name for part in parts] == ["kernel", "recurrent_kernel", "bias"]
    gates = len(cell.blocks)
    assert [part.value.shape for part in parts] == [
        (INPUTS, gates * UNITS),
        (UNITS, gates * UNITS),
        (gates * UNITS,),
    ]
    keras = [part.value for part in parts]
    if cell.folded_block >= 0:
        # Keras's unit_forget_bias: TF1's forget_bias moved into the f block of the variable.
        keras[2] = keras[2] + np.where(np.arange(gates * UNITS) // UNITS == 1, FORGET_BIAS, 0)
        assert cell_layouts.folded_constant(keras[2], parts[2], 1e-6, 1e-7) == FORGET_BIAS
    inputs = rng.normal(size=(BATCH, STEPS, INPUTS))
    expected = run(tf1_step, records, inputs, width)
    np.testing.assert_allclose(run(keras_step, keras, inputs, width), expected, rtol=1e-12)


def test_lstm_kernels_are_split_by_rows_and_their_gate_blocks_reordered() -> None:
    kernel = np.arange(4 * 4, dtype=float).reshape(4, 4)  # 3 inputs + 1 unit, 4 gates
    match = cell_layouts.CellMatch(layout("BasicLSTMCell/LSTMCell"), 1, (0, 1))
    parts = cell_layouts.derive(match, [kernel, np.array([10.0, 11.0, 12.0, 13.0])], 3)
    # TF1's gates i, j, f, o; Keras's i, f, c (TF1's j), o.
    np.testing.assert_array_equal(parts[0].value, kernel[:3][:, [0, 2, 1, 3]])
    np.testing.assert_array_equal(parts[1].value, kernel[3:][:, [0, 2, 1, 3]])
    np.testing.assert_array_equal(parts[2].value, [10.0, 12.0, 11.0, 13.0])
    assert parts[0].what == "BasicLSTMCell/LSTMCell rows :3, gates i,j,f,o -> i,f,c,o"
    assert parts[2].what == "BasicLSTMCell/LSTMCell bias, gates i,j,f,o -> i,f,c,o"
    assert parts[0].records == parts[1].records == (0,) and parts[2].records == (1,)


def test_gru_parts_take_the_update_gate_first_and_the_candidate_last() -> None:
    gates = np.arange(5 * 4, dtype=float).reshape(5, 4)  # in 3 + units 2: blocks r, u
    candidate = 100 + np.arange(5 * 2, dtype=float).reshape(5, 2)
    match = cell_layouts.CellMatch(layout("GRUCell"), 2, (4, 5, 6, 7))
    values = [np.zeros(1)] * 4 + [gates, np.array([1.0, 1, 2, 2]), candidate, np.zeros(2)]
    kernel, recurrent, bias = cell_layouts.derive(match, values, 3)
    np.testing.assert_array_equal(
        kernel.value, np.hstack([gates[:3, 2:], gates[:3, :2], candidate[:3]])
    )
    np.testing.assert_array_equal(recurrent.value[:, 4:], candidate[3:])
    np.testing.assert_array_equal(bias.value, [2, 2, 1, 1, 0, 0])
    assert kernel.records == (4, 6) and bias.records == (5, 7)


def records_of(*entries: tuple[str, tuple[int, ...]]) -> tuple[list[str], list[tuple[int, ...]]]:
    return [name for name, _ in entries], [shape for _, shape in entries]


def test_a_cell_is_matched_to_consecutive_unused_records_named_by_its_scope() -> None:
    names, shapes = records_of(
        ("dense/kernel", (8, 20)),  # a cell's shapes, but no cell's name
        ("dense/bias", (20,)),
        ("rnn/lstm_cell/kernel", (8, 20)),
        ("rnn/lstm_cell/bias", (20,)),
        ("rnn/lstm_cell_1/kernel", (8, 20)),
        ("rnn/lstm_cell_1/bias", (20,)),
    )
    used = [False] * 6
    found = cell_layouts.match((3, 20), names, shapes, used)
    assert found is not None and found.records == (2, 3) and found.units == 5
    assert found.layout.keras == "LSTMCell"
    used[2] = True  # the first cell is taken: the next one is its own records
    found = cell_layouts.match((3, 20), names, shapes, used)
    assert found is not None and found.records == (4, 5)
    # Known from the calling frames to be a Keras cell's kernel, unnamed records do.
    used[4] = True
    found = cell_layouts.match((3, 20), names, shapes, used, ("LSTMCell", 5))
    assert found is not None and found.records == (0, 1)
    # A cell of another kind or size, and Keras's default GRU, match none.
    assert cell_layouts.match((3, 20), names, shapes, used, ("LSTMCell", 4)) is None
    assert cell_layouts.match((3, 20), names, shapes, used, ("SimpleRNNCell", 20)) is None
    assert (
        cell_layouts.match((3, 15), names, shapes, used, ("GRUCell(reset_after=True)", 5)) is None
    )


def test_the_shapes_tell_a_gru_from_an_lstm_of_the_same_width() -> None:
    names, shapes = records_of(
        ("rnn/gru_cell/gates/kernel", (7, 8)),
        ("rnn/gru_cell/gates/bias", (8,)),
        ("rnn/gru_cell/candidate/kernel", (7, 4)),
        ("rnn/gru_cell/candidate/bias", (4,)),
    )
    found = cell_layouts.match((3, 12), names, shapes, [False] * 4)
    assert found is not None and found.layout.keras == "GRUCell" and found.units == 4
    assert found.records == (0, 1, 2, 3)
    assert cell_layouts.match((3, 12), names, shapes, [False, False, True, False]) is None


def test_only_a_constant_in_the_f_block_counts_as_a_folded_forget_bias() -> None:
    match = cell_layouts.CellMatch(layout("BasicLSTMCell/LSTMCell"), 2, (0, 1))
    bias = cell_layouts.derive(match, [np.zeros((5, 8)), np.zeros(8)], 3)[2]
    assert cell_layouts.folded_constant(np.array([0, 0, 1, 1, 0, 0, 0, 0.0]), bias, 1e-6, 0) == 1
    for other in ([0, 0, 1, 2, 0, 0, 0, 0.0], [1, 0, 1, 1, 0, 0, 0, 0.0], [0.0] * 8):
        assert cell_layouts.folded_constant(np.array(other), bias, 1e-6, 0) is None
    gru = cell_layouts.CellMatch(layout("GRUCell"), 1, (0, 1, 2, 3))
    values = [np.zeros((4, 2)), np.zeros(2), np.zeros((4, 1)), np.zeros(1)]
    gru_bias = cell_layouts.derive(gru, values, 3)[2]
    assert cell_layouts.folded_constant(np.array([0, 1, 0.0]), gru_bias, 1e-6, 0) is None


class LSTMCell:
    """Stands in for Keras's: its build creates variables."""

    units = 6

    def build(self) -> tuple[str, int] | None:
        return create()


class MyCell(LSTMCell):
    pass


class GRUCell:
    units = 2
    reset_after = True

    def build(self) -> tuple[str, int] | None:
        return create()


def create() -> tuple[str, int] | None:
    return cell_layouts.keras_cell(sys._getframe(1))


def test_the_keras_cell_building_a_variable_is_read_from_the_calling_frames() -> None:
    assert LSTMCell().build() == ("LSTMCell", 6)
    assert MyCell().build() == ("LSTMCell", 6)
    assert GRUCell().build() == ("GRUCell(reset_after=True)", 2)
    assert create() is None


def origin(**params: float) -> dict[str, Any]:
    return {"params": params, "via": "RandomUniform", "site": "after.py:9"}


def test_a_keras_cell_draws_its_kernels_as_the_rows_of_tf1s_one_draw() -> None:
    shared = stream.Stream()
    ops = RandomOps(shared)
    kernel = ops._draw("uniform", np.float32, 0, [np.array([3, 20])], None, origin(maxval=0.5))
    assert shared.continue_rows((3, 20), (5, 20))
    recurrent = ops._draw("uniform", np.float32, 0, [np.array([5, 20])], None, origin(maxval=0.5))
    whole = stream.draw(0, "uniform", np.float32, (8, 20), ())
    np.testing.assert_array_equal(np.concatenate([kernel, recurrent]), whole)
    assert shared.next_free == 1 and shared.calls == 2
    signature = shared.signatures[shared.sequence[0]]
    assert signature["shape"] == [8, 20] and signature["rows"] == [3, 5]
    # Another parameter (or kind, or shape) is a draw of its own, at the next position.
    ops._draw("uniform", np.float32, 0, [np.array([3, 20])], None, origin(maxval=0.5))
    assert shared.continue_rows((3, 20), (5, 20))
    ops._draw("uniform", np.float32, 0, [np.array([5, 20])], None, origin(maxval=0.3))
    assert shared.next_free == 3
    assert not shared.continue_rows((3, 21), (5, 21))  # the last draw was not of that shape


def signature(shape: list[int], **extra: Any) -> dict[str, Any]:
    return {"kind": "uniform", "dtype": "float32", "shape": shape, "params": {}, **extra}


def test_a_gru_cells_kernels_in_keras_shapes_are_aligned_as_regrouped() -> None:
    before = {
        "signatures": [signature([8, 10]), signature([8, 5]), signature([5, 1])],
        "sequence": [0, 1, 2],
    }
    after = {
        "signatures": [signature([3, 15]), signature([5, 15]), signature([5, 1])],
        "sequence": [0, 1, 2],
    }
    result = draws.compare(before, after)
    assert result.aligned_draws == 3 and not result.order_differs
    (note,) = result.regrouped
    assert note.startswith("a recurrent cell's kernels, split by columns before and by rows")
    assert [op.draws for op in result.ops] == [1]
    # Other shapes of the same count are no cell's kernels: the order differs there.
    after["signatures"][0] = signature([4, 15])
    assert draws.compare(before, after).order_differs.startswith("the call order differs at draw 1")


def test_a_draw_in_rows_is_labelled_so() -> None:
    merged = draws.Draw.from_dict(signature([8, 20], rows=[3, 5], site="after.py:4"))
    assert merged.label() == "uniform float32[8, 20] in rows 3 + 5 at after.py:4"


def write_records(path: Path, entries: list[tuple[str, np.ndarray, bool]]) -> Path:
    arrays = {f"v{index}": value for index, (_, value, _) in enumerate(entries)}
    np.savez(
        path,
        random=np.array([random for _, _, random in entries], dtype=bool),
        names=np.array([name for name, _, _ in entries]),
        **arrays,
    )
    return path


def test_the_injector_compares_each_keras_cell_variable_with_its_derived_part(
    tmp_path: Path,
) -> None:
    rng = np.random.default_rng(3)
    kernel = rng.uniform(-0.4, 0.4, (8, 20)).astype(np.float32)
    path = write_records(
        tmp_path / "records.npz",
        [
            ("rnn/lstm_cell/kernel", kernel, True),
            ("rnn/lstm_cell/bias", np.zeros(20, np.float32), False),
            ("dense/kernel", rng.uniform(-1, 1, (5, 1)).astype(np.float32), True),
        ],
    )
    injector = Injector(None, str(path), stream.Stream())
    created = []
    for name, own, random in (
        ("kernel", rng.uniform(-0.4, 0.4, (3, 20)).astype(np.float32), True),
        ("recurrent_kernel", rng.uniform(-0.4, 0.4, (5, 20)).astype(np.float32), True),
        ("bias", np.repeat(np.float32([0, 1, 0, 0]), 5), False),
    ):
        part = injector.cell_part(name, own, random)
        assert part is not None
        created.append(injector.align_part(part, name, own, random))
    np.testing.assert_array_equal(created[0], kernel[:3][:, np.r_[0:5, 10:15, 5:10, 15:20]])
    np.testing.assert_array_equal(created[1], kernel[3:][:, np.r_[0:5, 10:15, 5:10, 15:20]])
    kernel_entry, recurrent_entry, bias_entry = injector.aligned
    assert kernel_entry["injected"] and recurrent_entry["injected"]
    assert kernel_entry["records"] == [0] and "rows :3" in kernel_entry["layout"]
    assert kernel_entry["before_stats"] == stats(created[0])
    assert bias_entry["equal"] and not bias_entry["injected"]
    assert bias_entry["folded_forget_bias"] == 1.0
    assert injector.report()["unused_records"] == [2]


def test_a_cell_whose_bias_never_comes_gives_its_bias_record_back(tmp_path: Path) -> None:
    path = write_records(
        tmp_path / "records.npz",
        [
            ("rnn/basic_rnn_cell/kernel", np.ones((7, 4), np.float32), True),
            ("rnn/basic_rnn_cell/bias", np.zeros(4, np.float32), False),
        ],
    )
    injector = Injector(None, str(path), stream.Stream())
    for name, shape in (("kernel", (3, 4)), ("recurrent_kernel", (4, 4))):
        part = injector.cell_part(name, np.ones(shape, np.float32), True)
        assert part is not None
        injector.align_part(part, name, np.ones(shape, np.float32), True)
    # The next variable is no bias of that cell (use_bias=False): the record is free again.
    assert injector.cell_part("kernel", np.ones((4, 1), np.float32), True) is None
    assert injector.report()["unused_records"] == [1]
    assert [entry["equal"] for entry in injector.aligned] == [True, True]


def test_the_parent_checks_a_part_against_the_parts_statistics() -> None:
    recorded = {
        "recorded": [
            {"name": "rnn/gru_cell/gates/kernel", "random": True, "stats": stats_of(0.0, 5.0)},
            {"name": "rnn/gru_cell/gates/bias", "random": False, "stats": stats_of(1.0, 0.0)},
            {"name": "rnn/gru_cell/candidate/kernel", "random": True, "stats": stats_of(0, 5)},
            {"name": "rnn/gru_cell/candidate/bias", "random": False, "stats": stats_of(0, 0)},
        ]
    }
    part = {
        "records": [0, 2],
        "index": 0,
        "layout": "GRUCell rows :3, gates r,u + candidate -> z,r,h",
        "name": "kernel",
        "shape": [3, 15],
        "before_stats": stats_of(0.0, 0.3, 45),
        "before_random": True,
        "after_stats": stats_of(0.01, 0.31, 45),
        "random": True,
        "equal": False,
        "injected": True,
    }
    bias = dict(
        part,
        records=[1, 3],
        index=1,
        name="bias",
        shape=[15],
        before_stats=stats_of(0.67, 0.47, 15),
        before_random=False,
        after_stats=stats_of(0.0, 0.0, 15),
        random=False,
        injected=False,
    )
    kernel_pair, bias_pair = align.check(recorded, {"aligned": [part, bias]})
    # Against the whole records' spread (5.0) the part's (0.31) would be "different".
    assert kernel_pair.verdict == "same" and kernel_pair.before.std == 0.3
    assert kernel_pair.before_name == "rnn/gru_cell/gates/kernel + rnn/gru_cell/candidate/kernel"
    assert kernel_pair.layout == "GRUCell rows :3, gates r,u + candidate -> z,r,h"
    assert bias_pair.verdict == "different"
    assert bias_pair.why == "not drawn, and not the values derived from the TF1 cell's"
    folded = dict(bias, equal=True, folded_forget_bias=1.0)
    (folded_pair,) = align.check(recorded, {"aligned": [folded]})
    assert folded_pair.verdict == "same" and folded_pair.folded_forget_bias == 1.0
    assert folded_pair.why == "equal values, with forget bias 1 folded into the bias"


def stats_of(mean: float, std: float, n: int = 160) -> dict[str, float]:
    return {"n": n, "mean": mean, "std": std, "min": mean - 2 * std, "max": mean + 2 * std}
