"""Scripts as users write them, proven as a pair with no options: `verify OLD.py NEW.py`."""

from __future__ import annotations

import json
from typing import Any

import pytest
from verify_helpers import DATA, SCRIPTS, invoke, outputs_of, run_of

pytestmark = pytest.mark.usefixtures("runtimes")
REGRESSION = SCRIPTS / "linear_regression"


def _pair(*args: str) -> tuple[int, dict[str, Any]]:
    result = invoke(*args, "--output-format", "json")
    report = json.loads(result.stdout)
    (fixture,) = report["fixtures"]
    fixture["environment"] = report["environment"]
    return result.exit_code, fixture


def test_unseeded_numpy_data_and_graph_variable_results_pass_with_no_options() -> None:
    code, fixture = _pair(str(REGRESSION / "tf1.py"), str(REGRESSION / "tf2.py"))
    assert code == 0, fixture["message"]
    assert fixture["programs"] == ["tf1.py", "tf2.py"]
    outputs = outputs_of(fixture)
    # trY comes from unseeded np.random.randn: both sides drew it from the same pinned state.
    assert outputs["trY"]["passed"] and outputs["trY"]["max_abs_err"] == 0
    # w is a graph variable on the TF1 side, read when its session closed.
    assert outputs["w"]["passed"]
    assert run_of(fixture, "before")["graph_values"]["w"].startswith(
        "when the Session created at tf1.py:"
    )
    # The default compares results, not loop counters.
    loop_counters = [name for name, why in fixture["not_compared"].items() if why == "loop counter"]
    assert sorted(loop_counters) == ["epoch", "x", "y"]
    assert not set(loop_counters) & set(outputs)
    assert (
        run_of(fixture, "after")["seeded"]["numpy"] == run_of(fixture, "before")["seeded"]["numpy"]
    )


def test_the_pair_with_another_learning_rate_fails_naming_the_variable() -> None:
    code, fixture = _pair(str(REGRESSION / "tf1.py"), str(REGRESSION / "tf2_other_rate.py"))
    assert code == 1
    assert fixture["status"] == "fail"
    assert fixture["message"] == "output(s) differ: w"


def test_printed_only_results_pass_with_stdout() -> None:
    folder = DATA / "printed_only"
    code, fixture = _pair(str(folder / "before.py"), str(folder / "after.py"), "--stdout")
    assert code == 0, fixture["message"]
    (stdout,) = fixture["outputs"]
    assert stdout["name"] == "stdout" and stdout["total"] > 0
