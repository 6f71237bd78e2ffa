"""End-to-end verify runs with the real TF 1.15 and TF 2.21 runtimes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from verify_helpers import BATCH_MEMORY_LIMIT, DATA, invoke, outputs_of, run_of

from tf_migrate.verify.cli import parse_size
from tf_migrate.verify.fixture import DEFAULT_ATOL, DEFAULT_TIMEOUT_S, load
from tf_migrate.verify.runner import PINNED_ENV

pytestmark = pytest.mark.usefixtures("runtimes")


def test_batch_exit_code_reflects_the_worst_fixture(batch: dict[str, Any]) -> None:
    # graph_tensor_output is a fixture error, which outranks the failures.
    assert batch["by_name"]["graph_tensor_output"]["status"] == "error"
    assert batch["exit_code"] == 2
    assert batch["summary"]["exit_code"] == 2


def test_correct_after_passes(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["constants"]
    assert fixture["status"] == "pass", fixture["message"]
    assert all(output["passed"] for output in fixture["outputs"])
    # Without `outputs`, the names holding values on both sides are compared; `a` and `b` are
    # graph tensors in before.py, read from the session when it closed, and eager values in
    # after.py.
    assert sorted(outputs_of(fixture)) == ["a", "b", "product", "total"]
    where = run_of(fixture, "before")["graph_values"]
    assert where["a"].startswith("when the Session created at before.py:")
    assert where["b"] == where["a"]


def test_changed_constant_fails_naming_the_output_and_its_error(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["wrong_constant"]
    outputs = outputs_of(fixture)
    assert fixture["status"] == "fail"
    assert "product" in fixture["message"]
    assert not outputs["product"]["passed"]
    assert outputs["product"]["max_abs_err"] > DEFAULT_ATOL
    assert outputs["total"]["passed"]


def test_changed_constant_table_names_output_and_error() -> None:
    result = invoke(str(DATA), "-k", "wrong_constant")
    assert result.exit_code == 1
    assert "wrong_constant" in result.stdout
    assert "product: 2 of 2 elements differ" in result.stdout
    assert "max abs" in result.stdout


def test_before_program_that_raises_fails_with_its_own_traceback(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["before_raises"]
    assert fixture["status"] == "fail"
    assert run_of(fixture, "before")["outcome"] == "program_error"
    assert "ValueError: width must be positive, got 0" in fixture["message"]
    assert "layer = build(0)" in fixture["message"]
    assert "child_runner" not in fixture["message"]
    assert len(fixture["runs"]) == 1  # no point running after.py


def test_hanging_after_program_is_killed_at_the_timeout(batch: dict[str, Any]) -> None:
    limit = load(DATA / "after_hangs").timeout_s  # its fixture.toml's timeout_s
    assert limit != DEFAULT_TIMEOUT_S
    fixture = batch["by_name"]["after_hangs"]
    after = run_of(fixture, "after")
    assert fixture["status"] == "fail"
    assert after["outcome"] == "timeout"
    # Killed at the fixture's own limit (not at --timeout's or the default 300 s), and named.
    assert after["message"] == f"killed after the {limit:g} s time limit"
    assert f"{limit:g} s time limit" in fixture["message"]


def test_unbounded_allocation_is_killed_at_the_memory_limit(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["after_allocates"]
    after = run_of(fixture, "after")
    assert fixture["status"] == "fail"
    assert after["outcome"] == "memory"
    limit_mib = parse_size(BATCH_MEMORY_LIMIT) / 1024**2
    # Killed once above the limit; the report rounds to 0.1 MiB, which may meet the limit.
    assert after["peak_rss_mib"] >= limit_mib
    assert f"{limit_mib:.0f} MiB memory limit" in fixture["message"]


def test_outputs_of_different_shapes_fail(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["shape_mismatch"]
    output = outputs_of(fixture)["row_sums"]
    assert fixture["status"] == "fail"
    assert not output["passed"]
    assert output["before_shape"] != output["after_shape"]
    assert "shape" in output["detail"]


def test_nan_in_the_same_place_is_equal_but_on_one_side_fails(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["nan_one_side"]
    outputs = outputs_of(fixture)
    assert outputs["both_nan"]["passed"]
    assert not outputs["one_nan"]["passed"]
    assert "NaN on one side only" in outputs["one_nan"]["detail"]


def test_graph_tensor_no_session_read_is_a_fixture_error(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["graph_tensor_output"]
    assert fixture["message"].startswith("before.py: output 'total' is a graph Tensor")
    assert "no session that holds it closed or stayed open" in fixture["message"]


def test_report_states_runtimes_devices_and_pinned_settings(batch: dict[str, Any]) -> None:
    environment = batch["environment"]
    assert environment["before_runtime"]["mode"] == "tf1"
    assert environment["before_runtime"]["tensorflow"].startswith("1.15")
    assert environment["after_runtime"]["tensorflow"].startswith("2.")
    assert environment["pinned"]["env"] == PINNED_ENV
    for side in ("before", "after"):
        run = run_of(batch["by_name"]["constants"], side)
        assert run["ran_on"] == "CPU"
        assert run["pinned"]["intra_op_threads"] == 1
        assert run["pinned"]["inter_op_threads"] == 1


def test_seeded_initializer_passes_with_alignment(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["seeded_init"]
    assert fixture["status"] == "pass", fixture["message"]
    aligned = fixture["aligned_variables"]
    before_names = [pair["before_name"] for pair in aligned]
    assert before_names == ["dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias"]
    assert all(pair["verdict"] == "same" for pair in aligned)
    # TF 1.15's initializers and Keras 3's drew the same numbers from the shared stream: the
    # after program's own values are the before program's, nothing is injected.
    assert all(pair["equal"] and not pair["injected"] for pair in aligned)
    draws = fixture["aligned_draws"]
    assert draws["aligned_draws"] == draws["before_draws"] == draws["after_draws"] == 2
    assert not draws["order_differs"]
    # The global step and the optimizer's iteration counter are never aligned.
    assert not any("step" in name or "iteration" in name for name in before_names)


def test_eager_variables_are_aligned(batch: dict[str, Any]) -> None:
    # tf.contrib.eager.Variable builds its variable without a variable creator: it is recorded
    # all the same, in creation order.
    fixture = batch["by_name"]["eager_random_init"]
    assert fixture["status"] == "pass", fixture["message"]
    aligned = fixture["aligned_variables"]
    assert [pair["before_name"] for pair in aligned] == ["w", "v"]
    # Drawn from the one stream on both sides, the after run's own values equal the records.
    assert all(pair["verdict"] == "same" and pair["equal"] for pair in aligned)


def test_seeded_initializer_fails_without_alignment() -> None:
    result = invoke(str(DATA), "-k", "seeded_init", "--align", "none", "--output-format", "json")
    report = json.loads(result.stdout)
    fixture = report["fixtures"][0]
    assert result.exit_code == 1
    assert fixture["aligned_variables"] == []
    assert not all(output["passed"] for output in fixture["outputs"])


def test_wrong_initializer_fails_alignment(batch: dict[str, Any]) -> None:
    fixture = batch["by_name"]["wrong_init"]
    verdicts = {pair["before_name"]: pair["verdict"] for pair in fixture["aligned_variables"]}
    assert fixture["status"] == "fail"
    assert "initial distribution" in fixture["message"]
    assert verdicts["dense/kernel"] == "different"
    assert verdicts["dense_1/kernel"] == "different"
    # Caught by the parameters of the random ops too, not only by statistics.
    differ = fixture["aligned_draws"]["parameters_differ"]
    assert [text.split(" drawn with ")[1].split(" (")[0] for text in differ] == [
        "stddev 1 before",
        "stddev 1 before",
    ]
    assert all(", 0.05 after (after.py:" in text for text in differ)


def test_passing_run_exits_zero_and_lists_aligned_variables_when_asked() -> None:
    result = invoke(str(DATA), "-k", "seeded_init", "-k", "constants", "-v")
    assert result.exit_code == 0, result.stdout
    assert "aligned initial values" in result.stdout
    assert "genuine TF 1.x" in result.stdout
    quiet = invoke(str(DATA), "-k", "seeded_init", "-k", "constants")
    assert quiet.exit_code == 0, quiet.stdout
    assert "aligned initial values" not in quiet.stdout
    assert [line.split()[:2] for line in quiet.stdout.splitlines() if " agree: " in line] == [
        ["pass", "constants"],
        ["pass", "seeded_init"],
    ]


def test_absent_device_is_a_clear_error() -> None:
    result = invoke(str(DATA / "constants"), "--device", "gpu", "--output-format", "json")
    fixture = json.loads(result.stdout)["fixtures"][0]
    assert result.exit_code == 2
    assert "device GPU requested but TensorFlow sees only" in fixture["message"]


def test_constant_initial_values_are_kept_whatever_the_creation_order(
    batch: dict[str, Any],
) -> None:
    fixture = batch["by_name"]["constant_init_order"]
    pairs = {pair["after_name"]: pair for pair in fixture["aligned_variables"]}
    assert fixture["status"] == "pass", fixture["message"]
    assert {name: pair["before_name"] for name, pair in pairs.items()} == {
        "shift": "shift",
        "weights": "weights",
        "scale": "scale",
    }
    assert all(pair["equal"] and not pair["injected"] for pair in pairs.values())
