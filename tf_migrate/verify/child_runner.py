"""Run one fixture program inside a TensorFlow runtime and save its named outputs.

This file is executed by the runtime's own interpreter (Python 3.7 with TF 1.15, or a newer Python
with TF 2.x), never imported by tf-migrate. It must therefore stay a single file that uses only the
standard library and numpy, with syntax that Python 3.7 accepts.

Usage: python child_runner.py SPEC.json   (fork_server.py beside it runs many specs warm)

SPEC.json keys:
  program       path of the program to run (already copied into a fresh working directory)
  outputs       list of module-level names to save, or null for every name that holds a value
  npz           where to save the outputs
  result        where to write the JSON result
  mode          "tf1" (graph-mode TF 1.x), "tf1-compat" (TF 2.x behind tensorflow.compat.v1)
                or "tf2"
  align         "off", "record" (save model variables' initial values) or "inject"
  align_file    .npz written by "record" and read by "inject"
  device        "cpu", "gpu" or "tpu"
"""

import builtins
import json
import os
import sys
import time
import traceback
import types

import numpy as np

MODEL_STAT_SUFFIXES = ("moving_mean", "moving_variance")
# Session runs traced for the placement report: enough to see a training step after the
# initializer, few enough that a long loop does not pay for tracing.
TRACED_SESSION_RUNS = 5
# A program that runs thousands of session steps while some variable is never initialised would
# otherwise pay one failing read per step; after this many failed reads the recorder stops trying.
MAX_FAILED_READS = 2000


class FixtureError(Exception):
    """The fixture asks for something the harness cannot provide (e.g. a graph tensor output)."""


class HarnessError(Exception):
    """The runtime cannot run the fixture as asked (e.g. the device is absent)."""


def load_tensorflow(mode):
    import tensorflow as tf

    if mode == "tf1-compat":
        tf1 = tf.compat.v1
        tf1.disable_v2_behavior()
        # Programs say `import tensorflow as tf` and expect TF1 semantics.
        sys.modules["tensorflow"] = tf1
        return tf, tf1
    return tf, tf


def pin_threads(real_tf, mode):
    """Use one intra-op and one inter-op thread on both sides, whatever the program asks for."""
    pinned = {"intra_op_threads": 1, "inter_op_threads": 1}
    if mode == "tf2" or mode == "tf1-compat":
        real_tf.config.threading.set_intra_op_parallelism_threads(1)
        real_tf.config.threading.set_inter_op_parallelism_threads(1)
        real_tf.config.experimental.enable_tensor_float_32_execution(False)
    # TF 1.x has no TF32 switch; NVIDIA_TF32_OVERRIDE=0 from the parent covers cuBLAS/cuDNN.
    pinned["tf32"] = False
    if mode in ("tf1", "tf1-compat"):
        from tensorflow.core.protobuf import config_pb2
        from tensorflow.python.client import session as session_lib

        original_init = session_lib.BaseSession.__init__

        def init(self, target="", graph=None, config=None):
            config = config_pb2.ConfigProto() if config is None else config
            config.intra_op_parallelism_threads = 1
            config.inter_op_parallelism_threads = 1
            original_init(self, target, graph, config)

        session_lib.BaseSession.__init__ = init
        pinned["session_config_patched"] = True
    return pinned


def list_devices(real_tf, mode):
    if mode == "tf1":
        from tensorflow.python.client import device_lib

        return sorted(set(d.device_type for d in device_lib.list_local_devices()))
    return sorted(set(d.device_type for d in real_tf.config.list_physical_devices()))


def require_device(real_tf, mode, wanted):
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


def patch_session_target(tpu_target):
    """Make TF1 sessions that name no target connect to the TPU worker."""
    from tensorflow.python.client import session as session_lib

    original_init = session_lib.BaseSession.__init__

    def init(self, target="", graph=None, config=None):
        original_init(self, target or tpu_target, graph, config)

    session_lib.BaseSession.__init__ = init


def short_device(name):
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

    def __init__(self):
        self.devices = {}
        self.traced_runs = 0
        self.variables = 0
        self.tensors = 0
        self.scope = None

    def count(self, device, how_many=1):
        name = short_device(device)
        if name:
            self.devices[name] = self.devices.get(name, 0) + how_many

    def install_session_tracer(self):
        from tensorflow.core.protobuf import config_pb2
        from tensorflow.python.client import session as session_lib

        original_run = session_lib.BaseSession.run
        placement = self

        def run(session, fetches, feed_dict=None, options=None, run_metadata=None):
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

    def install_variable_observer(self, tf):
        placement = self

        def observe(next_creator, **kwargs):
            var = next_creator(**kwargs)
            placement.variables += 1
            placement.count(getattr(var, "device", ""))
            return var

        self.scope = tf.variable_creator_scope(observe)
        self.scope.__enter__()

    def observe_globals(self, module_globals):
        for value in list(module_globals.values()):
            if _is_tensorflow_object(value) and hasattr(value, "numpy"):
                device = getattr(value, "device", "")
                if device:
                    self.tensors += 1
                    self.count(device)

    def report(self, mode):
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


