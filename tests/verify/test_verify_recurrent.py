"""TF1 recurrent cells and the Keras layers that replace them, verified as pairs: the cells'
weights are matched across the two layouts, and the random draws stay aligned past them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from verify_helpers import BATCH_MEMORY_LIMIT, invoke, outputs_of

pytestmark = pytest.mark.usefixtures("runtimes")
RECURRENT = Path(__file__).parent / "programs" / "recurrent"


@pytest.fixture(scope="module")
def pairs(runtimes: None) -> dict[str, dict[str, Any]]:
    result = invoke(
        str(RECURRENT),
        "--output-format",
        "json",
        "--memory-limit",
        BATCH_MEMORY_LIMIT,
        "--jobs",
        "2",
    )
    return {fixture["name"]: fixture for fixture in json.loads(result.stdout)["fixtures"]}


def variables(fixture: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The cell's variables (the first of each name; a dense layer's come later)."""
    found: dict[str, dict[str, Any]] = {}
    for pair in fixture["aligned_variables"]:
        found.setdefault(pair["after_name"], pair)
    return found


def test_an_lstm_cell_and_the_keras_lstm_pass_with_its_kernel_drawn_once(
    pairs: dict[str, dict[str, Any]],
) -> None:
    fixture = pairs["lstm_dynamic_rnn"]
    assert fixture["status"] == "pass", fixture["message"]
    assert all(output["passed"] for output in outputs_of(fixture).values())
    aligned = variables(fixture)
    kernel, recurrent, bias = aligned["kernel"], aligned["recurrent_kernel"], aligned["bias"]
    assert kernel["before_name"] == recurrent["before_name"] == "rnn/lstm_cell/kernel"
    assert kernel["layout"] == "BasicLSTMCell/LSTMCell rows :3, gates i,j,f,o -> i,f,c,o"
    assert recurrent["layout"] == "BasicLSTMCell/LSTMCell rows 3:, gates i,j,f,o -> i,f,c,o"
    # Drawn as TF1 drew them, in another gate order: the record's blocks are injected.
    assert kernel["verdict"] == recurrent["verdict"] == "same"
    assert kernel["injected"] and recurrent["injected"]
    assert kernel["shape"] == [3, 20] and kernel["before_stats"]["n"] == 60
    assert bias["equal"] and bias["folded_forget_bias"] == 1.0
    assert "forget bias 1 folded" in bias["why"]
    draws = fixture["aligned_draws"]
    assert not draws["order_differs"]
    assert draws["aligned_draws"] == draws["before_draws"] == draws["after_draws"] == 2
    assert "uniform float32[8, 20] in rows 3 + 5" in draws["ops"][0]["after"]
    assert not fixture["alignment_notes"]


def test_the_draws_after_a_cell_stay_aligned(pairs: dict[str, dict[str, Any]]) -> None:
    lstm = pairs["lstm_dynamic_rnn"]
    (dense,) = [pair for pair in lstm["aligned_variables"] if pair["before_name"] == "dense/kernel"]
    assert dense["equal"] and dense["drawn"] and not dense["injected"]
    gru = pairs["gru_dynamic_rnn"]
    assert gru["status"] == "pass", gru["message"]
    draws = gru["aligned_draws"]
    assert not draws["order_differs"]
    assert draws["aligned_draws"] == draws["before_draws"] == draws["after_draws"] == 8
    (regrouped,) = draws["regrouped"]
    assert "before drew [8, 10] + [8, 5]" in regrouped and "after [3, 15] + [5, 15]" in regrouped
    # Five dropout masks at the same positions: the losses agree to the last bit.
    assert outputs_of(gru)["losses"]["max_abs_err"] == 0


def test_a_gru_cells_four_records_make_the_keras_cells_three_variables(
    pairs: dict[str, dict[str, Any]],
) -> None:
    aligned = variables(pairs["gru_dynamic_rnn"])
    assert aligned["kernel"]["before_name"] == (
        "rnn/gru_cell/gates/kernel + rnn/gru_cell/candidate/kernel"
    )
    assert aligned["kernel"]["injected"] and aligned["kernel"]["verdict"] == "same"
    bias = aligned["bias"]
    assert bias["before_name"] == "rnn/gru_cell/gates/bias + rnn/gru_cell/candidate/bias"
    assert bias["equal"] and bias["why"] == "equal values"


def test_a_stack_of_cells_matches_cell_by_cell(pairs: dict[str, dict[str, Any]]) -> None:
    fixture = pairs["basic_rnn_static_rnn"]
    assert fixture["status"] == "pass", fixture["message"]
    names = [(pair["before_name"], pair["after_name"]) for pair in fixture["aligned_variables"]]
    cell_0, cell_1 = "rnn/multi_rnn_cell/cell_0/basic_rnn_cell", "rnn/multi_rnn_cell/cell_1"
    assert names[:6] == [
        (f"{cell_0}/kernel", "kernel"),
        (f"{cell_0}/kernel", "recurrent_kernel"),
        (f"{cell_0}/bias", "bias"),
        (f"{cell_1}/basic_lstm_cell/kernel", "kernel"),
        (f"{cell_1}/basic_lstm_cell/kernel", "recurrent_kernel"),
        (f"{cell_1}/basic_lstm_cell/bias", "bias"),
    ]
    # One gate block: the rows TF1 drew are the Keras kernels, equal without injection.
    simple = fixture["aligned_variables"][:2]
    assert all(pair["equal"] and not pair["injected"] for pair in simple)


def test_a_wrong_initializer_for_a_cell_fails_on_its_parts(
    pairs: dict[str, dict[str, Any]],
) -> None:
    fixture = pairs["lstm_wrong_initializer"]
    assert fixture["status"] == "fail"
    assert fixture["message"].startswith(
        "initial distribution of kernel (3, 20) differs from rnn/lstm_cell/kernel: standard "
        "deviations 0.2554 and "
    )
    assert "recurrent_kernel (5, 20) differs from rnn/lstm_cell/kernel" in fixture["message"]
