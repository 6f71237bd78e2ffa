"""Orchestration: discover files, process each (in worker processes), write, cache, report.

Each file goes through read -> decode -> (cache | parse + rules + fixes) -> write (compute.py
computes). Everything a worker needs travels in a small picklable `Task`; workers import libcst
and the rules, never TensorFlow. A file that cannot be handled yields a TFM000 finding and
`FileResult.error`, and the run goes on.

Before anything is computed, the parent reads every file once: a file whose bytes never spell
`tensorflow` has nothing to find and is done; a file too big for the memory budget gets its
TFM000 (memory.py); a file the cache holds is served from it (a hit costs a hash and a read, and
needs neither libcst nor the rules, which are then never imported). The files left are computed
within the budget by the parent and worker processes (schedule.py).

Cache in FIX mode: results are cached with their `new_source`, and a hit is applied like a fresh
result (the cached text is written). The key is the content hash, so the next run sees the fixed
bytes, computes that nothing changes, and caches that too. DIFF shares FIX's entries (same
computation); ADD_NOQA is never cached.

Writing: a fix replaces the file atomically, and only if it still holds the bytes the fix was
computed from (writing.py); otherwise the run reports the conflict and leaves the file alone.

`output_dir`: the given folders are mirrored below it (a single folder: its contents; several
paths: relative to their common parent). Fixed files are written there in migrated form, every
other file is copied, except the folders discovery skips (VCS data, caches, virtualenvs, build
output). The source tree is not touched.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from tf_migrate.engine import memory
from tf_migrate.engine.cache import ResultCache, default_directory, settings_key
from tf_migrate.engine.cache import prepare as prepare_cache
from tf_migrate.engine.compute import (
    NOTHING,
    TENSORFLOW,
    Computed,
    Mode,
    Task,
    cache_key,
    compute,
    compute_text,
    decode,
    error,
)
from tf_migrate.engine.schedule import execute
from tf_migrate.files import DecodedSource, OutputTree, SourceError, discover, read_bytes
from tf_migrate.model import PARSE_ERROR_CODE, FileResult, RunResult
from tf_migrate.rules.registry import select_codes
from tf_migrate.settings import RuleOptions, Settings
from tf_migrate.writing import WriteError, write_atomic

__all__ = ["Mode", "run", "run_stdin"]

PROGRESS_MIN_FILES = 20


def process_file(task: Task) -> FileResult:
    """Everything that happens to one file; runs in a worker process or in the parent."""
    try:
        data = read_bytes(task.path)
    except SourceError as reason:
        return _file_result(task, error(reason))
    return _finish(task, compute(data, task), data)


def _finish(task: Task, computed: Computed, data: bytes) -> FileResult:
    """The FileResult of `computed`, after writing the file where the mode says so (only over
    the very `data` it was computed from)."""
    result = _file_result(task, computed)
    if (
        result.changed
        and task.write_to is not None
        and result.new_source is not None
        and computed.original is not None
    ):
        in_place = task.write_to == task.path.resolve()
        try:
            new_data = result.new_source.encode(computed.original.encoding)
            write_atomic(
                task.write_to,
                new_data,
                mode=stat.S_IMODE(task.path.stat().st_mode),
                expected=data if in_place else None,
            )
        except (WriteError, OSError) as problem:
            result.error = str(problem)
            result.remaining = sorted(
                result.remaining + result.fixed, key=lambda f: (f.location, f.code)
            )
            result.fixed, result.new_source = [], None
    return result


def _file_result(task: Task, computed: Computed) -> FileResult:
    cached = computed.result
    keep_parse_error = PARSE_ERROR_CODE in task.codes
    remaining = [f for f in cached.remaining if keep_parse_error or f.code != PARSE_ERROR_CODE]
    return FileResult(
        path=task.display,
        remaining=remaining,
        fixed=list(cached.fixed),
        original_source=None if computed.original is None else computed.original.text,
        new_source=cached.new_source,
        error=cached.error,
    )


def _settle(task: Task, budget: int) -> FileResult | int:
    """The file's result where it needs no computing (no TensorFlow in it, too big, in the
    cache), else the memory computing it needs. Errors are left to `process_file`."""
    try:
        data = read_bytes(task.path)
    except SourceError:
        return 0
    if TENSORFLOW.encode() not in data:
        return FileResult(task.display)
    needed = memory.need(_code_size(data, task), task.mode)
    if not memory.fits_alone(needed, budget):
        return _file_result(task, error(SourceError(memory.too_big(needed, budget))))
    if task.cache_dir is None:
        return needed
    try:
        original = decode(data, task)
    except SourceError:
        return needed
    hit = ResultCache(task.cache_dir).get(cache_key(data, task))
    return needed if hit is None else _finish(task, Computed(hit, original), data)


# A notebook bigger than this is measured by its code cells rather than its bytes: outputs
# (images, tables) can make a notebook of little code weigh megabytes.
_NOTEBOOK_MEASURED = 1 << 20


def _code_size(data: bytes, task: Task) -> int:
    if not task.is_notebook or len(data) < _NOTEBOOK_MEASURED:
        return len(data)
    from tf_migrate.notebooks import NotebookError, join_cells, parse_notebook

    try:
        text = decode(data, task).text
        return len(join_cells(parse_notebook(text), text).text)
    except (SourceError, NotebookError):
        return len(data)  # reported when it is computed


def _codes_for(settings: Settings, path: Path | None) -> tuple[str, ...]:
    ignored = settings.ignored_codes_for(path) if path is not None else ()
    return select_codes(settings.select, (*settings.ignore, *ignored))


def _cache_key_settings(settings: Settings, mode: Mode) -> str:
    # DIFF computes exactly what FIX computes, so they share entries.
    computation = Mode.FIX if mode is Mode.DIFF else mode
    return settings_key(settings.unsafe_fixes, settings.keras_namespace, computation.value)


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[], None]]:
    if not enabled:
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("tf-migrate"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        bar = progress.add_task("files", total=total)
        yield lambda: progress.advance(bar)


def run(
    paths: Sequence[str],
    settings: Settings,
    *,
    mode: Mode,
    output_dir: Path | None = None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    show_progress: bool = True,
) -> RunResult:
    """Process every Python file and notebook under `paths`; see the module docstring."""
    cache_directory = None
    if use_cache and mode is not Mode.ADD_NOQA:
        cache = prepare_cache(
            cache_dir or default_directory(settings.project_root, settings.config_file)
        )
        cache_directory = cache.directory if cache is not None else None
    writes = mode in (Mode.FIX, Mode.ADD_NOQA)
    tree = OutputTree(paths, output_dir) if output_dir is not None and writes else None
    options = RuleOptions(keras_namespace=settings.keras_namespace)
    key = _cache_key_settings(settings, mode)
    results: list[FileResult] = []
    tasks: list[Task] = []
    for item in discover(paths, settings):
        if tree is not None and tree.holds(item.path):
            continue  # a migrated copy from an earlier run is not source
        if item.skipped is not None:
            results.append(FileResult(item.display, error=item.skipped))
            continue
        # A path that could not be used is not resolved again (it may be a symlink loop).
        codes = _codes_for(settings, item.path if item.error is None else None)
        if item.error is not None:
            task = Task(item.path, item.display, mode, codes, options, False, key, None, None)
            results.append(_file_result(task, error(SourceError(item.error))))
            continue
        write_to = None
        if writes:
            # In place, a symlinked file is written through its link, which stays a link.
            write_to = item.path.resolve() if tree is None else tree.destination(item.path)
        tasks.append(
            Task(
                item.path,
                item.display,
                mode,
                codes,
                options,
                settings.unsafe_fixes,
                key,
                cache_directory,
                write_to,
            )
        )
    to_compute: list[tuple[Task, int]] = []
    for task in tasks:
        settled = _settle(task, settings.memory_limit)
        if isinstance(settled, FileResult):
            results.append(settled)
        else:
            to_compute.append((task, settled))
    enabled = show_progress and sys.stderr.isatty() and len(to_compute) > PROGRESS_MIN_FILES
    with _progress(len(to_compute), enabled) as advance:
        results.extend(
            execute(
                to_compute,
                process_file,
                jobs=jobs or os.cpu_count() or 1,
                budget=settings.memory_limit,
                advance=advance,
            )
        )
    if tree is not None:
        migrated = {result.path for result in results if result.changed and result.error is None}
        tree.copy_rest({task.path for task in tasks if task.display in migrated})
    results.sort(key=lambda result: result.path)
    return RunResult(results)


def run_stdin(text: str, settings: Settings, *, mode: Mode, filename: str = "-") -> FileResult:
    """One text from standard input; nothing is written (FIX/DIFF return `new_source`)."""
    path = Path(filename)
    codes = _codes_for(settings, None if filename == "-" else path)
    options = RuleOptions(keras_namespace=settings.keras_namespace)
    task = Task(path, filename, mode, codes, options, settings.unsafe_fixes, "", None, None)
    original = DecodedSource(text, "utf-8")
    if filename != "-" and settings.force_exclude and settings.is_excluded(path):
        return _file_result(task, Computed(NOTHING, original))
    needed = memory.need(len(text), mode)
    if not memory.fits_alone(needed, settings.memory_limit):
        too_big = SourceError(memory.too_big(needed, settings.memory_limit))
        return _file_result(task, error(too_big, original))
    return _file_result(task, compute_text(original, task))
