"""The runtime around the program: TensorFlow's import, threads, devices, and where work ran."""

from __future__ import annotations

import importlib
import sys
from types import ModuleType
from typing import Any

from .errors import HarnessError
from .values import is_tensorflow_object

# Session runs traced for the placement report: enough to see a training step after the
# initializer, few enough that a long loop does not pay for tracing.
TRACED_SESSION_RUNS = 5
# The global seed TF 2 gets when op determinism is on, which refuses unseeded random ops.
DETERMINISM_SEED = 0


def load_tensorflow(mode: str) -> tuple[ModuleType, ModuleType]:
    """TensorFlow itself, and the module the program gets for `import tensorflow`."""
    tf = importlib.import_module("tensorflow")
    if mode == "tf1-compat":
        tf1: ModuleType = tf.compat.v1
        tf1.disable_v2_behavior()
        # Programs say `import tensorflow as tf` and expect TF1 semantics.
        sys.modules["tensorflow"] = tf1
        return tf, tf1
    return tf, tf


def _kept_pin(num_threads: int) -> None:
    """The program's thread count, ignored: the run keeps one thread of each kind."""


def pin_threads(real_tf: ModuleType, mode: str, determinism: bool) -> dict[str, Any]:
    """One intra-op and one inter-op thread on both sides, whatever the program asks for; on a
    GPU (``determinism``), deterministic kernels too."""
    pinned: dict[str, Any] = {"intra_op_threads": 1, "inter_op_threads": 1}
    if mode in ("tf2", "tf1-compat"):
        real_tf.config.threading.set_intra_op_parallelism_threads(1)
        real_tf.config.threading.set_inter_op_parallelism_threads(1)
        # A program that sets its own thread pools (a session config rewritten as
        # `tf.config.threading` calls) keeps the pin, as the TF1 side's sessions do.
        real_tf.config.threading.set_intra_op_parallelism_threads = _kept_pin
        real_tf.config.threading.set_inter_op_parallelism_threads = _kept_pin
        pinned["program_threads_ignored"] = True
        real_tf.config.experimental.enable_tensor_float_32_execution(False)
        if determinism:
            real_tf.config.experimental.enable_op_determinism()
            # Deterministic mode refuses random ops without any seed; aligned draws ignore it.
            real_tf.random.set_seed(DETERMINISM_SEED)
            pinned["op_determinism"] = True
    # TF 1.x has no TF32 switch; NVIDIA_TF32_OVERRIDE=0 from the parent covers cuBLAS/cuDNN,
    # and TF_DETERMINISTIC_OPS=1 its deterministic GPU kernels.
    pinned["tf32"] = False
    if mode in ("tf1", "tf1-compat"):
        config_pb2 = importlib.import_module("tensorflow.core.protobuf.config_pb2")
        session_lib = importlib.import_module("tensorflow.python.client.session")
        original_init = session_lib.BaseSession.__init__

        def init(self: Any, target: str = "", graph: Any = None, config: Any = None) -> None:
            config = config_pb2.ConfigProto() if config is None else config
            config.intra_op_parallelism_threads = 1
            config.inter_op_parallelism_threads = 1
            original_init(self, target, graph, config)

        session_lib.BaseSession.__init__ = init
        pinned["session_config_patched"] = True
    return pinned


def list_devices(real_tf: ModuleType, mode: str) -> list[str]:
    if mode == "tf1":
        device_lib = importlib.import_module("tensorflow.python.client.device_lib")
        return sorted(set(d.device_type for d in device_lib.list_local_devices()))
    return sorted(set(d.device_type for d in real_tf.config.list_physical_devices()))


