"""Initial values of model variables: recorded in the before run, checked in the after run.

With random ops drawing from the stream, a faithful migration creates its model variables with
the very values the TF1 program had; the after run checks that (equal values), and its report
says so. Where they differ — the TF2 program draws in another order, or its initializer differs —
the parent tests whether the after program's own values still come from the same distribution,
and the before run's value is injected when both were drawn at random, so that the rest of the
program can still be compared.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import numpy as np

from . import cell_layouts
from .random_ops import RandomOps
from .stream import Stream

MODEL_STAT_SUFFIXES = ("moving_mean", "moving_variance")
# A program that runs thousands of session steps while some variable is never initialised would
# otherwise pay one failing read per step; after this many failed reads the recorder stops trying.
MAX_FAILED_READS = 2000
EQUAL_RTOL, EQUAL_ATOL = 1e-6, 1e-7


def is_model_variable(name: str | None, trainable: Any) -> bool:
    leaf = (name or "").split(":")[0].rsplit("/", 1)[-1]
    if leaf in MODEL_STAT_SUFFIXES:
        return True
    # tf.Variable's trainable default (None) means trainable.
    return trainable is None or bool(trainable)


def stats(values: Any) -> dict[str, float]:
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
    initial_value op would draw new random numbers. Only the first graph that creates model
    variables is recorded (an Estimator rebuilds the same model in later graphs for evaluation
    and prediction).
    """

    def __init__(self, random_ops: RandomOps) -> None:
        self.random_ops = random_ops
        self.records: list[tuple[str, Any, bool]] = []  # name, value, drawn at random
        self.pending: list[tuple[Any, bool]] = []
        self.graph: Any = None
        self.failed_reads = 0
        self.in_creator = 0  # inside the default variable creator, which records what it makes

    def install(self) -> None:
        session_lib = importlib.import_module("tensorflow.python.client.session")
        module = self._creator_module()
        original_creator = module.default_variable_creator
        recorder = self

        def creator(next_creator: Any = None, **kwargs: Any) -> Any:
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

        def run(session: Any, *args: Any, **kwargs: Any) -> Any:
            out = original_run(session, *args, **kwargs)
            if recorder.pending:
                recorder.capture(session, original_run)
            return out

        session_lib.BaseSession.run = run

    def _record_direct_construction(self) -> None:
        """`tf.contrib.eager.Variable(...)` constructs a ResourceVariable directly, which no
        variable creator sees; record those too (the creator records the others)."""
        try:
            resource_variable_ops = importlib.import_module(
                "tensorflow.python.ops.resource_variable_ops")
        except ImportError:
            return
        variable_class = resource_variable_ops.ResourceVariable
        original_init = variable_class.__init__
        recorder = self

        def init(var: Any, *args: Any, **kwargs: Any) -> None:
            original_init(var, *args, **kwargs)
            if not recorder.in_creator and kwargs.get("variable_def") is None:
                recorder.created(var, var.trainable)

        variable_class.__init__ = init

    @staticmethod
    def _creator_module() -> Any:
        try:
            module = importlib.import_module("tensorflow.python.ops.variable_v1")
            if getattr(module, "default_variable_creator", None) is not None:
                return module
        except ImportError:
            pass
        return importlib.import_module("tensorflow.python.ops.variables")

    def created(self, var: Any, trainable: Any) -> None:
        name = var.name.split(":")[0]
        if not is_model_variable(name, trainable) or not var.dtype.base_dtype.is_floating:
            return
        if getattr(var, "_in_graph_mode", True) is False:
            # Eager variables (tf.enable_eager_execution) hold their value from creation on;
            # whether it was drawn is not known after the fact.
            value = np.asarray(var.numpy())
            self.records.append((name, value, value.size > 1 and not _is_constant(value)))
            return
        if self.graph is None:
            self.graph = var.graph
        if var.graph is self.graph:
            self.pending.append((var, self.random_ops.upstream_draws(var.initial_value)))

    def capture(self, session: Any, run: Any) -> None:
        if session.graph is not self.graph or self.failed_reads > MAX_FAILED_READS:
            return
        variables = [var for var, _ in self.pending]
        try:
            values = run(session, variables)
            ready = list(zip(self.pending, values))  # noqa: B905 (no strict= on 3.7)
        except Exception:
            ready = []
            for entry in self.pending:
                try:
                    ready.append((entry, run(session, entry[0])))
                except Exception:
                    self.failed_reads += 1
        done = set(id(entry[0]) for entry, _ in ready)
        self.pending = [entry for entry in self.pending if id(entry[0]) not in done]
        for (var, random), value in ready:
            self.records.append((var.name.split(":")[0], np.asarray(value), random))

    def save(self, path: str) -> dict[str, Any]:
        arrays = {}
        entries = []
        for index, (name, value, random) in enumerate(self.records):
            arrays[f"v{index}"] = value
            entries.append(
                {
                    "name": name,
                    "shape": list(value.shape),
                    "dtype": str(value.dtype),
                    "random": random,
                    "stats": stats(value),
                }
            )
        np.savez(
            path,
            random=np.array([random for _, _, random in self.records], dtype=bool),
            names=np.array([name for name, _, _ in self.records], dtype=str),
            **arrays,
        )
        never_initialised = [var.name.split(":")[0] for var, _ in self.pending]
        return {"recorded": entries, "never_initialised": never_initialised}


