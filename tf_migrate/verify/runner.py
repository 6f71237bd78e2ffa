"""Run one program in a child process under a runtime: fresh working dir, time and memory bounds.

A program runs in a fresh interpreter (cold) or in a child forked from the runtime's fork server
(warm, see warm.py); both are watched the same way.

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
from typing import Any, Protocol

from tf_migrate.verify.runtimes import Runtime
from tf_migrate.verify.warm import ForkServer, WarmRuntimes, WarmUnavailable

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
    draws: Path | None = None  # the record of random draws, when they were aligned
    message: str = ""
    warm: bool = False

    @property
    def traceback(self) -> str:
        return str(self.result.get("traceback", ""))

    def to_dict(self) -> dict[str, Any]:
        keys = (
            *("tensorflow", "python", "devices", "ran_on", "placement", "pinned"),
            *("tensorflow_preloaded", "import_seconds", "program_seconds", "saved", "skipped"),
            *("seeded", "data", "graph_values", "draws"),
        )
        return {
            "side": self.side,
            "outcome": self.outcome,
            "warm": self.warm,
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
    elif device == "gpu":
        env["TF_DETERMINISTIC_OPS"] = "1"  # TF 1.15's deterministic GPU kernels
    return env


class Watched(Protocol):
    """A running child: a subprocess (cold) or a child of a fork server (warm)."""

    @property
    def pid(self) -> int: ...

    def poll(self) -> int | None: ...

    def wait(self, timeout_s: float) -> None:
        """Return when the child has exited, or after ``timeout_s``."""

    def kill(self) -> None:
        """Kill the child and its process group, and reap it."""


class ColdChild:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process

    @property
    def pid(self) -> int:
        return self.process.pid

    def poll(self) -> int | None:
        return self.process.poll()

    def wait(self, timeout_s: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout_s)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


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
    warm: WarmRuntimes | None = None,
    stage: Path | None = None,
    loop_counters: tuple[str, ...] = (),
    determinism: bool = False,
    stdout_chars: int = OUTPUT_TAIL_CHARS,
) -> ChildRun:
    """Run ``program`` (with its folder copied to a fresh working dir) and collect the outputs.

    ``align``: "off", "draws" (random ops draw from the shared stream), "record" (and the
    initial values of model variables are saved to ``align_file``) or "inject" (and checked
    against, or replaced by, those). ``stage`` replaces the copy of the program's folder: the
    working dir is made from it. ``stdout_chars``: how much of the end of stdout to keep.
    """
    side = runtime.side
    workdir = scratch / side / "work"
    iodir = scratch / side / "io"
    shutil.copytree(stage or program.parent, workdir)
    iodir.mkdir(parents=True)
    spec = {
        "program": str(workdir / program.name),
        "outputs": list(outputs) if outputs is not None else None,
        "npz": str(iodir / "outputs.npz"),
        "result": str(iodir / "result.json"),
        "mode": runtime.mode,
        "align": align != "off",
        "variables": align if align in ("record", "inject") else "off",
        "align_file": str(align_file),
        "draws_file": str(iodir / "draws.json"),
        "loop_counters": list(loop_counters),
        "device": device,
        "determinism": determinism,
    }
    spec_path = iodir / "spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    stdout_path, stderr_path = iodir / "stdout.txt", iodir / "stderr.txt"
    stdout_path.touch()  # a forked child killed early may not have opened its own yet
    stderr_path.touch()
    # Waiting for a fork server to finish its imports is not the program's time.
    server = warm.server(side) if warm is not None else None
    started = time.monotonic()
    child, is_warm = _start(runtime, device, server, spec_path, workdir, stdout_path, stderr_path)
    outcome, peak = _watch(child, started + limits.timeout_s, limits.memory_bytes)
    seconds = time.monotonic() - started
    run = ChildRun(
        side=side,
        outcome=outcome,
        seconds=seconds,
        peak_rss=peak,
        stdout=_tail(stdout_path, stdout_chars),
        stderr=_tail(stderr_path, OUTPUT_TAIL_CHARS),
        npz=None,
        warm=is_warm,
    )
    return _finish(run, child.poll(), iodir, limits)


def _start(
    runtime: Runtime,
    device: str,
    server: ForkServer | None,
    spec: Path,
    workdir: Path,
    stdout: Path,
    stderr: Path,
) -> tuple[Watched, bool]:
    """Fork the program from the runtime's fork server if there is one, else start a fresh
    interpreter; True when forked."""
    if server is not None:
        with contextlib.suppress(WarmUnavailable):  # the server died since it started: run cold
            return server.submit(spec, workdir, stdout, stderr), True
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            [str(runtime.python), "-s", str(CHILD_RUNNER), str(spec)],
            cwd=workdir,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=pinned_environment(device),
            start_new_session=True,  # its own process group, so a kill reaches its children
        )
    return ColdChild(process), False


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
    if (iodir / "draws.json").exists():
        run.draws = iodir / "draws.json"
    return run


# Children still running, so that an interrupted verify (Ctrl-C reaches only the main thread,
# and the children have their own sessions) can end every one of them.
_live: set[Watched] = set()
_live_lock = threading.Lock()


def kill_running() -> None:
    with _live_lock:
        running = list(_live)
    for child in running:
        child.kill()


def _watch(child: Watched, deadline: float, memory_bytes: int) -> tuple[str, int]:
    with _live_lock:
        _live.add(child)
    try:
        return _poll(child, deadline, memory_bytes)
    finally:
        with _live_lock:
            _live.discard(child)


def _poll(child: Watched, deadline: float, memory_bytes: int) -> tuple[str, int]:
    peak = 0
    try:
        while child.poll() is None:
            rss = tree_rss(child.pid)
            peak = max(peak, rss)
            if rss > memory_bytes:
                child.kill()
                return "memory", peak
            if time.monotonic() > deadline:
                child.kill()
                return "timeout", peak
            child.wait(POLL_SECONDS)
    except BaseException:
        # The child has its own session, so Ctrl-C does not reach it: end it here.
        child.kill()
        raise
    return "exited", peak


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


def _tail(path: Path, chars: int) -> str:
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        handle.seek(max(0, size - chars))
        return handle.read().decode("utf-8", errors="replace")
