"""TensorFlow's random ops drawing from the stream (stream.py) instead of their own generators.

The generated op functions (``gen_random_ops.random_uniform`` and its kin) are where every random
API ends — ``tf.random.normal``, initializers, ``tf.nn.dropout``, Keras 3's stateless draws,
``tf.random.shuffle``. Each is replaced, in its module, by a function that draws from the
stream: at once in eager mode, and in graph mode (TF1 sessions, TF2 ``tf.function`` bodies)
through a ``numpy_function`` op that draws each time it runs. Only the raw draw changes; the API
functions around it still scale and shift it, so their parameters still matter. The parameters
(mean, stddev, minval, maxval), the API that drew (dropout, an initializer's class) and the
program line are read from the calling frames, for the record the parent compares.

Random ops nobody here replaces (gamma, Poisson, binomial, ops imported from a saved graph) draw
from TensorFlow's generators as before, and are noted as not aligned.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from collections import deque
from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

from .op_table import NOT_ALIGNED, OPS, PATCHES, RAW_RANDOM_TYPES
from .origin import describe_draw
from .sites import site
from .stream import Stream, draw

DATASET_SHUFFLE_SEED = 1715  # given to Dataset.shuffle calls that name no seed


class OpRecord:
    """A graph-mode random op made by the patch: what it draws, and from where."""

    def __init__(
        self,
        index: int,
        kind: str,
        dtype: Any,
        roles: tuple[str, ...],
        memo: int,
        has_rate: bool,
        origin: dict[str, Any],
    ) -> None:
        self.index = index  # creation order among the random ops, over all graphs
        self.kind = kind
        self.dtype = dtype
        self.roles = roles  # the numpy_function's inputs, in order: draw inputs, seeds, rate
        self.memo = memo  # how many seed inputs follow the draw inputs
        self.has_rate = has_rate
        self.origin = origin  # params, via and site


class RandomOps:
    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.records: dict[tuple[int, str], OpRecord] = {}  # (id(graph), op name) -> record

    def install(self) -> None:
        for module_name, function, kind, inputs, memo, dtype_from in PATCHES:
            module = _module(module_name)
            original = getattr(module, function, None) if module is not None else None
            if original is not None:
                setattr(
                    module, function, self._replacement(original, kind, inputs, memo, dtype_from)
                )
        self._pin_dataset_shuffles()
        for module_name, functions in NOT_ALIGNED:
            module = _module(module_name)
            for function in functions:
                original = getattr(module, function, None) if module is not None else None
                if original is not None:
                    setattr(module, function, self._noting(original, function))

    def _pin_dataset_shuffles(self) -> None:
        """`Dataset.shuffle` is no random op: its order comes from its seeds. Without an op seed
        TF1 derives one from the graph's op count and TF 2 from its eager context, so one is
        given; with the same global seed (or none) both sides then shuffle alike."""
        try:
            dataset_ops = importlib.import_module("tensorflow.python.data.ops.dataset_ops")
        except ImportError:
            return
        original = dataset_ops.DatasetV2.shuffle
        stream = self.stream

        def shuffle(dataset: Any, buffer_size: Any, seed: Any = None, *args: Any, **kw: Any) -> Any:
            if seed is None:
                seed = DATASET_SHUFFLE_SEED
                with stream.lock:
                    stream.seeded_shuffles += 1
            return original(dataset, buffer_size, seed, *args, **kw)

        dataset_ops.DatasetV2.shuffle = shuffle

    def _noting(self, original: Callable[..., Any], function: str) -> Callable[..., Any]:
        stream = self.stream

        def noting(*args: Any, **kwargs: Any) -> Any:
            stream.note_unaligned(f"{function} at {site(sys._getframe(1))}")
            return original(*args, **kwargs)

        return noting

    def _replacement(
        self,
        original: Callable[..., Any],
        kind: str,
        inputs: tuple[str, ...],
        memo: tuple[str, ...],
        dtype_from: str,
    ) -> Callable[..., Any]:
        signature = inspect.signature(original)
        ops = self

        def replacement(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            arguments = dict(bound.arguments)
            origin, rate = describe_draw(sys._getframe(1))
            return ops._draw_op(kind, inputs, memo, dtype_from, arguments, origin, rate)

        return replacement

    def _draw_op(
        self,
        kind: str,
        inputs: tuple[str, ...],
        memo: tuple[str, ...],
        dtype_from: str,
        arguments: dict[str, Any],
        origin: dict[str, Any],
        rate: Any,
    ) -> Any:
        framework = _framework()
        convert = framework["ops"].convert_to_tensor
        roles = inputs + memo
        values = [arguments[role] for role in roles]
        if dtype_from.startswith("="):
            dtype = convert(arguments[dtype_from[1:]]).dtype
        else:
            dtype = framework["dtypes"].as_dtype(arguments[dtype_from])
        if framework["context"].executing_eagerly():
            numbers = [_numpy(value) for value in values]
            drawn = self._draw(kind, dtype.as_numpy_dtype, len(memo), numbers, None, origin)
            return convert(drawn, dtype=dtype)
        tensors = [convert(value) for value in values]
        has_rate = rate is not None
        if has_rate:
            tensors.append(convert(rate))
        record = OpRecord(
            len(self.records),
            kind,
            dtype.as_numpy_dtype,
            roles + (("rate",) if has_rate else ()),
            len(memo),
            has_rate,
            origin,
        )

        def run_op(*numbers: Any) -> Any:
            return self._execute(record, numbers)

        script_ops = importlib.import_module(OPS + "script_ops")
        out = script_ops.numpy_function(run_op, tensors, dtype, name=kind)
        out.set_shape(_static_shape(framework, kind, tensors))
        self.records[(id(out.graph), out.op.name)] = record
        return out

    def _execute(self, record: OpRecord, numbers: tuple[Any, ...]) -> Any:
        """Inside a graph run: one draw of ``record``'s op."""
        if record.has_rate and float(numbers[-1]) == 0.0:
            # keep_prob fed 1.0: no mask is drawn, as TF2 with training=False draws none.
            with self.stream.lock:
                self.stream.skipped_dropouts += 1
            return np.zeros(_shape(numbers[0]), dtype=record.dtype)
        count = len(record.roles) - (1 if record.has_rate else 0)
        return self._draw(
            record.kind,
            record.dtype,
            record.memo,
            list(numbers[:count]),
            record.index,
            record.origin,
        )

    def _draw(
        self,
        kind: str,
        dtype: Any,
        memo: int,
        numbers: list[Any],
        record_id: int | None,
        origin: dict[str, Any],
    ) -> Any:
        draw_inputs = numbers[: len(numbers) - memo]
        if kind in ("shuffle", "categorical"):
            shape: tuple[int, ...] = ()
            extra = tuple(draw_inputs)
        else:
            shape, extra = _shape(draw_inputs[0]), tuple(draw_inputs[1:])
        rows = self.stream.claim_rows(kind, np.dtype(dtype).name, shape, origin["params"])
        if rows is not None:
            position, whole, start = rows
            return draw(position, kind, dtype, whole, extra)[start:]
        memo_key = None
        if memo:
            seeds = tuple(np.asarray(value).tobytes() for value in numbers[-memo:])
            memo_key = (kind, np.dtype(dtype).name, shape, _extra_key(extra), seeds)
        position, new = self.stream.claim(record_id, memo_key)
        values = draw(position, kind, dtype, shape, extra)
        if new:
            signature = dict(
                origin, kind=kind, dtype=np.dtype(dtype).name, shape=list(np.shape(values))
            )
            self.stream.record(position, signature)
        return values

    def upstream_draws(self, tensor: Any) -> bool:
        """Whether computing ``tensor`` (a graph value) runs a random op."""
        graph_id = id(tensor.graph)
        seen = {id(tensor.op)}
        pending = deque([tensor.op])
        while pending:
            op = pending.popleft()
            if (graph_id, op.name) in self.records or op.type in RAW_RANDOM_TYPES:
                return True
            for upstream in op.inputs:
                if id(upstream.op) not in seen:
                    seen.add(id(upstream.op))
                    pending.append(upstream.op)
        return False


