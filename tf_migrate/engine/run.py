"""Orchestration: discover files, process each (in worker processes), write, cache, report.

Each file goes through read -> decode -> (cache | parse + rules + fixes) -> write. Everything a
worker needs travels in a small picklable `_Task`; workers import libcst and the rules, never
TensorFlow. A file that cannot be handled yields a TFM000 finding and `FileResult.error`, and
the run goes on.

Cache in FIX mode: results are cached with their `new_source`, and a hit is applied like a fresh
result (the cached text is written). The key is the content hash, so the next run sees the fixed
bytes, computes that nothing changes, and caches that too. DIFF shares FIX's entries (same
computation); ADD_NOQA is never cached.

`output_dir`: the given folders are mirrored below it (a single folder: its contents; several
paths: relative to their common parent). Fixed files are written there in migrated form, every
other file is copied, except the folders discovery skips (VCS data, caches, virtualenvs, build
output). The source tree is not touched.

Parallelism: the parent looks every file up in the cache first (a hit costs a hash and a read,
and needs neither libcst nor the rules, which are then never imported). The files left are
computed largest first by the parent itself and `jobs - 1` worker processes forked after the
parent has imported the rules, so that they share its memory instead of importing again.
"""

from __future__ import annotations

import ast
import enum
import os
import re
import stat
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tf_migrate.engine.cache import CachedResult, ResultCache, default_directory, settings_key
from tf_migrate.engine.cache import prepare as prepare_cache
from tf_migrate.files import (
    DecodedSource,
    OutputTree,
    SourceError,
    WriteError,
    decode_notebook,
    decode_python,
    discover,
    read_bytes,
    write_atomic,
)
from tf_migrate.model import (
    PARSE_ERROR_CODE,
    PARSE_ERROR_NAME,
    Applicability,
    FileResult,
    Finding,
    Location,
    RunResult,
)
from tf_migrate.rules.registry import rules_for_codes, select_codes
from tf_migrate.settings import RuleOptions, Settings

if TYPE_CHECKING:
    from concurrent.futures import Future

    import libcst as cst

PROGRESS_MIN_FILES = 20

_PYTHON2_HINTS = (
    "Missing parentheses in call to",
    "multiple exception types must be parenthesized",
    "leading zeros in decimal integer literals",
)


class Mode(enum.Enum):
    CHECK = "check"  # report only, never write
    FIX = "fix"  # apply fixes and write in place (or under output_dir) atomically
    DIFF = "diff"  # compute fixes like FIX, write nothing (FileResult.new_source holds the result)
    ADD_NOQA = "add-noqa"  # write suppression comments for the remaining findings, no fixes


@dataclass(frozen=True)
class _Task:
    path: Path
    display: str
    mode: Mode
    codes: tuple[str, ...]  # the rules in force for this file
    options: RuleOptions
    unsafe_fixes: bool
    settings_key: str
    cache_dir: Path | None
    write_to: Path | None  # where a changed file goes; None: nowhere (CHECK, DIFF)


@dataclass
class _Computed:
    result: CachedResult
    original: DecodedSource | None  # None when the bytes could not be decoded


@dataclass
class _Fixed:
    text: str
    remaining: list[Finding]
    fixed: list[Finding]
    note: str | None = None  # add-noqa: findings that could not get a comment


def _should_apply(mode: Mode, unsafe_fixes: bool) -> Callable[[Applicability], bool]:
    if mode not in (Mode.FIX, Mode.DIFF):
        return lambda applicability: False
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe_fixes else {Applicability.SAFE}
    return lambda applicability: applicability in allowed


