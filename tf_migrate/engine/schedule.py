"""Computing many files at once within the memory budget: the parent and `jobs - 1` workers.

Files are taken largest first, so that no big file is left to run alone at the end. A file is
started, in a worker or in the parent, only when its estimated memory fits beside the files being
computed (memory.py): two files that together would exceed the budget are never parsed at once.

Workers are forked after the parent has imported the rules, so that they share its memory
instead of importing again. They end with the parent (Linux): a run that is killed leaves no
worker behind to write a file later.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tf_migrate.engine import memory
from tf_migrate.engine.compute import Task
from tf_migrate.model import FileResult
from tf_migrate.rules.registry import rules_for_codes

if TYPE_CHECKING:
    from concurrent.futures import Future

# Tasks given to each worker ahead: one to run, one to start while the parent, busy with a file of
# its own (largest first: seldom longer than the two), has not given it the next.
_QUEUED_PER_WORKER = 2


def execute(
    tasks: Sequence[tuple[Task, int]],
    process: Callable[[Task], FileResult],
    *,
    jobs: int,
    budget: int,
    advance: Callable[[], None],
) -> list[FileResult]:
    """`process` every task (each with its memory need, none over the budget on its own)."""
    pending = deque(sorted(tasks, key=lambda pair: pair[1], reverse=True))
    largest = pending[0][1] if pending else 0
    count = min(memory.processes(budget, jobs, largest), len(pending))
    if count <= 1:
        results = []
        for task, _ in pending:
            results.append(process(task))
            advance()
        return results
    with _workers(count - 1, tasks) as pool:
        if pool is None:  # no working multiprocessing here: one process does it all
            return execute(tasks, process, jobs=1, budget=budget, advance=advance)
        return _share(pending, process, pool, count, budget, advance)


def _share(
    pending: deque[tuple[Task, int]],
    process: Callable[[Task], FileResult],
    pool: ProcessPool,
    count: int,
    budget: int,
    advance: Callable[[], None],
) -> list[FileResult]:
    from concurrent.futures import FIRST_COMPLETED, wait

    room = memory.room_for_files(budget, count)
    results: list[FileResult] = []
    queued: dict[Future[FileResult], int] = {}

    def fits(need: int, running: int) -> bool:
        return running == 0 or sum(queued.values()) + need <= room

    capacity = _QUEUED_PER_WORKER * (count - 1)
    while pending or queued:
        while pending and len(queued) < capacity and fits(pending[0][1], len(queued)):
            task, need = pending.popleft()
            queued[pool.submit(process, task)] = need
        if pending and fits(pending[0][1], len(queued)):
            # Nothing is submitted while the parent computes a file: what runs stays in the room.
            task, _ = pending.popleft()
            results.append(process(task))
            advance()
            done = {future for future in queued if future.done()}
        else:
            done, _ = wait(queued, return_when=FIRST_COMPLETED)
        for future in done:
            results.append(future.result())
            advance()
            del queued[future]
    return results


if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor as ProcessPool
else:
    ProcessPool = object


@contextmanager
def _workers(count: int, tasks: Sequence[tuple[Task, int]]) -> Iterator[ProcessPool | None]:
    # Imported here: with logging, they cost a cached re-check a twentieth of its time.
    from concurrent.futures import ProcessPoolExecutor

    # Imported before the workers are forked, which then share them with this process.
    import tf_migrate.engine.fixer  # noqa: F401

    rules_for_codes(code for task, _ in tasks for code in task.codes)
    try:
        pool = ProcessPoolExecutor(max_workers=count, initializer=_end_with_parent)
    except (OSError, NotImplementedError, ImportError):
        # Some sandboxes have no working multiprocessing primitives.
        yield None
        return
    try:
        yield pool
    except BaseException:
        # Interrupted: the workers finish the file they hold (it is written whole) and stop.
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def _end_with_parent() -> None:
    """Ask Linux to send this worker SIGTERM when the parent dies, even by SIGKILL (a file
    being written is finished first: writing.py defers the signal)."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    set_parent_death_signal = 1  # PR_SET_PDEATHSIG in <sys/prctl.h>
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(set_parent_death_signal, signal.SIGTERM)
