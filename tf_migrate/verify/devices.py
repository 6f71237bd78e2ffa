"""Where each side computes: the side-to-device plan for ``--device``.

``--device cpu`` (the default) computes both sides on the CPU. ``--device gpu`` puts the after
side (TF 2) on the GPU, with TF32 off and TensorFlow's op determinism on. The before side goes
on the GPU only where genuine TF 1.15 can use one: a GPU build of TensorFlow (not
tensorflow-cpu), and GPUs CUDA 10.0 supports — TF 1.15's GPU builds need CUDA 10.0, which knows
no GPU newer than compute capability 7.5 (Turing), so no Ampere or Hopper GPU. Elsewhere the
before side runs on the CPU, and the report says why. GPU kernels are not the CPU's, so a plan
with a GPU asks for a stated tolerance.

The GPUs are listed with ``nvidia-smi``; where it is missing, the plan cannot know the compute
capability and keeps genuine TF 1.15 on the CPU, and each side still checks that TensorFlow sees
the device it was given ("device GPU requested but TensorFlow sees only ['CPU']").
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tf_migrate.verify.runtimes import Runtime

CUDA_10_NEWEST = (7, 5)  # the newest compute capability CUDA 10.0 supports (Turing)
NVIDIA_SMI = ["nvidia-smi", "--query-gpu=name,compute_cap", "--format=csv,noheader"]


class DeviceAbsent(Exception):
    """The device asked for is not there; the message says so."""


@dataclass(frozen=True)
class Gpu:
    name: str
    capability: tuple[int, int] | None  # None when nvidia-smi does not report it


@dataclass(frozen=True)
class SidePlan:
    device: str  # "cpu", "gpu" or "tpu"
    why: str
    determinism: bool = False  # TF 2's op determinism (and a fixed global seed it needs)


@dataclass(frozen=True)
class DevicePlan:
    asked: str
    before: SidePlan
    after: SidePlan

    def side(self, side: str) -> SidePlan:
        return self.before if side == "before" else self.after

    @property
    def needs_stated_tolerance(self) -> bool:
        return self.before.device != "cpu" or self.after.device != "cpu"

    def describe(self) -> str:
        return "; ".join(
            f"{side} on {plan.device.upper()} ({plan.why})"
            for side, plan in (("before", self.before), ("after", self.after))
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            **{
                side: {"device": plan.device, "why": plan.why, "determinism": plan.determinism}
                for side, plan in (("before", self.before), ("after", self.after))
            },
        }


def find_gpus(run: Callable[..., Any] = subprocess.run) -> list[Gpu] | None:
    """The GPUs nvidia-smi lists, or None when it cannot be asked."""
    try:
        done = run(NVIDIA_SMI, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    gpus = []
    for line in done.stdout.splitlines():
        name, _, capability = line.rpartition(",")
        if not name.strip():
            continue
        try:
            major, minor = capability.strip().split(".")
            gpus.append(Gpu(name.strip(), (int(major), int(minor))))
        except ValueError:
            gpus.append(Gpu(line.strip(), None))
    return gpus


def plan(device: str, before: Runtime, gpus: list[Gpu] | None) -> DevicePlan:
    """Where each side computes when ``device`` is asked for; DeviceAbsent when there is no GPU
    to plan with."""
    if device == "cpu":
        return DevicePlan(device, SidePlan("cpu", "asked"), SidePlan("cpu", "asked"))
    if device == "tpu":
        return DevicePlan(device, SidePlan("tpu", "asked"), SidePlan("tpu", "asked"))
    if gpus == []:
        raise DeviceAbsent("device GPU requested but nvidia-smi lists no GPU")
    after = SidePlan("gpu", "TF32 off, op determinism on", determinism=True)
    return DevicePlan(device, _before_on(before, gpus), after)


def _before_on(before: Runtime, gpus: list[Gpu] | None) -> SidePlan:
    if before.distribution == "tensorflow_cpu":
        return SidePlan(
            "cpu",
            f"the before runtime's TensorFlow {before.tensorflow} is the CPU "
            "build (tensorflow-cpu)",
        )
    if before.mode != "tf1":
        return SidePlan("gpu", "TF32 off, op determinism on", determinism=True)
    if gpus is None:
        return SidePlan(
            "cpu",
            "genuine TF 1.15 needs CUDA 10.0, and without nvidia-smi the "
            "GPUs' compute capability is unknown",
        )
    newer = [gpu for gpu in gpus if gpu.capability is None or gpu.capability > CUDA_10_NEWEST]
    if newer:
        found = ", ".join(
            f"{gpu.name} {'.'.join(map(str, gpu.capability)) if gpu.capability else '?'}"
            for gpu in newer
        )
        return SidePlan(
            "cpu",
            "genuine TF 1.15 needs CUDA 10.0, which supports no GPU newer "
            f"than compute capability 7.5 (found {found})",
        )
    return SidePlan("gpu", "CUDA 10.0 supports these GPUs; TF32 off, TF_DETERMINISTIC_OPS=1")
