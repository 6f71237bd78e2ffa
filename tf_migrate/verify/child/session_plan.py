"""TF1 session runs draw in the order a TF2 program would: random ops by creation order.

One ``Session.run`` executes the random ops its fetches need in an order of the executor's
choosing (all initializers of ``global_variables_initializer()`` are independent, for one). A TF2
program calls the same ops one after the other, in program order, which is the order the TF1
program created them in. So before each run the random ops it will execute are found (upstream of
the fetches, not behind a fed tensor) and given the next positions of the stream, ordered by
creation; the plan of a (graph, fetches, feeds) combination is kept for the next run.

A dropout whose rate is a tensor (keep_prob fed) draws no mask in runs where it is fed 1.0
(evaluation); its rate is evaluated first, so that such runs reserve no position for it.
"""

from __future__ import annotations

import importlib
from collections import deque
from typing import Any

from .op_table import RAW_RANDOM_TYPES
from .random_ops import RandomOps
from .stream import Stream

MAX_PLANS = 256


class SessionPlanner:
    def __init__(self, random_ops: RandomOps, stream: Stream) -> None:
        self.random_ops = random_ops
        self.stream = stream
        self.plans: dict[tuple[Any, ...], list[tuple[int, Any]]] = {}
        self.original_run: Any = None

    def install(self) -> None:
        session_lib = importlib.import_module("tensorflow.python.client.session")
        base = session_lib.BaseSession
        original_run = self.original_run = base.run
        original_make = getattr(base, "_make_callable_from_options", None)
        planner = self

        def run(
            session: Any,
            fetches: Any,
            feed_dict: Any = None,
            options: Any = None,
            run_metadata: Any = None,
        ) -> Any:
            planned = planner.plan(
                session.graph, _elements(session.graph, fetches), _fed(session.graph, feed_dict)
            )
            planner.begin(session, planned, feed_dict)
            try:
                return original_run(session, fetches, feed_dict, options, run_metadata)
            finally:
                planner.stream.end_block()

        base.run = run
        if original_make is None:
            return

        def make_callable(session: Any, callable_options: Any) -> Any:
            # Keras' backend functions run through callables, not Session.run.
            inner = original_make(session, callable_options)
            graph = session.graph
            names = list(callable_options.fetch) + list(callable_options.target)
            fetched = _elements(graph, names)
            planned = planner.plan(graph, fetched, set(callable_options.feed))

            # Its feeds are positional arguments, so a fed dropout rate cannot be evaluated
            # first: such a dropout draws in execution order.
            unfed = [entry for entry in planned if entry[1] is None]

            def call(*args: Any, **kwargs: Any) -> Any:
                planner.begin(session, unfed, None)
                try:
                    return inner(*args, **kwargs)
                finally:
                    planner.stream.end_block()

            return call

        base._make_callable_from_options = make_callable

    def plan(self, graph: Any, fetched: list[Any] | None, fed: set[str]) -> list[tuple[int, Any]]:
        """(record id, rate tensor or None) of the random ops a run executes, by creation."""
        if fetched is None:
            return []  # fetches of a kind not understood: draws go in execution order
        key = (id(graph), tuple(sorted(op.name for op in fetched)), tuple(sorted(fed)))
        known = self.plans.get(key)
        if known is not None:
            return known
        found: list[tuple[int, Any]] = []
        seen = {id(op) for op in fetched}
        pending = deque(fetched)
        while pending:
            op = pending.popleft()
            record = self.random_ops.records.get((id(graph), op.name))
            if record is not None:
                found.append((record.index, op.inputs[-1] if record.has_rate else None))
            elif op.type in RAW_RANDOM_TYPES:
                self.stream.note_unaligned(
                    f"{op.type} op {op.name} (not made by the program's Python calls)"
                )
            upstream = [t.op for t in op.inputs if t.name not in fed] + list(op.control_inputs)
            for producer in upstream:
                if id(producer) not in seen:
                    seen.add(id(producer))
                    pending.append(producer)
        found.sort(key=lambda entry: entry[0])
        if len(self.plans) < MAX_PLANS:
            self.plans[key] = found
        return found

    def begin(self, session: Any, planned: list[tuple[int, Any]], feed_dict: Any) -> None:
        rates = [rate for _, rate in planned if rate is not None]
        dropped: set[int] = set()
        if rates:
            try:
                values = self.original_run(session, rates, feed_dict)
            except Exception:
                values = [None] * len(rates)  # evaluated when the op runs, as usual
            zero_rates = {id(rate) for rate, value in zip(rates, values) if value == 0}  # noqa: B905
            dropped = {index for index, rate in planned if id(rate) in zero_rates}
        self.stream.begin_block([index for index, _ in planned if index not in dropped])


def _elements(graph: Any, fetches: Any) -> list[Any] | None:
    """The ops a run's fetches name, or None when some fetch is of a kind not understood."""
    nest = importlib.import_module("tensorflow.python.util.nest")
    ops: list[Any] = []
    for fetch in nest.flatten(fetches):
        try:
            element = graph.as_graph_element(fetch, allow_tensor=True, allow_operation=True)
        except Exception:
            parts = [getattr(fetch, name, None) for name in ("indices", "values", "dense_shape")]
            if not any(part is not None for part in parts):
                return None
            ops.extend(part.op for part in parts if part is not None)
            continue
        ops.append(getattr(element, "op", element))
    return ops


def _fed(graph: Any, feed_dict: Any) -> set[str]:
    names: set[str] = set()
    for key in feed_dict or {}:
        if isinstance(key, str):
            names.add(key)
            continue
        for part in (key, getattr(key, "indices", None), getattr(key, "values", None)):
            name = getattr(part, "name", None)
            if isinstance(name, str):
                names.add(name)
    return names