def _extra_key(extra: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(np.asarray(value).tobytes() for value in extra)


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(OPS + name)
    except ImportError:
        return None


def _framework() -> dict[str, Any]:
    return {
        "ops": importlib.import_module("tensorflow.python.framework.ops"),
        "dtypes": importlib.import_module("tensorflow.python.framework.dtypes"),
        "tensor_util": importlib.import_module("tensorflow.python.framework.tensor_util"),
        "context": importlib.import_module("tensorflow.python.eager.context"),
    }


def _numpy(value: Any) -> Any:
    if hasattr(value, "numpy"):
        return value.numpy()
    if hasattr(value, "as_list"):  # a TensorShape
        return np.asarray(value.as_list(), dtype=np.int64)
    return np.asarray(value)


def _shape(value: Any) -> tuple[int, ...]:
    return tuple(int(size) for size in np.asarray(value).reshape(-1))


def _static_shape(framework: dict[str, Any], kind: str, tensors: list[Any]) -> Any:
    tensor_util = framework["tensor_util"]
    if kind == "shuffle":
        return tensors[0].shape
    if kind == "categorical":
        samples = tensor_util.constant_value(tensors[1])
        rows = tensors[0].shape[0] if tensors[0].shape.ndims else None
        return [rows, int(samples) if samples is not None else None]
    return tensor_util.constant_value_as_shape(tensors[0])