def is_model_variable(name, trainable):
    leaf = (name or "").split(":")[0].rsplit("/", 1)[-1]
    if leaf in MODEL_STAT_SUFFIXES:
        return True
    # tf.Variable's trainable default (None) means trainable.
    return trainable is None or bool(trainable)


def stats(values):
    flat = np.asarray(values, dtype=np.float64).ravel()
    if flat.size == 0:
        return {"n": 0, "mean": 0.0, "std": 0.0, "min": 0.0, "max": 0.0}
    return {
        "n": int(flat.size),
        "mean": float(flat.mean()),
        "std": float(flat.std()),
        "min": float(flat.min()),
        "max": float(flat.max()),
    }


class Recorder:
    """Record the initial values of TF1 model variables, in creation order.

    Creation is observed by wrapping the default variable creator (it sits under every graph's
    creator stack, so programs that make their own tf.Graph are covered too). Values are read
    from the session right after the Session.run that initialised them: re-running an
    initial_value op would draw new random numbers, and adding ops to the graph would shift the
    op seeds the program's own random ops derive from the graph's op count.
    Only the first graph that creates model variables is recorded (an Estimator rebuilds the
    same model in later graphs for evaluation and prediction).
    """

    def __init__(self):
        self.records = []
        self.pending = []
        self.graph = None
        self.failed_reads = 0
        self.in_creator = 0  # inside the default variable creator, which records what it makes

    def install(self):
        from tensorflow.python.client import session as session_lib

        module = self._creator_module()
        original_creator = module.default_variable_creator
        recorder = self

        def creator(next_creator=None, **kwargs):
            recorder.in_creator += 1
            try:
                var = original_creator(next_creator, **kwargs)
            finally:
                recorder.in_creator -= 1
            if kwargs.get("variable_def") is None:
                recorder.created(var, kwargs.get("trainable"))
            return var

        module.default_variable_creator = creator
        self._record_direct_construction()
        original_run = session_lib.BaseSession.run

        def run(session, *args, **kwargs):
            out = original_run(session, *args, **kwargs)
            if recorder.pending:
                recorder.capture(session, original_run)
            return out

        session_lib.BaseSession.run = run

    def _record_direct_construction(self):
        """`tf.contrib.eager.Variable(...)` constructs a ResourceVariable directly, which no
        variable creator sees; record those too (the creator records the others)."""
        try:
            from tensorflow.python.ops import resource_variable_ops
        except ImportError:
            return
        variable_class = resource_variable_ops.ResourceVariable
        original_init = variable_class.__init__
        recorder = self

        def init(var, *args, **kwargs):
            original_init(var, *args, **kwargs)
            if not recorder.in_creator and kwargs.get("variable_def") is None:
                recorder.created(var, var.trainable)

        variable_class.__init__ = init

    @staticmethod
    def _creator_module():
        try:
            from tensorflow.python.ops import variable_v1 as module

            if getattr(module, "default_variable_creator", None) is not None:
                return module
        except ImportError:
            pass
        from tensorflow.python.ops import variables as module

        return module

    def created(self, var, trainable):
        name = var.name.split(":")[0]
        if not is_model_variable(name, trainable) or not var.dtype.base_dtype.is_floating:
            return
        if getattr(var, "_in_graph_mode", True) is False:
            # Eager variables (tf.enable_eager_execution) hold their value from creation on.
            self.records.append((name, np.asarray(var.numpy())))
            return
        if self.graph is None:
            self.graph = var.graph
        if var.graph is self.graph:
            self.pending.append(var)

    def capture(self, session, run):
        if session.graph is not self.graph or self.failed_reads > MAX_FAILED_READS:
            return
        try:
            values = run(session, self.pending)
            ready = list(zip(self.pending, values))  # noqa: B905 (no strict= on 3.7)
        except Exception:
            ready = []
            for var in self.pending:
                try:
                    ready.append((var, run(session, var)))
                except Exception:
                    self.failed_reads += 1
        done = set(id(var) for var, _ in ready)
        self.pending = [var for var in self.pending if id(var) not in done]
        for var, value in ready:
            self.records.append((var.name.split(":")[0], np.asarray(value)))

    def save(self, path):
        arrays = {}
        entries = []
        for index, (name, value) in enumerate(self.records):
            arrays[f"v{index}"] = value
            entry = {"name": name, "shape": list(value.shape), "dtype": str(value.dtype)}
            entry.update({"stats": stats(value)})
            entries.append(entry)
        np.savez(path, **arrays)
        never_initialised = [var.name.split(":")[0] for var in self.pending]
        return {"recorded": entries, "never_initialised": never_initialised}


