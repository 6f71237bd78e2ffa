"""Run one program as the spec says, and write its result: the entry point of the runtime side.

SPEC.json keys:
  program        path of the program to run (already copied into a fresh working directory)
  outputs        list of module-level names to save, or null for every name that holds a value
  loop_counters  names the parent found bound only by module-level for loops (not results)
  npz            where to save the outputs
  result         where to write the JSON result
  mode           "tf1" (graph-mode TF 1.x), "tf1-compat" (TF 2.x behind tensorflow.compat.v1)
                 or "tf2"
  align          true: random ops draw from the shared stream, recorded in draws_file
  variables      "off", "record" (save model variables' initial values) or "inject"
  align_file     .npz written by "record" and read by "inject"
  draws_file     where the record of random draws is written
  device         "cpu", "gpu" or "tpu"
  determinism    true: deterministic kernels (TF 2 op determinism), for a side on a GPU
"""

from __future__ import annotations

import builtins
import json
import os
import sys
import time
import traceback
import types
from typing import Any

import numpy as np

from . import sites
from .datasets import OfflineData
from .environment import Placement, load_tensorflow, pin_threads, require_device
from .errors import FixtureError, HarnessError, ProgramFailed
from .graph_values import GraphValues
from .host_random import HostRandom
from .imports import Replacements
from .random_ops import RandomOps
from .session_plan import SessionPlanner
from .stream import Stream
from .values import collect_outputs
from .variables import Injector, Recorder


def program_traceback(program: str) -> str:
    """The program's own traceback, without the runner's frames above it."""
    exc_type, exc, tb = sys.exc_info()
    frames = traceback.extract_tb(tb)
    start = 0
    for index, frame in enumerate(frames):
        if os.path.abspath(frame.filename) == os.path.abspath(program):
            start = index
            break
    lines = ["Traceback (most recent call last):\n"]
    lines.extend(traceback.format_list(frames[start:]))
    lines.extend(traceback.format_exception_only(exc_type, exc))
    return "".join(lines)


def main_module(program: str) -> types.ModuleType:
    module = types.ModuleType("__main__")
    module.__file__ = program
    module.__builtins__ = builtins  # type: ignore[attr-defined]
    return module


def execute(module: types.ModuleType, program: str) -> dict[str, Any]:
    """Run the program as __main__ (like `python program.py`) and return its module globals.

    Unlike runpy.run_path, the globals survive a sys.exit(0) at the end of a script.
    """
    sys.modules["__main__"] = module
    sys.argv = [program]
    sys.path.insert(0, os.path.dirname(program))
    with open(program, "rb") as handle:
        code = compile(handle.read(), program, "exec")
    try:
        exec(code, module.__dict__)
    except SystemExit as exc:
        if exc.code not in (None, 0):
            raise ProgramFailed(program_traceback(program)) from None
    except Exception:
        raise ProgramFailed(program_traceback(program)) from None
    return module.__dict__


class Harness:
    """Everything installed around one program, in the order it must be installed."""

    def __init__(self, spec: dict[str, Any], result: dict[str, Any]) -> None:
        self.spec = spec
        self.result = result
        self.mode = spec["mode"]
        self.module = main_module(spec["program"])
        self.placement = Placement()
        self.graph = GraphValues(self.module)
        self.stream: Stream | None = None
        self.recorder: Recorder | None = None
        self.injector: Injector | None = None
        self.data = OfflineData(Replacements())
        self.host = HostRandom()

    def install(self, real_tf: Any) -> None:
        graph_mode = self.mode != "tf2"
        # Sessions are watched on both sides: a TF 2 program may keep tf.compat.v1 sessions.
        self.graph.install()
        self.data.replacements.install()
        self.data.install()
        if not graph_mode:
            self.placement.install_variable_observer(real_tf)
        if self.spec["align"]:
            self.stream = Stream()
            random_ops = RandomOps(self.stream)
            random_ops.install()
            SessionPlanner(random_ops, self.stream).install()
            if self.spec["variables"] == "record":
                self.recorder = Recorder(random_ops)
                self.recorder.install()
            elif self.spec["variables"] == "inject":
                self.injector = Injector(real_tf, self.spec["align_file"], self.stream)
                self.injector.install()
        if graph_mode:
            # After the recorder, so that its reads of initial values are not traced.
            self.placement.install_session_tracer()
        # Last: nothing installed above may draw from the generators the program starts from.
        self.host.pin()

    def finish(self, completed: bool) -> None:
        """What the run leaves for the parent besides the outputs, even when the program failed."""
        result, spec = self.result, self.spec
        if completed:
            self.graph.read_open_sessions()
        result["placement"] = self.placement.report(self.mode)
        result["ran_on"] = result["placement"]["ran_on"]
        result["seeded"] = self.host.report()
        result["data"] = list(self.data.used)
        if self.stream is not None:
            result["draws"] = self.stream.save(spec["draws_file"])
        if self.recorder is not None:
            result["alignment"] = self.recorder.save(spec["align_file"])
        if self.injector is not None:
            result["alignment"] = self.injector.report()


def run(spec: dict[str, Any], result: dict[str, Any]) -> None:
    mode = spec["mode"]
    # True in a child forked from a warm fork server (which imported TensorFlow once), False in
    # a fresh interpreter: whether this process had to import TensorFlow itself.
    result["tensorflow_preloaded"] = "tensorflow" in sys.modules
    program = spec["program"]
    sites.set_program(program)
    started = time.time()
    real_tf, _ = load_tensorflow(mode)
    result["tensorflow"] = real_tf.__version__
    result["import_seconds"] = round(time.time() - started, 3)
    result["pinned"] = pin_threads(real_tf, mode, bool(spec.get("determinism")))
    result["devices"], strategy = require_device(real_tf, mode, spec["device"])
    harness = Harness(spec, result)
    harness.install(real_tf)
    if strategy is not None:
        strategy.scope().__enter__()
    started = time.time()
    completed = False
    try:
        module_globals = execute(harness.module, program)
        completed = True
    except ProgramFailed as failure:
        result["status"] = "program_error"
        result["traceback"] = str(failure)
        return
    finally:
        result["program_seconds"] = round(time.time() - started, 3)
        harness.finish(completed)
    harness.placement.observe_globals(module_globals)
    result["placement"] = harness.placement.report(mode)
    result["ran_on"] = result["placement"]["ran_on"]
    arrays, skipped = collect_outputs(
        module_globals,
        spec.get("outputs"),
        spec.get("loop_counters", []),
        harness.graph,
        os.path.basename(program),
    )
    result["graph_values"] = harness.graph.where(sorted(arrays))
    # Prefixed keys: a program may well have an output called `file`, np.savez's own argument.
    np.savez(spec["npz"], **dict(("out_" + name, value) for name, value in arrays.items()))
    result["saved"] = sorted(arrays)
    result["skipped"] = skipped
    result["status"] = "ok"


def run_spec_file(spec_path: str) -> None:
    """Run the spec in SPEC.json and write its result file; the caller then exits."""
    with open(spec_path) as handle:
        spec = json.load(handle)
    result: dict[str, Any] = {"status": "harness_error", "python": sys.version.split()[0]}
    try:
        run(spec, result)
    except FixtureError as exc:
        result["status"] = "fixture_error"
        result["message"] = str(exc)
    except HarnessError as exc:
        result["status"] = "harness_error"
        result["message"] = str(exc)
    except Exception:
        result["status"] = "harness_error"
        result["message"] = traceback.format_exc()
    with open(spec["result"], "w") as handle:
        json.dump(result, handle)
    sys.stdout.flush()
    sys.stderr.flush()
