"""A run's memory budget: what a file needs to be computed, and how many processes fit.

libcst's syntax tree, its metadata and the rules' facts take about a thousand bytes of memory
per byte of source, and a fix, which re-parses and rebuilds the tree each round, half as much
again (bench/scale.py measures it: linear in the file's size). A file is computed only when
its estimate fits beside the files being computed at the time, so two big files are never
parsed at once; one that would not fit even alone is not parsed at all, and gets a TFM000 that
says how to raise the limit.
"""

from __future__ import annotations

from tf_migrate.engine.compute import Mode

# What a process holds before its first file: the interpreter, libcst and the rules (measured
# 90-110 MB of RSS; forked workers share part of it, which this does not count).
PROCESS_BASE = 120 << 20
# Peak bytes per byte of source above PROCESS_BASE, measured (bench/scale.py) and rounded up.
_PER_BYTE = {Mode.CHECK: 1300, Mode.ADD_NOQA: 1300, Mode.FIX: 2000, Mode.DIFF: 2000}


def need(size: int, mode: Mode) -> int:
    """The memory that computing `size` characters of Python takes, above PROCESS_BASE."""
    return size * _PER_BYTE[mode]


def processes(budget: int, jobs: int, largest: int) -> int:
    """How many processes (the run's own included) the budget leaves room for: their base
    memory takes at most half of it, and leaves room for the `largest` need of a file."""
    return max(1, min(jobs, budget // 2 // PROCESS_BASE, (budget - largest) // PROCESS_BASE))


def room_for_files(budget: int, process_count: int) -> int:
    return max(budget - process_count * PROCESS_BASE, 0)


def fits_alone(needed: int, budget: int) -> bool:
    return needed + PROCESS_BASE <= budget


def too_big(needed: int, budget: int) -> str:
    """The diagnostic of a file whose computation alone would exceed the budget."""
    suggestion = _round_up_gib(needed + PROCESS_BASE)
    return (
        f"not parsed: this file needs about {_mib(needed + PROCESS_BASE)} MiB of memory to "
        f"check or fix, more than the memory limit of {_mib(budget)} MiB; raise the limit with "
        f'`--memory-limit {suggestion}` or `memory-limit = "{suggestion}"` in [tool.tf-migrate]'
    )


def _mib(size: int) -> int:
    return -(-size // (1 << 20))


def _round_up_gib(size: int) -> str:
    gib = -(-size // (1 << 30))
    return f"{gib}GiB"