def require_device(real_tf: ModuleType, mode: str, wanted: str) -> tuple[list[str], Any]:
    """Check that TensorFlow sees the requested device; for a TPU, connect to it.

    Returns the device types TensorFlow sees, and the strategy the program runs under: None, or
    (TF 2 on a TPU) a TPUStrategy, whose scope places the program's variables on the TPU.
    """
    devices = list_devices(real_tf, mode)
    if wanted != "tpu":
        if wanted.upper() not in devices:
            raise HarnessError(
                f"device {wanted.upper()} requested but TensorFlow sees only {devices}"
            )
        return devices, None
    # The documented TPU set-up: resolve the TPU, connect, initialise it, build a TPUStrategy.
    try:
        resolver = real_tf.distribute.cluster_resolver.TPUClusterResolver()
    except Exception as exc:
        raise HarnessError(
            f"device TPU requested but no TPU was found (TPUClusterResolver: "
            f"{type(exc).__name__}: {exc}); TensorFlow sees only {devices}"
        ) from None
    try:
        real_tf.config.experimental_connect_to_cluster(resolver)
        real_tf.tpu.experimental.initialize_tpu_system(resolver)
        if mode == "tf2":
            return devices, real_tf.distribute.TPUStrategy(resolver)
    except Exception as exc:
        raise HarnessError(
            f"device TPU requested; the TPU at {resolver.master()} could not be initialised: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    patch_session_target(resolver.master())
    return devices, None


def patch_session_target(tpu_target: str) -> None:
    """Make TF1 sessions that name no target connect to the TPU worker."""
    session_lib = importlib.import_module("tensorflow.python.client.session")
    original_init = session_lib.BaseSession.__init__

    def init(self: Any, target: str = "", graph: Any = None, config: Any = None) -> None:
        original_init(self, target or tpu_target, graph, config)

    session_lib.BaseSession.__init__ = init


def short_device(name: str | None) -> str:
    """'/job:localhost/replica:0/task:0/device:CPU:0' -> 'CPU:0'."""
    tail = (name or "").rsplit("device:", 1)[-1]
    return ":".join(tail.split(":")[:2]) if tail else ""


class Placement:
    """Where the program's work actually ran, observed cheaply.

    Graph mode (TF1 sessions): the first TRACED_SESSION_RUNS Session.run calls are traced
    (RunOptions SOFTWARE_TRACE), and the step stats name the device of every executed node.
    Eager mode (TF2): the device of every variable the program creates (through a variable
    creator scope) and of every tensor left in a module-level name.
    """

    def __init__(self) -> None:
        self.devices: dict[str, int] = {}
        self.traced_runs = 0
        self.variables = 0
        self.tensors = 0
        self.scope: Any = None

    def count(self, device: str | None, how_many: int = 1) -> None:
        name = short_device(device)
        if name:
            self.devices[name] = self.devices.get(name, 0) + how_many

    def install_session_tracer(self) -> None:
        config_pb2 = importlib.import_module("tensorflow.core.protobuf.config_pb2")
        session_lib = importlib.import_module("tensorflow.python.client.session")
        original_run = session_lib.BaseSession.run
        placement = self

        def run(
            session: Any,
            fetches: Any,
            feed_dict: Any = None,
            options: Any = None,
            run_metadata: Any = None,
        ) -> Any:
            if placement.traced_runs >= TRACED_SESSION_RUNS:
                return original_run(session, fetches, feed_dict, options, run_metadata)
            placement.traced_runs += 1
            traced = config_pb2.RunOptions()
            if options is not None:
                traced.CopyFrom(options)
            traced.trace_level = max(traced.trace_level, config_pb2.RunOptions.SOFTWARE_TRACE)
            metadata = config_pb2.RunMetadata() if run_metadata is None else run_metadata
            out = original_run(session, fetches, feed_dict, traced, metadata)
            for device_stats in metadata.step_stats.dev_stats:
                placement.count(device_stats.device, len(device_stats.node_stats))
            return out

        session_lib.BaseSession.run = run

    def install_variable_observer(self, tf: ModuleType) -> None:
        placement = self

        def observe(next_creator: Any, **kwargs: Any) -> Any:
            var = next_creator(**kwargs)
            placement.variables += 1
            placement.count(getattr(var, "device", ""))
            return var

        self.scope = tf.variable_creator_scope(observe)
        self.scope.__enter__()

    def observe_globals(self, module_globals: dict[str, Any]) -> None:
        for value in list(module_globals.values()):
            if is_tensorflow_object(value) and hasattr(value, "numpy"):
                device = getattr(value, "device", "")
                if device:
                    self.tensors += 1
                    self.count(device)

    def report(self, mode: str) -> dict[str, Any]:
        if mode == "tf2":
            basis = (
                f"devices of {self.variables} variable(s) and {self.tensors} module-level tensor(s)"
            )
        else:
            basis = f"step stats of {self.traced_runs} traced Session.run call(s)"
        kinds = sorted(set(name.split(":")[0] for name in self.devices))
        return {
            "ran_on": "+".join(kinds) if kinds else "unknown",
            "devices": dict(sorted(self.devices.items())),
            "basis": basis,
        }
