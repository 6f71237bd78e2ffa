"""Warm runtimes: one fork server per runtime, which imported TensorFlow once (fork_server.py).

Each program still runs in a process of its own (a child forked from the server), with its own
working dir, capture files and process group; the runner watches its time and memory exactly as
it watches a cold child. When a server cannot start (its interpreter fails, or importing
TensorFlow left threads behind, which makes forking unsafe), that side runs cold — one fresh
interpreter per program — and the report says why.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from tf_migrate.verify.runtimes import Runtime

FORK_SERVER = Path(__file__).with_name("fork_server.py")
READY_TIMEOUT_S = 180.0
REPLY_TIMEOUT_S = 60.0


class WarmUnavailable(Exception):
    """The fork server cannot run programs; the message says why."""


@dataclass
class _Request:
    started: threading.Event = field(default_factory=threading.Event)
    exited: threading.Event = field(default_factory=threading.Event)
    pid: int | None = None
    returncode: int | None = None


class ForkServer:
    """One running fork_server.py; thread-safe, so `--jobs` threads share it."""

    def __init__(self, runtime: Runtime, env: dict[str, str], log: Path) -> None:
        self.runtime = runtime
        self._log_path = log
        self._log: IO[bytes] = log.open("wb")
        self.process = subprocess.Popen(
            [str(runtime.python), "-s", str(FORK_SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=env,
            start_new_session=True,
        )
        self._lock = threading.RLock()  # _fail may run inside _send
        self._requests: dict[int, _Request] = {}
        self._next_id = 0
        self._ready = threading.Event()
        self.info: dict[str, Any] = {}
        self.failure = ""
        self._reader = threading.Thread(target=self._read, name="fork-server-reader", daemon=True)
        self._reader.start()

    def wait_ready(self, timeout_s: float = READY_TIMEOUT_S) -> None:
        if not self._ready.wait(timeout_s):
            self.close()
            raise WarmUnavailable(f"no answer within {timeout_s:g} s of starting")
        if self.failure:
            raise WarmUnavailable(self.failure)

    @property
    def alive(self) -> bool:
        return not self.failure and self.process.poll() is None

    def submit(self, spec: Path, cwd: Path, stdout: Path, stderr: Path) -> WarmChild:
        """Fork a child for ``spec``; WarmUnavailable if the server is gone."""
        request = _Request()
        with self._lock:
            if not self.alive:
                raise WarmUnavailable(self.failure or "the fork server exited")
            self._next_id += 1
            self._requests[self._next_id] = request
            message = {"op": "run", "id": self._next_id, "spec": str(spec), "cwd": str(cwd)}
            message |= {"stdout": str(stdout), "stderr": str(stderr)}
            self._send(message)
        if not request.started.wait(REPLY_TIMEOUT_S) or request.pid is None:
            raise WarmUnavailable(self.failure or "the fork server did not start the program")
        return WarmChild(self, request, request.pid)

    def kill(self, pid: int) -> None:
        with self._lock:
            if self.alive:
                self._send({"op": "kill", "pid": pid})

    def _send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write((json.dumps(message) + "\n").encode("utf-8"))
            self.process.stdin.flush()
        except (BrokenPipeError, ValueError) as exc:  # ValueError: stdin already closed
            self._fail(f"the fork server stopped reading: {exc}")
            raise WarmUnavailable(self.failure) from exc

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue  # not a reply; the server keeps its replies on a private fd
            op = message.get("op")
            if op == "ready":
                self.info = message
                self._ready.set()
            elif op == "failed":
                self._fail(str(message.get("message", "")).strip())
            elif op in ("started", "exited"):
                self._update(message)
        self._fail(f"the fork server exited{self._log_tail()}")

    def _update(self, message: dict[str, Any]) -> None:
        with self._lock:
            request = self._requests.get(int(message["id"]))
        if request is None:
            return
        if message["op"] == "started":
            request.pid = int(message["pid"])
            request.started.set()
        else:
            request.returncode = int(message["returncode"])
            with self._lock:
                self._requests.pop(int(message["id"]), None)
            request.exited.set()

    def _fail(self, reason: str) -> None:
        if not self.failure:
            self.failure = reason or "the fork server failed"
        self._ready.set()
        with self._lock:
            waiting = list(self._requests.values())
        for request in waiting:
            request.started.set()
            request.exited.set()

    def _log_tail(self) -> str:
        with contextlib.suppress(OSError):
            lines = self._log_path.read_text(encoding="utf-8", errors="replace").splitlines()
            if lines:
                return ": " + lines[-1]
        return ""

    def close(self) -> None:
        """End of input: the server kills its children and exits."""
        with self._lock, contextlib.suppress(OSError, ValueError):
            assert self.process.stdin is not None
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()


class WarmChild:
    """A forked child, watched like a subprocess.Popen (pid, poll, kill)."""

    def __init__(self, server: ForkServer, request: _Request, pid: int) -> None:
        self.server = server
        self.request = request
        self.pid = pid

    def poll(self) -> int | None:
        if not self.request.exited.is_set():
            return None
        if self.request.returncode is None:  # the server died: its report will never come
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            return -signal.SIGKILL
        return self.request.returncode

    def wait(self, timeout_s: float) -> None:
        self.request.exited.wait(timeout_s)

    def kill(self) -> None:
        with contextlib.suppress(WarmUnavailable):
            self.server.kill(self.pid)
        self.request.exited.wait(REPLY_TIMEOUT_S)
        self.poll()  # if the server died meanwhile, poll kills the group itself


class WarmRuntimes:
    """A fork server for each side, started at once, waited for on first use."""

    def __init__(
        self,
        runtimes: list[Runtime],
        env: dict[str, str],
        log_dir: Path,
        side_envs: dict[str, dict[str, str]] | None = None,
    ) -> None:
        """``side_envs`` replaces ``env`` for a side (e.g. a GPU visible to one side only)."""
        self._servers: dict[str, ForkServer] = {}
        self._locks = {runtime.side: threading.Lock() for runtime in runtimes}
        self._checked: set[str] = set()
        self.notes: dict[str, str] = {}
        log_dir.mkdir(parents=True, exist_ok=True)
        for runtime in runtimes:
            try:
                self._servers[runtime.side] = ForkServer(
                    runtime,
                    (side_envs or {}).get(runtime.side, env),
                    log_dir / f"{runtime.side}-server.log",
                )
            except OSError as exc:
                self.notes[runtime.side] = f"cold: the fork server could not start: {exc}"

    def server(self, side: str) -> ForkServer | None:
        """The ready server for ``side``, or None (run cold; ``notes`` says why)."""
        candidate = self._servers.get(side)
        if candidate is None:
            return None
        with self._locks[side]:
            if side not in self._checked:
                self._checked.add(side)
                try:
                    candidate.wait_ready()
                    seconds = candidate.info.get("import_seconds", 0)
                    self.notes[side] = f"warm: fork server imported TensorFlow once ({seconds} s)"
                except WarmUnavailable as exc:
                    self.notes[side] = f"cold: the fork server could not start: {exc}"
            if candidate.alive:
                return candidate
            if self.notes.get(side, "").startswith("warm"):
                self.notes[side] = f"cold after a failure: {candidate.failure}"
            return None

    def close(self) -> None:
        for server in self._servers.values():
            server.close()