class Injector:
    """Check the after program's model variables against the before program's initial values.

    Matching is by creation order and shape: each variable takes the first unused record of its
    shape that holds the same values, else the first of the same kind (drawn at random or not;
    for constants, the same value). A value equal to the record's is kept: the draws were
    aligned. A random value that differs is replaced by the record's (injected); a constant one
    is kept, so two same-shape variables created in another order cannot swap their constants.
    The program's own initial value is computed once, so the parent can check its distribution
    against the record's.
    Keras 3 on TF 2.21 builds its variables with tf.Variable, so tf.variable_creator_scope sees
    them, named `kernel`, `bias`, `moving_mean`...
    A Keras recurrent cell's `kernel`, `recurrent_kernel` and `bias` have no record of their
    shape: a TF1 cell keeps one kernel for input and state, with its gates in another order
    (cell_layouts.py). The kernel of a Keras cell (known from the calling frames; else a kernel
    that no record of its shape fits, and records named as a TF1 cell's) is matched to a TF1
    cell's records, and each of the cell's three variables is compared with the part derived
    for it, as with a record.
    """

    def __init__(self, tf: Any, path: str, stream: Stream) -> None:
        self.tf = tf
        self.stream = stream
        with np.load(path) as data:
            self.random = [bool(random) for random in data["random"]]
            self.values = [data[f"v{index}"] for index in range(len(self.random))]
            # Names came later than values: a record without them matches by shape alone.
            names = data["names"] if "names" in data.files else [""] * len(self.values)
            self.names = [str(name) for name in names]
        self.used = [False] * len(self.values)
        # The parts of a matched recurrent cell still to come (Keras creates kernel,
        # recurrent_kernel and bias in a row), and the records the cell's parts have used.
        self.cell_parts: list[cell_layouts.Part] = []
        self.cell_records: set[int] = set()
        self.calls_seen = 0  # the stream's draws when the previous model variable was created
        self.scope: Any = None
        self.aligned: list[dict[str, Any]] = []
        self.unmatched: list[dict[str, Any]] = []

    def install(self) -> None:
        # Entered once for the whole run: in eager mode the scope is thread-local state, and
        # FuncGraphs inherit the creator stack, so tf.function bodies are covered too.
        # The scope object is kept: a dropped generator-based context manager exits when collected.
        self.scope = self.tf.variable_creator_scope(self.creator)
        self.scope.__enter__()

    def creator(self, next_creator: Any, **kwargs: Any) -> Any:
        name = kwargs.get("name") or "Variable"
        if kwargs.get("variable_def") is not None or not is_model_variable(
            name, kwargs.get("trainable")
        ):
            return next_creator(**kwargs)
        calls = self.stream.calls
        try:
            own, dtype = self.own_value(kwargs["initial_value"], kwargs.get("dtype"))
        except Exception as exc:
            self.unmatched.append({"name": name, "reason": f"initial value unreadable: {exc}"})
            return next_creator(**kwargs)
        # Drawn by an initializer just now, or (an eager tensor passed in) since the previous
        # variable; a constant value after some other draw is not counted as drawn.
        random = self.stream.calls > calls or (
            self.stream.calls > self.calls_seen and (own.size == 1 or not _is_constant(own))
        )
        self.calls_seen = self.stream.calls
        # From here on the variable is built from the value drawn above, never drawn again.
        kwargs["initial_value"], kwargs["dtype"] = own, dtype
        if own.dtype.kind != "f":
            return next_creator(**kwargs)  # counters and flags are not drawn at random
        part = self.cell_part(name, own, random)
        if part is not None:
            kwargs["initial_value"] = self.align_part(part, name, own, random)
            return next_creator(**kwargs)
        index = self.match(own, random)
        if index is None:
            reason = "no recorded value of this shape"
            self.unmatched.append({"name": name, "shape": list(own.shape), "reason": reason})
            return next_creator(**kwargs)
        self.used[index] = True
        recorded = self.values[index]
        equal = _equal(own, recorded)
        injected = not equal and random and self.random[index]
        self.aligned.append(
            {
                "index": index,
                "name": name,
                "shape": list(own.shape),
                "after_stats": stats(own),
                "random": random,
                "equal": equal,
                "injected": injected,
            }
        )
        if injected:
            kwargs["initial_value"] = recorded.astype(own.dtype)
        return next_creator(**kwargs)

    def cell_part(self, name: str, own: Any, random: bool) -> cell_layouts.Part | None:
        """The value derived from a TF1 cell's records that this variable of a Keras recurrent
        cell is compared with, or None for a variable of no such cell."""
        if self.cell_parts:
            if self.cell_parts[0].value.shape == own.shape:
                return self.cell_parts.pop(0)
            self.release_cell()  # a cell without recurrent kernel or bias: not one of TF1's
        if name.rsplit("/", 1)[-1] != cell_layouts.KERNEL or own.ndim != 2:
            return None
        keras_cell = cell_layouts.keras_cell(sys._getframe(1))
        # A kernel known to be a Keras cell's looks for a TF1 cell first; any other kernel only
        # when no record of its own shape is left.
        if keras_cell is None and self.match(own, random) is not None:
            return None
        shapes = [value.shape for value in self.values]
        cell = cell_layouts.match(own.shape, self.names, shapes, self.used, keras_cell)
        if cell is None:
            return None
        self.release_cell()
        for index in cell.records:
            self.used[index] = True
        parts = cell_layouts.derive(cell, self.values, own.shape[0])
        self.cell_parts = parts[1:]
        kernel, recurrent = parts[0], parts[1]
        if random and len(kernel.records) == 1 and self.random[kernel.records[0]]:
            # TF1 drew this cell's kernel once, for input and state together (stream.py).
            self.stream.continue_rows(own.shape, recurrent.value.shape)
        return kernel

    def align_part(self, part: cell_layouts.Part, name: str, own: Any, random: bool) -> Any:
        """Compare a Keras cell's variable with its part of the TF1 records; the initial value
        to use. The parent tests the distribution against the part, not the whole record."""
        self.cell_records.update(part.records)
        equal = _equal(own, part.value)
        folded = None
        if not equal:
            folded = cell_layouts.folded_constant(own, part, EQUAL_RTOL, EQUAL_ATOL)
        drawn_before = any(self.random[index] for index in part.records)
        injected = not equal and folded is None and random and drawn_before
        entry = {
            "index": part.records[0],
            "records": list(part.records),
            "layout": part.what,
            "name": name,
            "shape": list(own.shape),
            "before_stats": stats(part.value),
            "before_random": drawn_before,
            "after_stats": stats(own),
            "random": random,
            "equal": equal or folded is not None,
            "injected": injected,
        }
        if folded is not None:
            # TF1 adds forget_bias when the cell runs; Keras's unit_forget_bias puts it in the
            # variable, so the two compute the same gates from these values.
            entry["folded_forget_bias"] = folded
        self.aligned.append(entry)
        return part.value.astype(own.dtype) if injected else own

    def release_cell(self) -> None:
        """Give back the records of a matched cell that none of its variables took."""
        taken = self.cell_records
        for part in self.cell_parts:
            for index in part.records:
                if index not in taken:
                    self.used[index] = False
        self.cell_parts, self.cell_records = [], set()

    def own_value(self, initial_value: Any, dtype: Any) -> tuple[Any, Any]:
        """The program's own initial value as numpy, with the dtype TensorFlow gives it."""
        with self.tf.init_scope():
            value = initial_value() if callable(initial_value) else initial_value
            tensor = self.tf.convert_to_tensor(value, dtype=dtype)
            return tensor.numpy(), tensor.dtype

    def match(self, own: Any, random: bool) -> int | None:
        candidates = [
            index
            for index, value in enumerate(self.values)
            if not self.used[index] and value.shape == own.shape
        ]
        for index in candidates:
            if _equal(own, self.values[index]):
                return index  # the same draws, or the same constant
        for index in candidates:
            value = self.values[index]
            if self.random[index] == random and (
                random or value.size == 0 or value.flat[0] == own.flat[0]
            ):
                return index
        # A record of another kind still pairs up, so the parent's check reports the mismatch.
        return candidates[0] if candidates else None

    def report(self) -> dict[str, Any]:
        self.release_cell()
        unused = [index for index, used in enumerate(self.used) if not used]
        return {"aligned": self.aligned, "unmatched": self.unmatched, "unused_records": unused}


def _equal(own: Any, recorded: Any) -> bool:
    return own.shape == recorded.shape and bool(
        np.allclose(own, recorded, rtol=EQUAL_RTOL, atol=EQUAL_ATOL)
    )


def _is_constant(values: Any) -> bool:
    return values.size == 0 or bool((values == values.flat[0]).all())
