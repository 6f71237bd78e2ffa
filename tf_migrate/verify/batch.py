"""Verify many fixtures: warm runtimes shared by all of them, ``jobs`` at a time.

Used by the ``verify`` command and by the pytest plugin.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from tf_migrate.verify.fixture import Fixture
from tf_migrate.verify.harness import FixtureResult, Options, verify_fixture
from tf_migrate.verify.runner import kill_running, pinned_environment
from tf_migrate.verify.warm import WarmRuntimes


@contextmanager
def warm_options(options: Options, warm: bool = True) -> Iterator[Options]:
    """``options`` with a fork server per runtime (``warm``), closed on exit."""
    if not warm:
        yield options
        return
    with tempfile.TemporaryDirectory(prefix="tf-migrate-servers-") as logs:
        plan = options.plan
        runtimes = WarmRuntimes(
            [options.before, options.after],
            pinned_environment(options.device),
            Path(logs),
            {side: pinned_environment(plan.side(side).device) for side in ("before", "after")},
        )
        try:
            yield dataclasses.replace(options, warm=runtimes)
        finally:
            runtimes.close()


def verify_all(
    fixtures: list[Fixture],
    options: Options,
    jobs: int,
    on_result: Callable[[int, FixtureResult], None] | None = None,
) -> list[FixtureResult]:
    """Verify ``fixtures`` in order, ``jobs`` at a time; Ctrl-C stops every running program.

    Threads are enough: each fixture's work happens in child processes.
    """
    results: list[FixtureResult] = []
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        done = pool.map(lambda fixture: verify_fixture(fixture, options), fixtures)
        for number, result in enumerate(done, 1):
            if on_result is not None:
                on_result(number, result)
            results.append(result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        kill_running()
        raise
    pool.shutdown()
    return results


def warm_notes(options: Options) -> dict[str, str]:
    """How each side ran: warm (fork server) or cold, and why cold."""
    if options.warm is None:
        return {"before": "cold (--cold)", "after": "cold (--cold)"}
    notes = dict(options.warm.notes)
    for side in ("before", "after"):
        notes.setdefault(side, "warm: not used")
    return notes
