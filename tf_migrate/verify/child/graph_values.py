"""TF1 graph values as outputs: module-level tf.Variables and tensors, read from the session that
held them last.

A TF1 program leaves graph objects in its module-level names (``w = tf.Variable(...)``) and their
values in sessions. Each value is read in the last session that held it: when that session
closes (``with tf.Session() as sess:``, ``sess.close()``), or at the end of the program for a
session never closed (an InteractiveSession). Reading must not change the program: variables are
read as they are; a tensor is evaluated only when nothing stateful lies upstream (no random op,
which would draw again, no assignment, no queue or iterator), and never when it needs a value fed
to a placeholder.
"""

from __future__ import annotations

import importlib
import weakref
from collections import deque
from types import ModuleType
from typing import Any

import numpy as np

from .sites import site
from .values import NotAValue, is_candidate

# Stateful ops that only read: evaluating a tensor downstream of them changes nothing.
READ_OPS = frozenset(
    {"VariableV2", "Variable", "VarHandleOp", "ReadVariableOp", "VarIsInitializedOp"}
)
MUTATING_PREFIXES = ("Assign", "Apply", "ResourceApply", "Scatter", "ResourceScatter", "CountUpTo")
MAX_UPSTREAM_OPS = 200_000


class Reading:
    def __init__(self, object_id: int, value: Any, where: str) -> None:
        self.object_id = object_id
        self.value = value
        self.where = where


class GraphValues:
    def __init__(self, module: ModuleType) -> None:
        self.module = module
        # Open sessions (weakly: a session the program drops still closes when collected) and
        # where each was created.
        self.sessions: list[tuple[weakref.ref[Any], str]] = []
        self.readings: dict[str, Reading] = {}
        self.reasons: dict[str, tuple[int, str]] = {}  # why a name could not be read
        self.original_run: Any = None
        self._unreadable: dict[int, str] = {}  # per op id: why its tensors cannot be read

    def install(self) -> None:
        session_lib = importlib.import_module("tensorflow.python.client.session")
        base = session_lib.BaseSession
        original_init, original_close = base.__init__, base.close
        self.original_run = base.run
        tracker = self

        def init(session: Any, *args: Any, **kwargs: Any) -> None:
            original_init(session, *args, **kwargs)
            tracker.sessions.append((weakref.ref(session), site()))

        def close(session: Any) -> None:
            created = tracker.forget(session)
            if created is not None:
                tracker.read(
                    session, f"when the {_kind(session)} created at {created} closed at {site()}"
                )
            original_close(session)

        base.__init__, base.close = init, close

    def forget(self, session: Any) -> str | None:
        for index, (known, created) in enumerate(self.sessions):
            if known() is session:
                del self.sessions[index]
                return created
        return None

    def read_open_sessions(self) -> None:
        """At the end of the program: sessions never closed hold the last values."""
        for known, created in list(self.sessions):
            session = known()
            if session is not None and not getattr(session, "_closed", False):
                self.read(session, f"at exit from the {_kind(session)} created at {created}")

    @staticmethod
    def holds(value: Any) -> bool:
        """Whether ``value`` is a graph-mode tensor, variable or operation."""
        if type(value).__name__ == "EagerTensor":
            return False
        try:
            graph = value.graph
        except Exception:
            return False
        return type(graph).__name__ in ("Graph", "FuncGraph") and hasattr(value, "name")

    def read(self, session: Any, where: str) -> None:
        wanted: list[tuple[str, Any]] = []
        for name, value in list(vars(self.module).items()):
            if not is_candidate(name, value) or not self.holds(value):
                continue
            if value.graph is not session.graph:
                continue
            reason = self.unreadable(value)
            if reason:
                self.reasons[name] = (id(value), reason)
            else:
                wanted.append((name, value))
        for name, value in wanted:
            try:
                array = np.asarray(self.original_run(session, value))
            except Exception as exc:
                # Kept: an earlier session may have read it (e.g. not initialised in this one).
                self.reasons.setdefault(name, (id(value), f"unreadable ({type(exc).__name__})"))
                continue
            self.readings[name] = Reading(id(value), array, where)

    def unreadable(self, value: Any) -> str:
        """Why evaluating ``value`` could change the program or cannot work, or ''."""
        if type(value).__name__ == "Operation":
            return "a graph Operation"
        op = getattr(value, "op", None)
        if op is None or type(value).__name__ not in ("Tensor", "SymbolicTensor"):
            return ""  # a variable: read as it is
        known = self._unreadable.get(id(op))
        if known is None:
            known = self._unreadable[id(op)] = _upstream_problem(op)
        return known

    def value_of(self, name: str, value: Any) -> Any:
        reading = self.readings.get(name)
        if reading is not None and reading.object_id == id(value):
            return reading.value
        object_id, reason = self.reasons.get(name, (id(value), ""))
        if object_id != id(value) or not reason:
            reason = "never read: no session that holds it closed or stayed open"
        kind = type(value).__name__
        raise NotAValue(f"output {name!r} is a graph {kind} that cannot be read: {reason}", reason)

    def where(self, names: list[str]) -> dict[str, str]:
        return {name: self.readings[name].where for name in names if name in self.readings}


def _kind(session: Any) -> str:
    return type(session).__name__


def _upstream_problem(op: Any) -> str:
    seen = {id(op)}
    pending = deque([op])
    while pending and len(seen) < MAX_UPSTREAM_OPS:
        current = pending.popleft()
        kind = current.type
        if kind in ("Placeholder", "PlaceholderV2"):
            return "a graph tensor that needs a fed placeholder"
        if kind.startswith(MUTATING_PREFIXES):
            return "a graph tensor that assigns when evaluated"
        if kind not in READ_OPS and _is_stateful(current):
            # A random op would draw again, a queue or iterator would move on.
            return f"a graph tensor computed by a stateful op ({kind})"
        if kind in READ_OPS:
            continue
        for upstream in list(current.inputs) + list(current.control_inputs):
            producer = getattr(upstream, "op", upstream)
            if id(producer) not in seen:
                seen.add(id(producer))
                pending.append(producer)
    return ""


def _is_stateful(op: Any) -> bool:
    try:
        return bool(op.op_def.is_stateful)
    except Exception:
        return False
