"""Judging without TensorFlow: loop counters, printed numbers, draw records, the shared stream,
synthetic datasets, and when differing outputs are incomparable rather than failed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tf_migrate.verify import draws, printed
from tf_migrate.verify.child import datasets, stream
from tf_migrate.verify.compare import compare
from tf_migrate.verify.harness import FAIL, INCOMPARABLE, FixtureResult, _judge_outputs, temp_prefix
from tf_migrate.verify.names import loop_counters

LOOPS = """
import numpy as np
for epoch in range(3):
    for (x, y), label in batches:
        loss_value = step(x, y)
    rows[epoch] = loss_value
for i in range(2):
    i += 1
total = sum(v for v in values)
def train():
    for inner in range(2):
        pass
"""


def test_loop_counters_are_names_only_a_module_level_for_binds(tmp_path: Path) -> None:
    program = tmp_path / "program.py"
    program.write_text(LOOPS)
    # `i` is also assigned, `loss_value` is a result, `v` and `inner` are not module-level.
    assert loop_counters(program) == ("epoch", "label", "x", "y")
    program.write_text("print 'python 2'\n")
    assert loop_counters(program) == ()


@pytest.mark.parametrize(
    ("after", "passed"),
    [
        ("step 10: cost = 0.6713\nweights: [ 1.5 -2. ]\n", True),
        ("step 10: cost = 0.6714\nweights: [1.5 -2.]\n", True),  # the last digit, blanks
        ("step 10: cost = 0.6704\nweights: [ 1.5 -2. ]\n", False),
        ("step 10: loss = 0.6713\nweights: [ 1.5 -2. ]\n", False),
        ("step 10: cost = 0.6713\n", False),
        ("step 10: cost = nan\nweights: [ 1.5 -2. ]\n", False),
    ],
    ids=["same", "rounding and padding", "number", "text", "line missing", "nan"],
)
def test_printed_numbers_within_tolerance_and_text_exactly(after: str, passed: bool) -> None:
    before = "step 10: cost = 0.6713\nweights: [ 1.5 -2. ]\n"
    result = printed.compare(before, after, 1e-5, 1e-6)
    assert result.passed is passed
    assert (result.detail == "") is passed


def test_a_printed_difference_names_its_line() -> None:
    result = printed.compare("a 1\nb 2.50\n", "a 1\nb 2.75\n", 1e-5, 1e-6)
    assert result.max_abs_err == pytest.approx(0.25)
    assert result.detail.endswith(
        "line 2: 2.50 before, 2.75 after ('b 2.50' before, 'b 2.75' after)"
    )
    assert printed.last_digit("2.50") == pytest.approx(0.01)
    assert printed.last_digit("1.5e-3") == pytest.approx(1e-4)
    assert printed.last_digit("conv2d") == 0.0  # not a number: text, so it never gets here


def record(*draws_made: dict[str, Any]) -> dict[str, Any]:
    signatures: list[dict[str, Any]] = []
    sequence = []
    for made in draws_made:
        if made not in signatures:
            signatures.append(made)
        sequence.append(signatures.index(made))
    return {"signatures": signatures, "sequence": sequence}


def made(kind: str, shape: list[int], site: str, **params: float) -> dict[str, Any]:
    return {"kind": kind, "dtype": "float32", "shape": shape, "params": params, "site": site}


def test_draws_in_the_same_order_are_aligned_and_listed() -> None:
    init = made("normal", [4, 4], "tf1.py:3", stddev=0.1)
    mask = made("uniform", [8, 4], "tf1.py:9")
    after_init = made("normal", [4, 4], "tf2.py:5", stddev=0.1)
    after_mask = made("uniform", [8, 4], "tf2.py:12")
    aligned = draws.compare(record(init, mask, mask), record(after_init, after_mask, after_mask))
    assert (aligned.aligned_draws, aligned.order_differs, aligned.parameters_differ) == (3, "", [])
    assert [(op.before, op.after, op.draws) for op in aligned.ops] == [
        (
            "normal float32[4, 4] (stddev 0.1) at tf1.py:3",
            "normal float32[4, 4] (stddev 0.1) at tf2.py:5",
            1,
        ),
        ("uniform float32[8, 4] at tf1.py:9", "uniform float32[8, 4] at tf2.py:12", 2),
    ]


def test_a_wrong_parameter_is_caught_and_the_first_reordered_draw_found() -> None:
    wrong = draws.compare(
        record(made("normal", [4, 4], "a.py:1", stddev=1.0)),
        record(made("normal", [4, 4], "b.py:1", stddev=0.05)),
    )
    assert wrong.parameters_differ == [
        "normal [4, 4] drawn with stddev 1 before (a.py:1), 0.05 after (b.py:1)"
    ]
    reordered = draws.compare(
        record(made("normal", [3], "a.py:1"), made("uniform", [3], "a.py:2")),
        record(made("uniform", [3], "b.py:1"), made("normal", [3], "b.py:2")),
    )
    assert reordered.aligned_draws == 0
    assert reordered.order_differs == (
        "the call order differs at draw 1 (after 0 aligned): before drew normal float32[3] at "
        "a.py:1, after drew uniform float32[3] at b.py:1"
    )
    longer = draws.compare(record(made("normal", [3], "a.py:1")), record())
    assert longer.order_differs.endswith("after drew nothing")


def test_differing_outputs_are_incomparable_only_where_the_draws_diverged() -> None:
    def judged(order_differs: str, failures: list[str]) -> FixtureResult:
        result = FixtureResult("program", Path("."), "pass")
        result.comparisons = [compare("w", np.ones(2), np.zeros(2), 1e-5, 1e-6)]
        result.draws = draws.DrawAlignment(2, 2, order_differs=order_differs)
        _judge_outputs(result, failures)
        return result

    assert judged("the call order differs at draw 2", []).status == INCOMPARABLE
    assert judged("", []).status == FAIL
    # A wrong initializer is a real difference, whatever happened to the order later.
    assert judged("the call order differs", ["a random op's parameters differ"]).status == FAIL


def test_temporary_paths_have_no_blanks_or_parentheses() -> None:
    for name in ("old.py -> new.py", "train (1).py (migrated)"):
        prefix = temp_prefix(name)
        assert not set(prefix) & set(" ()<>")
        assert prefix.startswith("tf-migrate-") and prefix.endswith("-")


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_stream_draws_are_pure_functions_of_their_position(dtype: str) -> None:
    uniform = stream.draw(7, "uniform", dtype, (1000,), ())
    assert uniform.dtype == np.dtype(dtype)
    assert uniform.min() >= 0 and uniform.max() < 1  # never rounded up to 1.0
    assert np.array_equal(uniform, stream.draw(7, "uniform", dtype, (1000,), ()))
    assert not np.array_equal(uniform, stream.draw(8, "uniform", dtype, (1000,), ()))
    truncated = stream.draw(3, "truncated_normal", dtype, (500,), ())
    assert np.abs(truncated.astype(np.float64)).max() <= 2.0


def test_stream_shuffles_integers_and_categories() -> None:
    values = np.arange(10)
    shuffled = stream.draw(0, "shuffle", "int64", (), (values,))
    assert sorted(shuffled) == list(values) and not np.array_equal(shuffled, values)
    integers = stream.draw(1, "uniform_int", "int32", (200,), (3, 6))
    assert set(integers.tolist()) == {3, 4, 5}
    logits = np.array([[-np.inf, 0.0, 0.0], [0.0, -np.inf, -np.inf]])
    picks = stream.draw(2, "categorical", "int64", (), (logits, 50))
    assert picks.shape == (2, 50)
    assert set(picks[0].tolist()) <= {1, 2} and set(picks[1].tolist()) == {0}


def test_synthetic_datasets_have_the_real_shapes_and_dtypes() -> None:
    (x_train, y_train), (x_test, y_test) = datasets.images("mnist")
    assert (x_train.shape, x_train.dtype, y_train.shape, y_train.dtype) == (
        (60000, 28, 28),
        np.uint8,
        (60000,),
        np.uint8,
    )
    assert (x_test.shape, y_test.shape) == ((10000, 28, 28), (10000,))
    (x_train, y_train), _ = datasets.images("cifar100", "coarse")
    assert (x_train.shape, y_train.shape, int(y_train.max())) == (
        (50000, 32, 32, 3),
        (50000, 1),
        19,
    )
    (x_train, y_train), (x_test, _) = datasets.sequences("reuters", None, 0, None, 0.2, 1, 3)
    assert (len(x_train), len(x_test), x_train.dtype, y_train.dtype) == (
        8982,
        2246,
        object,
        np.int64,
    )
    assert all(text[0] == 1 for text in x_train[:10])


def test_a_program_error_is_headlined_by_its_exception_and_a_missing_package_hinted() -> None:
    from tf_migrate.verify.harness import _judge_run
    from tf_migrate.verify.runner import ChildRun
    from tf_migrate.verify.runtimes import Runtime
    from tf_migrate.verify.summary import headline

    runtime = Runtime("before", Path("/rt/tf1/bin/python"), "test", "3.7.16", "1.15.0", "tf1")
    traceback = (
        'Traceback (most recent call last):\n  File "plot.py", line 3, in <module>\n'
        "    import matplotlib.pyplot as plt\nModuleNotFoundError: No module named 'matplotlib'\n"
    )
    run = ChildRun("before", "program_error", 0.1, 0, "", "", None, {"traceback": traceback})
    result = FixtureResult("plot.py -> plot2.py", Path("."), "pass", labels=("plot.py", "x.py"))
    assert not _judge_run(result, run, runtime)
    assert result.status == FAIL
    assert result.message.endswith(
        "(the before runtime has no matplotlib: `/rt/tf1/bin/python -m pip install matplotlib` "
        "adds it, or --before-python names a runtime that has it)"
    )
    assert headline(result) == ("plot.py raised: ModuleNotFoundError: No module named 'matplotlib'")
