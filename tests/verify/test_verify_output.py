"""How verify prints its results where people read them: a terminal, a CI log, `| tee`."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from rich.console import Console

from tf_migrate.verify.compare import compare
from tf_migrate.verify.harness import FAIL, PASS, FixtureResult, Options
from tf_migrate.verify.report import render
from tf_migrate.verify.runner import ChildRun
from tf_migrate.verify.runtimes import Runtime

OPTIONS = Options(
    before=Runtime("before", Path("/rt/tf1/bin/python"), "test", "3.7.17", "1.15.0", "tf1"),
    after=Runtime("after", Path("/rt/tf2/bin/python"), "test", "3.11.7", "2.21.0", "tf2"),
)
LONG = "session_graph_helpers_with_a_rather_long_fixture_name"


def result(name: str, outputs: dict[str, tuple[list[float], list[float]]]) -> FixtureResult:
    comparisons = [
        compare(output, np.array(before), np.array(after), 1e-6, 1e-6)
        for output, (before, after) in outputs.items()
    ]
    status = PASS if all(comparison.passed for comparison in comparisons) else FAIL
    runs = [ChildRun(side, "ok", 1.5, 0, "", "", None) for side in ("before", "after")]
    return FixtureResult(name, Path(name), status, runs=runs, comparisons=comparisons)


def printed(results: list[FixtureResult], *, terminal: bool, verbose: bool = False) -> str:
    buffer = io.StringIO()
    # As the verify command makes it; a pipe or a CI log is 80 columns wide to rich.
    console = Console(file=buffer, width=80, force_terminal=terminal, soft_wrap=True)
    console.no_color = True
    render(console, results, OPTIONS, verbose=verbose)
    return buffer.getvalue()


PASSING = result(LONG, {"weights_after_training_step": ([1.0, 2.0], [1.0, 2.0])})
FAILING = result("wrong_product", {"product_of_the_two_matrices": ([2.0, 4.0], [2.0, 5.0])})


def test_by_default_one_line_per_program_says_what_was_compared() -> None:
    text = printed([PASSING], terminal=False)
    lines = [line for line in text.splitlines() if LONG in line]
    assert lines == [
        f"pass  {LONG}  1/1 agree: weights_after_training_step; worst abs err 0, rel err 0  "
        "(before 1.5 s, after 1.5 s)"
    ]
    assert text.splitlines()[-1] == "1 pass"


def test_the_line_names_the_worst_errors_one_sided_names_and_why_others_were_not_compared() -> None:
    failing = result("fit", {"w": ([2.0, 4.0], [2.0, 5.0]), "b": ([1.0], [1.0])})
    failing.only_after = ["y_pred"]
    failing.not_compared = {
        "sess": "before: not a value (Session)",
        "step": "loop counter",
        "x": "loop counter",
    }
    (line,) = [line for line in printed([failing], terminal=False).splitlines() if "agree" in line]
    assert line.startswith(
        "fail  fit  1/2 agree: w, b; worst abs err 1 (w), rel err 0.25 (w); only after: y_pred; "
        "not compared: sess (before: not a value (Session)); step, x (loop counter)"
    )


def test_outside_a_terminal_each_output_of_a_failure_is_one_unbroken_line() -> None:
    text = printed([PASSING, FAILING], terminal=False)
    product = [line for line in text.splitlines() if "product_of_the_two_matrices" in line]
    assert product[1] == (
        "  wrong_product product_of_the_two_matrices: shape (2,), float, max abs err 1, "
        "max rel err 0.25: fail"
    )
    assert len(product) == 3  # the summary line, the output's line and its detail line
    assert f"{LONG} weights_after_training_step: shape" not in text  # a pass keeps to its line
    assert not any(character in text for character in "┃│━")


def test_verbose_shows_the_outputs_of_programs_that_passed() -> None:
    text = printed([PASSING], terminal=False, verbose=True)
    assert f"  {LONG} weights_after_training_step: shape (2,)" in text


def test_on_a_terminal_the_outputs_are_a_table() -> None:
    text = printed([FAILING], terminal=True)
    assert "max abs err" in text and "┃" in text
