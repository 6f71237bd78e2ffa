"""--device: absent devices fail clearly on both sides; the report says where each side ran."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from verify_helpers import DATA, invoke, run_of

from tf_migrate.verify.runner import Limits, pinned_environment, run_program
from tf_migrate.verify.runtimes import select
from tf_migrate.verify.warm import WarmRuntimes

pytestmark = pytest.mark.usefixtures("runtimes")


@pytest.fixture(scope="module")
def device_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WarmRuntimes]:
    """Fork servers whose environment does not hide GPUs (as for --device gpu or tpu)."""
    runtimes = [select("before", None, DATA), select("after", None, DATA)]
    servers = WarmRuntimes(runtimes, pinned_environment("gpu"), tmp_path_factory.mktemp("srv"))
    yield servers
    servers.close()


@pytest.mark.parametrize("side", ["before", "after"])
@pytest.mark.parametrize(
    ("device", "message"),
    [
        ("gpu", "device GPU requested but TensorFlow sees only ['CPU'"),
        ("tpu", "device TPU requested but no TPU was found (TPUClusterResolver: "),
    ],
)
def test_absent_device_is_a_harness_error_on_each_side(
    side: str, device: str, message: str, device_servers: WarmRuntimes, tmp_path: Path
) -> None:
    runtime = select(side, None, DATA)
    run = run_program(
        runtime,
        DATA / "constants" / f"{side}.py",
        None,
        tmp_path,
        align="off",
        align_file=tmp_path / "initial_values.npz",
        device=device,
        limits=Limits(timeout_s=120),
        warm=device_servers,
    )
    assert run.warm
    assert run.outcome == "harness_error"
    assert message in run.message


def test_absent_tpu_fails_verify_with_exit_2() -> None:
    result = invoke(str(DATA / "constants"), "--device", "tpu", "--output-format", "json")
    fixture = json.loads(result.stdout)["fixtures"][0]
    assert result.exit_code == 2
    assert "no TPU was found" in fixture["message"]


def test_placement_is_observed_not_taken_from_the_flag(batch: dict[str, Any]) -> None:
    before = run_of(batch["by_name"]["seeded_init"], "before")["placement"]
    after = run_of(batch["by_name"]["seeded_init"], "after")["placement"]
    # TF1: the step stats of traced Session.run calls name the device of every executed node.
    assert before["ran_on"] == "CPU"
    assert before["basis"].startswith("step stats of ")
    assert list(before["devices"]) == ["CPU:0"] and before["devices"]["CPU:0"] > 10
    # TF2: the devices of the variables the program created and of its module-level tensors.
    assert after["ran_on"] == "CPU"
    assert after["basis"].startswith("devices of ")
    assert list(after["devices"]) == ["CPU:0"] and after["devices"]["CPU:0"] >= 4


def test_the_table_says_where_each_side_ran() -> None:
    summary = invoke(str(DATA / "constants"))
    assert summary.exit_code == 0
    assert "(before on CPU " in summary.stdout and ", after on CPU " in summary.stdout
    result = invoke(str(DATA / "constants"), "-v")
    assert result.exit_code == 0
    assert "before ran on CPU (step stats of 1 traced Session.run call(s): CPU:0 x" in result.stdout
    assert "after ran on CPU (devices of 0 variable(s) and 2 module-level tensor(s)" in (
        result.stdout
    )
