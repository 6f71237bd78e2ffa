"""Random ops aligned on one stream, graph values, offline data: read from the batch report."""

from __future__ import annotations

import ast
from typing import Any

import pytest
from verify_helpers import SHIPPED, outputs_of, run_of

pytestmark = pytest.mark.usefixtures("runtimes")


def constants(name: str) -> dict[str, int]:
    """The module-level integer constants of a shipped fixture's before.py (sizes, epochs)."""
    (folder,) = [path for path in SHIPPED if path.name == name]
    found: dict[str, int] = {}
    for node in ast.parse((folder / "before.py").read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Tuple):
            names = [target.id for target in node.targets[0].elts if isinstance(target, ast.Name)]
            values = ast.literal_eval(node.value)
            found.update(zip(names, values, strict=True))
    return found


def test_a_tf1_mlp_with_dropout_and_its_tf2_migration_pass_through_alignment(
    batch: dict[str, Any],
) -> None:
    fixture = batch["by_name"]["dropout_mlp_aligned"]
    assert fixture["status"] == "pass", fixture["message"]
    assert {"losses", "accuracies", "w1", "w2", "w3", "scale", "order"} <= set(outputs_of(fixture))
    draws = fixture["aligned_draws"]
    assert not draws["order_differs"] and not draws["parameters_differ"]
    assert draws["aligned_draws"] == draws["before_draws"] == draws["after_draws"]
    by_kind: dict[str, int] = {}
    for op in draws["ops"]:
        assert op["before"].split(" at ")[0] == op["after"].split(" at ")[0]
        kind = op["before"].split(" at ")[0]
        by_kind[kind] = by_kind.get(kind, 0) + op["draws"]
    sizes = constants("dropout_mlp_aligned")
    epochs = sizes["EPOCHS"]
    steps = epochs * sizes["N_EXAMPLES"] // sizes["BATCH"]
    mask = f"float32[{sizes['BATCH']}, {sizes['N_HIDDEN']}]"
    # One shuffle per epoch, two dropout masks per training step, each initializer once.
    assert by_kind[f"random_shuffle: shuffle int32[{sizes['N_EXAMPLES']}]"] == epochs
    assert by_kind[f"dropout: uniform {mask} (maxval 1, minval 0)"] == 2 * steps
    assert by_kind["random_uniform: uniform float32[1] (maxval 1.5, minval 0.5)"] == 1
    # Evaluation fed keep_prob 1.0: TF1 drew no masks there, as TF2 with training=False.
    assert draws["skipped_dropouts"] == [2 * epochs, 0]


def test_single_value_variables_are_aligned_too(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["dropout_mlp_aligned"]
    (scale,) = [pair for pair in fixture["aligned_variables"] if pair["shape"] == [1]]
    assert scale["verdict"] == "same" and scale["equal"]
    assert scale["before_stats"]["mean"] == scale["after_stats"]["mean"]


def test_outputs_that_differ_after_the_call_order_diverged_are_incomparable(
    batch: dict[str, Any],
) -> None:
    fixture = batch["by_name"]["draw_order_differs"]
    assert fixture["status"] == "incomparable"
    assert fixture["message"].startswith("output(s) differ: noise_value, jitter_value; not ")
    order = fixture["aligned_draws"]["order_differs"]
    assert order.startswith("the call order differs at draw 1 (after 0 aligned): before drew")
    assert "normal float32[3]" in order.split(", after drew")[0]
    assert "uniform float32[3]" in order.split(", after drew")[1]


def test_an_mnist_tutorial_script_passes_offline(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["mnist_tutorial_offline"]
    assert fixture["status"] == "pass", fixture["message"]
    assert sorted(outputs_of(fixture)) == ["W", "b", "test_accuracy"]
    before, after = run_of(fixture, "before"), run_of(fixture, "after")
    assert before["data"] == [
        "input_data.read_data_sets('MNIST_data/'): the MNIST files are not on disk"
    ]
    assert after["data"] == ["keras.datasets.mnist.load_data(): mnist.npz not on disk"]
    # The InteractiveSession is never closed: its values are read when the program ends.
    assert before["graph_values"]["W"].startswith("at exit from the InteractiveSession")
    # DataSet seeds NumPy's global generator from the OS three times; each became the pin.
    assert before["seeded"]["seed() without a value"] == 3


def test_a_mistyped_output_gets_close_names_and_the_comparable_ones(
    batch: dict[str, Any],
) -> None:
    fixture = batch["by_name"]["mistyped_output"]
    assert fixture["status"] == "error"
    assert fixture["message"] == (
        "before.py: output 'totl_value' is not a module-level name of before.py; did you mean "
        "total_value or total? Comparable names: total, total_value"
    )


def test_printed_numbers_are_compared_line_by_line(batch: dict[str, Any]) -> None:
    same = batch["by_name"]["printed_only"]
    assert same["status"] == "pass", same["message"]
    assert [output["name"] for output in same["outputs"]] == ["stdout"]
    changed = batch["by_name"]["printed_number_changed"]
    assert changed["status"] == "fail"
    assert changed["message"] == "output(s) differ: stdout"
    (stdout,) = changed["outputs"]
    assert stdout["detail"].split("; first: ")[1].startswith("line 2: ")


def test_unseeded_dataset_shuffles_are_given_the_same_seed(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["dataset_shuffle_unseeded"]
    assert fixture["status"] == "pass", fixture["message"]
    # Reshuffled for the second epoch as well: the order of every batch agrees.
    assert outputs_of(fixture)["seen"]["before_shape"] == [8, 5]
    assert fixture["aligned_draws"]["seeded_shuffles"] == [1, 1]