def _parse_error(message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding(
        code=PARSE_ERROR_CODE,
        rule_name=PARSE_ERROR_NAME,
        message=message,
        location=Location(line, column, line, column),
        applicability=Applicability.MANUAL,
    )


# A line indented with both tabs and spaces.
_MIXED_INDENT = re.compile(r"^(?: +\t|\t+ )", re.MULTILINE)


def _syntax_error(text: str, error: cst.ParserSyntaxError) -> SourceError:
    """A short, readable reason: CPython's message when it has one (it names Python 2 idioms)."""
    line, column = error.raw_line, error.raw_column + 1
    reason = error.message.removeprefix("parser error: ")
    if len(reason) > 120:
        reason = reason[:117] + "..."
    python_accepts = False
    try:
        compile(text, "<source>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        python_accepts = True
    except SyntaxError as python_error:
        reason = python_error.msg
        line, column = python_error.lineno or line, python_error.offset or column
    except (ValueError, MemoryError, RecursionError):
        pass
    message = f"cannot parse: syntax error at {line}:{column}: {reason}"
    if python_accepts:
        # Python itself reads the file: the limit is the parser's (libcst), not the code's.
        message = f"cannot parse at {line}:{column}: {reason}; Python accepts this file but "
        message += "tf-migrate's parser (libcst) does not"
        if _MIXED_INDENT.search(text):
            message += " — its indentation mixes tabs and spaces: re-indent it with spaces"
            message += " (e.g. `expand -t 8`)"
    if any(hint in reason for hint in _PYTHON2_HINTS):
        message += " (this is Python 2 code; port it to Python 3 first)"
    return SourceError(message, line, column)


def _error(reason: SourceError, original: DecodedSource | None = None) -> _Computed:
    finding = _parse_error(reason.message, reason.line, reason.column)
    return _Computed(CachedResult([finding], [], None, reason.message), original)


def _fix(text: str, task: _Task) -> _Fixed:
    """Fix (or, in ADD_NOQA mode, comment) one Python text."""
    from tf_migrate.engine.fixer import fix_module

    outcome = fix_module(
        text,
        rules_for_codes(task.codes),
        should_apply=_should_apply(task.mode, task.unsafe_fixes),
        options=task.options,
    )
    if task.mode is not Mode.ADD_NOQA:
        return _Fixed(outcome.source, outcome.remaining, outcome.fixed)
    from tf_migrate.engine import noqa  # add-noqa runs seldom; checks need none of it

    commented = noqa.add_noqa(outcome.source, outcome.remaining)
    note = None
    if commented.skipped:
        note = "no suppression comment could be added for " + "; ".join(
            f"{finding.code} at line {finding.location.line} ({why})"
            for finding, why in commented.skipped
        )
    return _Fixed(commented.source, commented.added, [], note)


def _compute_python(original: DecodedSource, task: _Task) -> _Computed:
    import libcst as cst

    try:
        fixed = _fix(original.text, task)
    except cst.ParserSyntaxError as error:
        retried = _with_indentation_expanded(original, task)
        if retried is not None:
            return retried
        return _error(_syntax_error(original.text, error), original)
    changed = fixed.text if fixed.text != original.text else None
    return _Computed(CachedResult(fixed.remaining, fixed.fixed, changed, fixed.note), original)


def _with_indentation_expanded(original: DecodedSource, task: _Task) -> _Computed | None:
    """A file whose indentation mixes tabs and spaces, computed as Python reads it (see
    engine/indentation.py); None when that does not help (and the parse error stands)."""
    import libcst as cst

    from tf_migrate.engine.indentation import TAB_STOP, expand_indentation

    if task.mode is Mode.ADD_NOQA:
        return None  # comments are added to the file as it is, or not at all
    expanded = expand_indentation(original.text)
    if expanded is None:
        return None
    try:
        fixed = _fix(expanded.text, task)
    except cst.ParserSyntaxError:
        return None
    note = (
        f"its indentation mixes tabs and spaces; it was read with tabs expanded to spaces "
        f"(every {TAB_STOP} columns, as Python reads them)"
    )
    fixed_findings = [expanded.original(finding) for finding in fixed.fixed]
    if fixed.text == expanded.text:
        remaining = [expanded.original(finding) for finding in fixed.remaining]
        return _Computed(CachedResult(remaining, fixed_findings, None, note), original)
    # The fixes are written with the expanded indentation; what remains is located in it.
    note += "; the fixed file is indented with spaces"
    return _Computed(CachedResult(fixed.remaining, fixed_findings, fixed.text, note), original)


def _compute_notebook(original: DecodedSource, task: _Task) -> _Computed:
    import libcst as cst

    from tf_migrate.notebooks import (  # only for notebooks: most trees have none
        NotebookError,
        cell_locator,
        dump_notebook,
        join_cells,
        parse_notebook,
        split_cells,
        to_cell_finding,
        with_sources,
    )

    try:
        notebook = parse_notebook(original.text)
    except NotebookError as error:
        return _error(SourceError(str(error)), original)
    joined = join_cells(notebook, original.text)
    if not joined.cells:
        return _Computed(CachedResult([], [], None, None), original)
    before = cell_locator(joined, joined.text)
    try:
        outcome = _fix(joined.text, task)
    except cst.ParserSyntaxError as error:
        reason = _syntax_error(joined.text, error)
        finding = to_cell_finding(_parse_error(reason.message, reason.line, reason.column), before)
        located = SourceError(finding.message, finding.location.line, finding.location.column)
        return _error(located, original)
    # Remaining findings describe the fixed text; add-noqa's describe the text before comments.
    after = before if task.mode is Mode.ADD_NOQA else cell_locator(joined, outcome.text)
    remaining = [to_cell_finding(finding, after) for finding in outcome.remaining]
    fixed = [to_cell_finding(finding, before) for finding in outcome.fixed]
    if outcome.text == joined.text:
        return _Computed(CachedResult(remaining, fixed, None, outcome.note), original)
    try:
        updated = with_sources(notebook, split_cells(joined, outcome.text))
    except NotebookError as error:
        # Refused: nothing is written, so what would have been fixed is still there.
        return _Computed(CachedResult(remaining + fixed, [], None, str(error)), original)
    new_text = None if updated is None else dump_notebook(updated)
    return _Computed(CachedResult(remaining, fixed, new_text, outcome.note), original)


def _cache_key(data: bytes, is_notebook: bool, task: _Task) -> str:
    kind = "ipynb" if is_notebook else "py"
    return ResultCache.key(data, task.settings_key, task.codes, kind)


def _compute(data: bytes, is_notebook: bool, task: _Task) -> _Computed:
    try:
        original = decode_notebook(data) if is_notebook else decode_python(data)
    except SourceError as error:
        return _error(error)
    cache = ResultCache(task.cache_dir) if task.cache_dir is not None else None
    key = ""
    if cache is not None:
        key = _cache_key(data, is_notebook, task)
        hit = cache.get(key)
        if hit is not None:
            return _Computed(hit, original)
    try:
        computed = (_compute_notebook if is_notebook else _compute_python)(original, task)
    except Exception as error:  # one file's internal error must not end the run
        reason = f"internal error while processing this file: {error!r}; please report it"
        return _error(SourceError(reason), original)
    if cache is not None:
        cache.put(key, computed.result)
    return computed


def process_file(task: _Task) -> FileResult:
    """Everything that happens to one file; runs in a worker process or in the parent."""
    try:
        data = read_bytes(task.path)
    except SourceError as error:
        return _file_result(task, _error(error))
    return _finish(task, _compute(data, task.path.suffix == ".ipynb", task))


def _from_cache(task: _Task) -> FileResult | None:
    """The file's result if the cache has it (then written as a fresh result would be), else
    None: anything else, errors included, is left to `process_file`."""
    if task.cache_dir is None:
        return None
    try:
        data = read_bytes(task.path)
        is_notebook = task.path.suffix == ".ipynb"
        original = decode_notebook(data) if is_notebook else decode_python(data)
    except SourceError:
        return None
    hit = ResultCache(task.cache_dir).get(_cache_key(data, is_notebook, task))
    return None if hit is None else _finish(task, _Computed(hit, original))


def _finish(task: _Task, computed: _Computed) -> FileResult:
    """The FileResult of `computed`, after writing the file where the mode says so."""
    result = _file_result(task, computed)
    if (
        result.changed
        and task.write_to is not None
        and result.new_source is not None
        and computed.original is not None
    ):
        try:
            data = result.new_source.encode(computed.original.encoding)
            write_atomic(task.write_to, data, mode=stat.S_IMODE(task.path.stat().st_mode))
        except (WriteError, OSError) as error:
            result.error = str(error)
            result.remaining = sorted(
                result.remaining + result.fixed, key=lambda f: (f.location, f.code)
            )
            result.fixed, result.new_source = [], None
    return result


def _file_result(task: _Task, computed: _Computed) -> FileResult:
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


# Tasks given to each worker process ahead: one to run, one to start while the parent, busy with
# a file of its own (largest first: seldom longer than the two), has not given it the next.
_QUEUED_PER_WORKER = 2


def _execute(tasks: Sequence[_Task], jobs: int, advance: Callable[[], None]) -> list[FileResult]:
    """Compute every task: in this process, and in `jobs - 1` worker processes if that helps."""
    results: list[FileResult] = []
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            results.append(process_file(task))
            advance()
        return results
    # Imported here: with logging, they cost a cached re-check a twentieth of its time.
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    # Imported before the workers are forked, which then share them with this process.
    import tf_migrate.engine.fixer  # noqa: F401

    rules_for_codes(code for task in tasks for code in task.codes)
    workers = min(jobs, len(tasks)) - 1
    try:
        pool = ProcessPoolExecutor(max_workers=workers)
    except (OSError, NotImplementedError, ImportError):
        # Some sandboxes have no working multiprocessing primitives: run in-process instead.
        return _execute(tasks, 1, advance)
    # Largest first, so that no big file is left to run alone at the end.
    pending = deque(sorted(tasks, key=_size, reverse=True))
    queued: set[Future[FileResult]] = set()
    capacity = _QUEUED_PER_WORKER * workers
    with pool:
        while pending or queued:
            while pending and len(queued) < capacity:
                queued.add(pool.submit(process_file, pending.popleft()))
            if pending:
                results.append(process_file(pending.popleft()))
                advance()
                done = {future for future in queued if future.done()}
            else:
                done, _ = wait(queued, return_when=FIRST_COMPLETED)
            for future in done:
                results.append(future.result())
                advance()
            queued -= done
    return results


def _size(task: _Task) -> int:
    try:
        return task.path.stat().st_size
    except OSError:
        return 0


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
    tasks: list[_Task] = []
    for item in discover(paths, settings):
        if tree is not None and tree.holds(item.path):
            continue  # a migrated copy from an earlier run is not source
        # A path that could not be used is not resolved again (it may be a symlink loop).
        codes = _codes_for(settings, item.path if item.error is None else None)
        if item.error is not None:
            task = _Task(item.path, item.display, mode, codes, options, False, key, None, None)
            results.append(_file_result(task, _error(SourceError(item.error))))
            continue
        write_to = None
        if writes:
            # In place, a symlinked file is written through its link, which stays a link.
            write_to = item.path.resolve() if tree is None else tree.destination(item.path)
        tasks.append(
            _Task(
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
    to_compute = []
    for task in tasks:
        cached = _from_cache(task)
        if cached is None:
            to_compute.append(task)
        else:
            results.append(cached)
    enabled = show_progress and sys.stderr.isatty() and len(to_compute) > PROGRESS_MIN_FILES
    with _progress(len(to_compute), enabled) as advance:
        results.extend(_execute(to_compute, jobs or os.cpu_count() or 1, advance))
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
    task = _Task(path, filename, mode, codes, options, settings.unsafe_fixes, "", None, None)
    original = DecodedSource(text, "utf-8")
    try:
        compute = _compute_notebook if path.suffix == ".ipynb" else _compute_python
        computed = compute(original, task)
    except Exception as error:  # same contract as a file: report, do not crash
        reason = f"internal error while processing this file: {error!r}; please report it"
        computed = _error(SourceError(reason), original)
    return _file_result(task, computed)
