"""Fork server: import TensorFlow once, then fork one isolated child per program.

Like child_runner.py, this file runs under the runtime's own interpreter (Python 3.7 through
3.12): the standard library and numpy only, and syntax Python 3.7 accepts. It loads
child_runner.py from its own folder (and the runtime-side package it loads); each forked child
runs one SPEC.json exactly as `python child_runner.py SPEC.json` would, in a process of its own.

Usage: python fork_server.py   (started by tf-migrate with the pinned environment already set,
so TF_ENABLE_ONEDNN_OPTS, thread counts and PYTHONHASHSEED take effect before the import)

Protocol: JSON lines. Requests on stdin:
  {"op": "run", "id": N, "spec": PATH, "cwd": DIR, "stdout": PATH, "stderr": PATH}
  {"op": "kill", "pid": PID}    kill the child's process group (only while it is unreaped)
  end of input                  kill every child and exit
Replies on stdout:
  {"op": "ready", ...}  or  {"op": "failed", "message": ...}   once, after the imports
  {"op": "started", "id": N, "pid": PID}
  {"op": "exited", "id": N, "pid": PID, "returncode": CODE}    (negative: killed by a signal)

Why forking after `import tensorflow` is safe here: the import starts no thread in either TF 1.15
or TF 2.x when OMP_NUM_THREADS=1 (OpenBLAS would otherwise start one in numpy), and TF 2.x
creates its eager context and thread pools lazily, on first use. The server never uses
TensorFlow after importing it, and it refuses to serve ("failed") when the process has more than
one thread, since a forked child would inherit locks held by threads that no longer exist.
Each child starts its own session (so a kill reaches its subprocesses), points fds 0/1/2 at
/dev/null and its own capture files and changes to its fresh working dir; the runtime side then
pins Python's and NumPy's generators as in a fresh interpreter. The program's imports, graphs
and sessions stay in the child. The imported objects are frozen out of the garbage collector
(gc.freeze) before the first fork, so that children do not copy their pages by walking them.
"""

from __future__ import annotations

import contextlib
import gc
import importlib.util
import json
import os
import select
import signal
import sys
import time
import traceback
from types import ModuleType
from typing import Any

REPLY_FD = -1  # a private copy of the reply pipe; fd 1 is pointed at stderr


def send(message: dict[str, Any]) -> None:
    os.write(REPLY_FD, (json.dumps(message) + "\n").encode("utf-8"))


def thread_count() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return 1  # no /proc: trust the import


def load_child_runner() -> ModuleType:
    here = os.path.dirname(os.path.abspath(__file__))
    location = os.path.join(here, "child_runner.py")
    spec = importlib.util.spec_from_file_location("tf_migrate_child_runner", location)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {location}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.forget_own_folder()
    module.load_package()  # loaded once here, not in every child
    return module


def warm_up() -> dict[str, Any]:
    """Import what every program imports; return the ready message."""
    started = time.time()
    importlib.import_module("numpy.random")  # each child pins it before its program
    tensorflow = importlib.import_module("tensorflow")

    version = tensorflow.__version__
    # Keras (TF 2) and the Estimator package (TF 1) are loaded lazily on first access and cost
    # as much again; loading them creates no graph, no eager context and no thread.
    try:
        if version.startswith("1."):
            tensorflow.estimator  # noqa: B018
        else:
            tensorflow.keras  # noqa: B018
    except Exception:
        pass
    return {
        "op": "ready",
        "pid": os.getpid(),
        "python": sys.version.split()[0],
        "tensorflow": version,
        "import_seconds": round(time.time() - started, 3),
        "threads": thread_count(),
    }


def exit_code(status: int) -> int:
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def run_child(request: dict[str, Any], runner: ModuleType, private_fds: tuple[int, ...]) -> None:
    """In the forked child: isolate, run one spec, exit. Never returns."""
    code = 1
    try:
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for fd in private_fds:
            os.close(fd)
        redirect(os.devnull, 0, os.O_RDONLY)
        redirect(request["stdout"], 1, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        redirect(request["stderr"], 2, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.chdir(request["cwd"])
        runner.run_spec_file(request["spec"])
        code = 0
    except BaseException:
        traceback.print_exc()
    finally:
        os._exit(code)


def redirect(path: str, target: int, flags: int) -> None:
    fd = os.open(path, flags, 0o644)
    os.dup2(fd, target)
    os.close(fd)


class Server:
    def __init__(self, runner: ModuleType) -> None:
        self.runner = runner
        self.children: dict[int, int] = {}  # pid -> request id, until reaped
        self.wake_r, self.wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(self.wake_w, False)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.set_wakeup_fd(self.wake_w)

    def serve(self) -> None:
        pending = b""
        while True:
            readable, _, _ = select.select([0, self.wake_r], [], [])
            if self.wake_r in readable:
                self.drain_wakeups()
            self.reap()
            if 0 not in readable:
                continue
            data = os.read(0, 65536)
            if not data:
                self.shutdown()
                return
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip():
                    self.handle(json.loads(line.decode("utf-8")))

    def drain_wakeups(self) -> None:
        try:
            while os.read(self.wake_r, 4096):
                pass
        except BlockingIOError:
            pass

    def handle(self, request: dict[str, Any]) -> None:
        if request["op"] == "run":
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                run_child(request, self.runner, (self.wake_r, self.wake_w, REPLY_FD))
            self.children[pid] = request["id"]
            send({"op": "started", "id": request["id"], "pid": pid})
        elif request["op"] == "kill":
            self.kill(int(request["pid"]))

    def kill(self, pid: int) -> None:
        # An unreaped child's pid (and so its group id) cannot have been reused.
        if pid not in self.children:
            return
        for kill in (os.killpg, os.kill):  # killpg fails if the child has not called setsid yet
            with contextlib.suppress(OSError):
                kill(pid, signal.SIGKILL)

    def reap(self) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            request_id = self.children.pop(pid, None)
            if request_id is not None:
                send(
                    {"op": "exited", "id": request_id, "pid": pid, "returncode": exit_code(status)}
                )

    def shutdown(self) -> None:
        for pid in list(self.children):
            self.kill(pid)
        for pid in list(self.children):
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def main() -> int:
    global REPLY_FD
    REPLY_FD = os.dup(1)
    os.dup2(2, 1)  # whatever TensorFlow or a library prints must not corrupt the replies
    try:
        runner = load_child_runner()
        ready = warm_up()
    except BaseException:
        send({"op": "failed", "message": traceback.format_exc()})
        return 1
    if ready["threads"] > 1:
        message = (
            f"the runtime has {ready['threads']} threads after importing TensorFlow; forking it "
            "could deadlock"
        )
        send({"op": "failed", "message": message})
        return 1
    # Children would otherwise copy every page of the imported modules the first time their
    # garbage collector walks those objects; frozen objects are never walked.
    gc.collect()
    gc.freeze()
    server = Server(runner)
    send(ready)
    server.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
