"""Run one program in a child process under a runtime: fresh working dir, time and memory bounds.

The memory bound is enforced by a watchdog that polls the child's resident set size through /proc
and kills its process group above the limit. RLIMIT_AS is not used: address space is not memory
used. Importing TF 2.21 alone maps 1.3 GiB of address space for 0.6 GiB resident (TF 1.15: 0.6 GiB
for 0.2 GiB), and each thread's malloc arena reserves 64 MiB more, so an address-space limit either
kills healthy runs or has to be so loose that it bounds little.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tf_migrate.verify.runtimes import Runtime

CHILD_RUNNER = Path(__file__).with_name("child_runner.py")
DEFAULT_MEMORY_LIMIT = 4 * 1024**3
POLL_SECONDS = 0.05
OUTPUT_TAIL_CHARS = 20_000

# The environment both sides run under; the report lists it.
PINNED_ENV = {
    "TF_ENABLE_ONEDNN_OPTS": "0",  # oneDNN alone moves float32 results by ~2e-5 relative
    "PYTHONHASHSEED": "0",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "NVIDIA_TF32_OVERRIDE": "0",  # no TF32 matmuls on GPUs, in TF 1.15 and TF 2 alike
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONUNBUFFERED": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
}


@dataclass(frozen=True)
class Limits:
    timeout_s: float
    memory_bytes: int = DEFAULT_MEMORY_LIMIT


@dataclass
class ChildRun:
    """What one child run left behind."""

    side: str
    # ok | program_error | fixture_error | harness_error | timeout | memory | crashed
    outcome: str
    seconds: float
    peak_rss: int
    stdout: str
    stderr: str
    npz: Path | None
    result: dict[str, Any] = field(default_factory=dict)
    message: str = ""

    @property
    def traceback(self) -> str:
        return str(self.result.get("traceback", ""))

    def to_dict(self) -> dict[str, Any]:
        keys = (
            *("tensorflow", "python", "devices", "ran_on", "pinned"),
            *("import_seconds", "program_seconds", "saved", "skipped"),
        )
        return {
            "side": self.side,
            "outcome": self.outcome,
            "seconds": round(self.seconds, 3),
            "peak_rss_mib": round(self.peak_rss / 1024**2, 1),
            "message": self.message,
            "traceback": self.traceback,
            "stderr_tail": self.stderr[-4000:],
            **{key: self.result[key] for key in keys if key in self.result},
        }


def pinned_environment(device: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(PINNED_ENV)
    if device == "cpu":
        # Hide GPUs so that both sides really compute on the CPU.
        env["CUDA_VISIBLE_DEVICES"] = ""
    return env


def run_program(
    runtime: Runtime,
    program: Path,
    outputs: tuple[str, ...] | None,
    scratch: Path,
    *,
    align: str,
    align_file: Path,
    device: str,
    limits: Limits,
) -> ChildRun:
    """Run ``program`` (with its folder copied to a fresh working dir) and collect the outputs."""
    side = runtime.side
    workdir = scratch / side / "work"
    iodir = scratch / side / "io"
    shutil.copytree(program.parent, workdir)
    iodir.mkdir(parents=True)
    spec = {
        "program": str(workdir / program.name),
        "outputs": list(outputs) if outputs is not None else None,
        "npz": str(iodir / "outputs.npz"),
        "result": str(iodir / "result.json"),
        "mode": runtime.mode,
        "align": align,
        "align_file": str(align_file),
        "device": device,
    }
    spec_path = iodir / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    stdout_path, stderr_path = iodir / "stdout.txt", iodir / "stderr.txt"
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        started = time.monotonic()
        process = subprocess.Popen(
            [str(runtime.python), "-s", str(CHILD_RUNNER), str(spec_path)],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=pinned_environment(device),
            start_new_session=True,  # its own process group, so a kill reaches its children
        )
        outcome, peak = _watch(process, started + limits.timeout_s, limits.memory_bytes)
        seconds = time.monotonic() - started
    run = ChildRun(
        side=side,
        outcome=outcome,
        seconds=seconds,
        peak_rss=peak,
        stdout=_tail(stdout_path),
        stderr=_tail(stderr_path),
        npz=None,
    )
    return _finish(run, process.returncode, iodir, limits)


def _finish(run: ChildRun, returncode: int | None, iodir: Path, limits: Limits) -> ChildRun:
    if run.outcome == "timeout":
        run.message = f"killed after the {limits.timeout_s:g} s time limit"
        return run
    if run.outcome == "memory":
        limit_mib = limits.memory_bytes / 1024**2
        run.message = f"killed above the {limit_mib:.0f} MiB memory limit"
        return run
    result_path = iodir / "result.json"
    if not result_path.exists():
        run.outcome = "crashed"
        run.message = f"the runtime exited with code {returncode} without a result" + (
            f"; last error output:\n{run.stderr[-2000:]}" if run.stderr.strip() else ""
        )
        return run
    run.result = json.loads(result_path.read_text(encoding="utf-8"))
    run.outcome = str(run.result.get("status", "harness_error"))
    run.message = str(run.result.get("message", ""))
    if run.outcome == "ok":
        run.npz = iodir / "outputs.npz"
    return run


# Children still running, so that an interrupted verify (Ctrl-C reaches only the main thread,
# and the children have their own sessions) can end every one of them.
_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()


def kill_running() -> None:
    with _live_lock:
        running = list(_live)
    for process in running:
        _kill(process)


def _watch(process: subprocess.Popen[bytes], deadline: float, memory_bytes: int) -> tuple[str, int]:
    with _live_lock:
        _live.add(process)
    try:
        return _poll(process, deadline, memory_bytes)
    finally:
        with _live_lock:
            _live.discard(process)


def _poll(process: subprocess.Popen[bytes], deadline: float, memory_bytes: int) -> tuple[str, int]:
    peak = 0
    try:
        while process.poll() is None:
            rss = tree_rss(process.pid)
            peak = max(peak, rss)
            if rss > memory_bytes:
                _kill(process)
                return "memory", peak
            if time.monotonic() > deadline:
                _kill(process)
                return "timeout", peak
            time.sleep(POLL_SECONDS)
    except BaseException:
        # The child has its own session, so Ctrl-C does not reach it: end it here.
        _kill(process)
        raise
    return "exited", peak


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def tree_rss(pid: int) -> int:
    """Resident bytes of ``pid`` and its descendants (0 where /proc is unavailable)."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        total += _rss(current)
        pending.extend(_children(current))
    return total


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid: int) -> list[int]:
    children: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return children
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                children.extend(int(child) for child in handle.read().split())
        except (OSError, ValueError):
            continue
    return children


def _tail(path: Path) -> str:
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - OUTPUT_TAIL_CHARS))
        return handle.read().decode("utf-8", errors="replace")
