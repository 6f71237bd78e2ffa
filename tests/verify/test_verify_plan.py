"""The side-to-device plan of --device gpu, with the GPU absent (this machine has none)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tf_migrate.verify.devices import DeviceAbsent, Gpu, find_gpus, plan
from tf_migrate.verify.fixture import load
from tf_migrate.verify.harness import tolerance_unstated
from tf_migrate.verify.runtimes import Runtime

GENUINE = Runtime("before", Path("python3.7"), "test", "3.7.16", "1.15.0", "tf1", "tensorflow")
CPU_BUILD = Runtime(
    "before", Path("python3.7"), "test", "3.7.16", "1.15.0", "tf1", "tensorflow_cpu"
)
COMPAT = Runtime("before", Path("python3.11"), "test", "3.11.7", "2.15.1", "tf1-compat")
AMPERE = Gpu("NVIDIA A100-SXM4-40GB", (8, 0))
TURING = Gpu("Tesla T4", (7, 5))


def test_cpu_keeps_both_sides_on_the_cpu() -> None:
    cpu = plan("cpu", GENUINE, None)
    assert (cpu.before.device, cpu.after.device) == ("cpu", "cpu")
    assert not cpu.needs_stated_tolerance


def test_on_ampere_genuine_tf1_runs_on_the_cpu_and_tf2_on_the_gpu_deterministically() -> None:
    gpu = plan("gpu", GENUINE, [AMPERE])
    assert gpu.before.device == "cpu" and not gpu.before.determinism
    assert "needs CUDA 10.0" in gpu.before.why and "NVIDIA A100-SXM4-40GB 8.0" in gpu.before.why
    assert gpu.after.device == "gpu" and gpu.after.determinism
    assert gpu.after.why == "TF32 off, op determinism on"
    assert gpu.needs_stated_tolerance
    assert gpu.describe().startswith("before on CPU (genuine TF 1.15 needs CUDA 10.0")


@pytest.mark.parametrize(
    ("before", "gpus", "device"),
    [
        (GENUINE, [TURING], "gpu"),  # CUDA 10.0 supports Turing
        (GENUINE, [TURING, AMPERE], "cpu"),  # one GPU it cannot use is enough to stay off
        (GENUINE, None, "cpu"),  # no nvidia-smi: the capability is unknown
        (CPU_BUILD, [TURING], "cpu"),  # tensorflow-cpu has no GPU kernels
        (COMPAT, [AMPERE], "gpu"),  # TF 2.15 supports Ampere
    ],
    ids=["turing", "mixed", "unknown", "cpu build", "compat"],
)
def test_where_the_before_side_goes(before: Runtime, gpus: list[Gpu] | None, device: str) -> None:
    assert plan("gpu", before, gpus).before.device == device


def test_no_gpu_listed_is_a_device_absent_error() -> None:
    with pytest.raises(DeviceAbsent, match="device GPU requested but nvidia-smi lists no GPU"):
        plan("gpu", GENUINE, [])


def fake_smi(returncode: int, stdout: str) -> Any:
    def run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, returncode, stdout, "")

    return run


def test_gpus_are_read_from_nvidia_smi() -> None:
    listed = "NVIDIA A100-SXM4-40GB, 8.0\nTesla T4, 7.5\nOld GPU, [N/A]\n"
    assert find_gpus(fake_smi(0, listed)) == [AMPERE, TURING, Gpu("Old GPU, [N/A]", None)]
    assert find_gpus(fake_smi(0, "")) == []
    assert find_gpus(fake_smi(9, "NVIDIA-SMI has failed")) is None

    def missing(command: list[str], **kwargs: Any) -> Any:
        raise FileNotFoundError(command[0])

    assert find_gpus(missing) is None


def test_a_gpu_plan_asks_for_a_stated_tolerance(tmp_path: Path) -> None:
    folder = tmp_path / "fixture"
    folder.mkdir()
    for name in ("before.py", "after.py"):
        (folder / name).write_text("value = 1\n")
    (folder / "fixture.toml").write_text("")
    on_gpu = plan("gpu", GENUINE, [AMPERE])
    unstated = tolerance_unstated(load(folder), on_gpu)
    assert unstated.startswith("--device gpu: before on CPU (genuine TF 1.15 needs CUDA 10.0")
    assert "state the tolerance the comparison may use" in unstated
    assert tolerance_unstated(load(folder), plan("cpu", GENUINE, None)) == ""
    (folder / "fixture.toml").write_text('rtol = 1e-4\nreason = "GPU kernels"\n')
    assert tolerance_unstated(load(folder), on_gpu) == ""