class Injector:
    """Give the after program's random model variables the before program's initial values.

    Matching is by creation order and shape: each variable takes the first unused recorded value
    of its shape, preferring one of the same kind (random or constant; for constants, the same
    value). Only random values are replaced: a constant initial value (zeros, ones) is already
    aligned, and keeping it means two same-shape variables created in another order cannot
    swap their constants. The program's own initial value is computed once, so the parent can
    check its distribution against the recorded one.
    Keras 3 on TF 2.21 builds its variables with tf.Variable, so tf.variable_creator_scope sees
    them, named `kernel`, `bias`, `moving_mean`... (tests/verify: seeded_init aligns Dense layers).
    """

    def __init__(self, tf, path):
        self.tf = tf
        with np.load(path) as data:
            count = len(data.files)
            self.values = [data[f"v{i}"] for i in range(count)]
        self.used = [False] * len(self.values)
        self.scope = None
        self.aligned = []
        self.unmatched = []

    def install(self):
        # Entered once for the whole run: in eager mode the scope is thread-local state, and
        # FuncGraphs inherit the creator stack, so tf.function bodies are covered too.
        # The scope object is kept: a dropped generator-based context manager exits when collected.
        self.scope = self.tf.variable_creator_scope(self.creator)
        self.scope.__enter__()

    def creator(self, next_creator, **kwargs):
        name = kwargs.get("name") or "Variable"
        if kwargs.get("variable_def") is not None or not is_model_variable(
            name, kwargs.get("trainable")
        ):
            return next_creator(**kwargs)
        try:
            own, dtype = self.own_value(kwargs["initial_value"], kwargs.get("dtype"))
        except Exception as exc:
            self.unmatched.append({"name": name, "reason": f"initial value unreadable: {exc}"})
            return next_creator(**kwargs)
        # From here on the variable is built from the value drawn above, never drawn again.
        kwargs["initial_value"], kwargs["dtype"] = own, dtype
        if own.dtype.kind != "f":
            return next_creator(**kwargs)  # counters and flags are not drawn at random
        constant = is_constant(own)
        index = self.match(own, constant)
        if index is None:
            reason = "no recorded value of this shape"
            self.unmatched.append({"name": name, "shape": list(own.shape), "reason": reason})
            return next_creator(**kwargs)
        self.used[index] = True
        self.aligned.append(
            {
                "index": index,
                "name": name,
                "shape": list(own.shape),
                "after_stats": stats(own),
                "injected": not constant,
            }
        )
        if not constant:
            kwargs["initial_value"] = self.values[index].astype(own.dtype)
        return next_creator(**kwargs)

    def own_value(self, initial_value, dtype):
        """The program's own initial value as numpy, with the dtype TensorFlow gives it."""
        with self.tf.init_scope():
            value = initial_value() if callable(initial_value) else initial_value
            tensor = self.tf.convert_to_tensor(value, dtype=dtype)
            return tensor.numpy(), tensor.dtype

    def match(self, own, constant):
        candidates = [
            index
            for index, value in enumerate(self.values)
            if not self.used[index] and value.shape == own.shape
        ]
        for index in candidates:
            value = self.values[index]
            if is_constant(value) == constant and (
                not constant or value.size == 0 or value.flat[0] == own.flat[0]
            ):
                return index
        # A record of another kind still pairs up, so the parent's check reports the mismatch.
        return candidates[0] if candidates else None

    def report(self):
        unused = [i for i, used in enumerate(self.used) if not used]
        return {"aligned": self.aligned, "unmatched": self.unmatched, "unused_records": unused}


def is_constant(values):
    return values.size == 0 or bool((values == values.flat[0]).all())


def to_array(name, value, tf_mode):
    """Convert one module-level value to a numpy array, or raise FixtureError saying why not."""
    if isinstance(value, np.ndarray):
        array = value
    elif isinstance(value, (bool, int, float, complex, str, bytes, np.generic)):
        array = np.asarray(value)
    elif isinstance(value, (list, tuple)):
        array = np.asarray([to_array(name, item, tf_mode) for item in value])
    elif _is_tensorflow_object(value):
        numpy_method = getattr(value, "numpy", None)
        if numpy_method is None:
            raise FixtureError(
                f"output {name!r} is a graph {type(value).__name__}, not a value: fetch it with "
                "sess.run() and keep the numpy result in a module-level name"
            )
        try:
            array = np.asarray(numpy_method())
        except Exception as exc:
            raise FixtureError(f"output {name!r} could not be converted to numpy: {exc}") from exc
    else:
        raise FixtureError(
            f"output {name!r} is a {type(value).__name__}, not a value "
            "(numpy array, number, list or tensor)"
        )
    if array.dtype == object:
        raise FixtureError(f"output {name!r} is ragged or mixed and has no numeric array form")
    return array


def _is_tensorflow_object(value):
    module = type(value).__module__ or ""
    return module.split(".")[0] in ("tensorflow", "keras", "tf_keras")


def collect_outputs(module_globals, outputs, tf_mode):
    arrays = {}
    skipped = []
    if outputs is not None:
        for name in outputs:
            if name not in module_globals:
                raise FixtureError(f"output {name!r} is not a module-level name of the program")
            arrays[name] = to_array(name, module_globals[name], tf_mode)
        return arrays, skipped
    for name, value in sorted(module_globals.items()):
        if name.startswith("_") or callable(value) or type(value).__name__ == "module":
            continue
        try:
            arrays[name] = to_array(name, value, tf_mode)
        except (FixtureError, ValueError, TypeError):
            skipped.append(name)
    return arrays, skipped


def program_traceback(program):
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


class ProgramFailed(Exception):
    """The program raised; the message is the program's own traceback."""


def execute(program):
    """Run the program as __main__ (like `python program.py`) and return its module globals.

    Unlike runpy.run_path, the globals survive a sys.exit(0) at the end of a script.
    """
    module = types.ModuleType("__main__")
    module.__file__ = program
    module.__builtins__ = builtins
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


def run(spec, result):
    mode = spec["mode"]
    # True in a child forked from a warm fork server (which imported TensorFlow once), False in
    # a fresh interpreter: whether this process had to import TensorFlow itself.
    result["tensorflow_preloaded"] = "tensorflow" in sys.modules
    started = time.time()
    real_tf, _tf = load_tensorflow(mode)
    result["tensorflow"] = real_tf.__version__
    result["import_seconds"] = round(time.time() - started, 3)
    result["pinned"] = pin_threads(real_tf, mode)
    result["devices"], strategy = require_device(real_tf, mode, spec["device"])
    placement = Placement()
    if mode == "tf2":
        placement.install_variable_observer(real_tf)
    recorder = injector = None
    if spec["align"] == "record":
        recorder = Recorder()
        recorder.install()
    elif spec["align"] == "inject":
        injector = Injector(real_tf, spec["align_file"])
        injector.install()
    if mode != "tf2":
        # After the recorder, so that its reads of initial values are not traced.
        placement.install_session_tracer()
    if strategy is not None:
        strategy.scope().__enter__()
    program = spec["program"]
    started = time.time()
    try:
        module_globals = execute(program)
    except ProgramFailed as failure:
        result["status"] = "program_error"
        result["traceback"] = str(failure)
        return
    finally:
        result["program_seconds"] = round(time.time() - started, 3)
        result["placement"] = placement.report(mode)
        result["ran_on"] = result["placement"]["ran_on"]
        if recorder is not None:
            result["alignment"] = recorder.save(spec["align_file"])
        if injector is not None:
            result["alignment"] = injector.report()
    placement.observe_globals(module_globals)
    result["placement"] = placement.report(mode)
    result["ran_on"] = result["placement"]["ran_on"]
    arrays, skipped = collect_outputs(module_globals, spec.get("outputs"), mode)
    # Prefixed keys: a program may well have an output called `file`, np.savez's own argument.
    np.savez(spec["npz"], **dict(("out_" + name, value) for name, value in arrays.items()))
    result["saved"] = sorted(arrays)
    result["skipped"] = skipped
    result["status"] = "ok"


def run_spec_file(spec_path):
    """Run the spec in SPEC.json and write its result file; the caller then exits."""
    with open(spec_path) as handle:
        spec = json.load(handle)
    result = {"status": "harness_error", "python": sys.version.split()[0]}
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


def forget_own_folder():
    """`python child_runner.py` puts this file's folder first on sys.path, where the program
    would find tf-migrate's own modules (`import compare` would not fail as it should)."""
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or ".") != here]


def main(argv):
    forget_own_folder()
    run_spec_file(argv[1])
    # TensorFlow's atexit handlers and thread pools can take seconds or hang; the results are
    # already written.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
