"""One file's computation: decoded text -> (parse + rules + fixes | the cache) -> a result.

Runs in a worker process or in the parent, on a thread of its own whose stack fits the file's
nesting (deep.py). A file that cannot be handled yields a TFM000 finding and an `error`; this
module never writes a file (run.py does).

A file whose bytes never spell `tensorflow` (for a notebook: whose code cells never do) gives no
finding and is not parsed: every rule matches TensorFlow symbols by the qualified names its
imports give them, and such a file imports none.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tf_migrate.engine.cache import CachedResult, ResultCache
from tf_migrate.engine.deep import frames_for, python_refuses_nesting, run_deep
from tf_migrate.files import DecodedSource, SourceError, decode_notebook, decode_python
from tf_migrate.model import PARSE_ERROR_CODE, PARSE_ERROR_NAME, Applicability, Finding, Location
from tf_migrate.rules.registry import rules_for_codes
from tf_migrate.settings import RuleOptions

if TYPE_CHECKING:
    import libcst as cst

    from tf_migrate.notebooks import JoinedCells

TENSORFLOW = "tensorflow"

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
class Task:
    """Everything a worker needs for one file: small and picklable."""

    path: Path
    display: str
    mode: Mode
    codes: tuple[str, ...]  # the rules in force for this file
    options: RuleOptions
    unsafe_fixes: bool
    settings_key: str
    cache_dir: Path | None
    write_to: Path | None  # where a changed file goes; None: nowhere (CHECK, DIFF)

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"


@dataclass
class Computed:
    result: CachedResult
    original: DecodedSource | None  # None when the bytes could not be decoded


@dataclass
class _Fixed:
    text: str
    remaining: list[Finding]
    fixed: list[Finding]
    note: str | None = None  # add-noqa: findings that could not get a comment


NOTHING = CachedResult([], [], None, None)


def should_apply(mode: Mode, unsafe_fixes: bool) -> Callable[[Applicability], bool]:
    if mode not in (Mode.FIX, Mode.DIFF):
        return lambda applicability: False
    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe_fixes else {Applicability.SAFE}
    return lambda applicability: applicability in allowed


def parse_error(message: str, line: int = 1, column: int = 1) -> Finding:
    return Finding(
        code=PARSE_ERROR_CODE,
        rule_name=PARSE_ERROR_NAME,
        message=message,
        location=Location(line, column, line, column),
        applicability=Applicability.MANUAL,
    )


def error(reason: SourceError, original: DecodedSource | None = None) -> Computed:
    finding = parse_error(reason.message, reason.line, reason.column)
    return Computed(CachedResult([finding], [], None, reason.message), original)


# A line indented with both tabs and spaces.
_MIXED_INDENT = re.compile(r"^(?: +\t|\t+ )", re.MULTILINE)


def _syntax_error(text: str, parser_error: cst.ParserSyntaxError) -> SourceError:
    """A short, readable reason: CPython's message when it has one (it names Python 2 idioms)."""
    line, column = parser_error.raw_line, parser_error.raw_column + 1
    reason = parser_error.message.removeprefix("parser error: ")
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


def _refused_nesting(text: str) -> SourceError | None:
    refused = python_refuses_nesting(text)
    if refused is None:
        return None
    reason, line, column = refused
    return SourceError(f"cannot parse: Python refuses this file: {reason}", line, column)


def _fix(text: str, task: Task, cells: JoinedCells | None = None) -> _Fixed:
    """Fix (or, in ADD_NOQA mode, comment) one Python text: a file's, or a notebook's `cells`."""
    from tf_migrate.engine.fixer import fix_module

    outcome = fix_module(
        text,
        rules_for_codes(task.codes),
        should_apply=should_apply(task.mode, task.unsafe_fixes),
        options=task.options,
        reserved=None if cells is None else cells.is_reserved,
        path=task.path,
    )
    if task.mode is not Mode.ADD_NOQA:
        return _Fixed(outcome.source, outcome.remaining, outcome.fixed)
    from tf_migrate.engine import noqa  # add-noqa runs seldom; checks need none of it

    commented = noqa.add_noqa(
        outcome.source, outcome.remaining, reserved=None if cells is None else cells.is_reserved
    )
    note = None
    if commented.skipped:
        note = "no suppression comment could be added for " + "; ".join(
            f"{finding.code} at line {finding.location.line} ({why})"
            for finding, why in commented.skipped
        )
    return _Fixed(commented.source, commented.added, [], note)


def compute_python(original: DecodedSource, task: Task) -> Computed:
    if TENSORFLOW not in original.text:
        return Computed(NOTHING, original)
    import libcst as cst
    refused = _refused_nesting(original.text)
    if refused is not None:
        return error(refused, original)
    try:
        fixed = _fix(original.text, task)
    except cst.ParserSyntaxError as parser_error:
        retried = _with_indentation_expanded(original, task)
        if retried is not None:
            return retried
        return error(_syntax_error(original.text, parser_error), original)
    changed = fixed.text if fixed.text != original.text else None
    return Computed(CachedResult(fixed.remaining, fixed.fixed, changed, fixed.note), original)


def _with_indentation_expanded(original: DecodedSource, task: Task) -> Computed | None:
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
        return Computed(CachedResult(remaining, fixed_findings, None, note), original)
    # The fixes are written with the expanded indentation; what remains is located in it.
    note += "; the fixed file is indented with spaces"
    return Computed(CachedResult(fixed.remaining, fixed_findings, fixed.text, note), original)


def compute_notebook(original: DecodedSource, task: Task) -> Computed:
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
    except NotebookError as reason:
        return error(SourceError(str(reason)), original)
    joined = join_cells(notebook, original.text)
    if TENSORFLOW not in joined.text:
        return Computed(NOTHING, original)
    import libcst as cst
    before = cell_locator(joined, joined.text)
    try:
        refused = _refused_nesting(joined.text)
        if refused is not None:
            raise refused
        outcome = _fix(joined.text, task, joined)
    except (cst.ParserSyntaxError, SourceError) as problem:
        why = problem if isinstance(problem, SourceError) else _syntax_error(joined.text, problem)
        finding = to_cell_finding(parse_error(why.message, why.line, why.column), before)
        located = SourceError(finding.message, finding.location.line, finding.location.column)
        return error(located, original)
    # Remaining findings describe the fixed text; add-noqa's describe the text before comments.
    after = before if task.mode is Mode.ADD_NOQA else cell_locator(joined, outcome.text)
    remaining = [to_cell_finding(finding, after) for finding in outcome.remaining]
    fixed = [to_cell_finding(finding, before) for finding in outcome.fixed]
    if outcome.text == joined.text:
        return Computed(CachedResult(remaining, fixed, None, outcome.note), original)
    try:
        updated = with_sources(notebook, split_cells(joined, outcome.text))
    except NotebookError as refusal:
        # Refused: nothing is written, so what would have been fixed is still there.
        return Computed(CachedResult(remaining + fixed, [], None, str(refusal)), original)
    new_text = None if updated is None else dump_notebook(updated)
    return Computed(CachedResult(remaining, fixed, new_text, outcome.note), original)


def cache_key(data: bytes, task: Task) -> str:
    kind = "ipynb" if task.is_notebook else "py"
    return ResultCache.key(data + _imported_bytes(data, task), task.settings_key, task.codes, kind)


def _imported_bytes(data: bytes, task: Task) -> bytes:
    """What the result may depend on besides the file: the project modules it imports, whose
    helpers the session-program analysis reads (a file that names no TensorFlow has none)."""
    if TENSORFLOW.encode() not in data:
        return b""
    from tf_migrate.analysis.project_paths import imported_project_files

    parts = []
    for path in imported_project_files(task.path, data):
        try:
            parts.append(b"\0" + str(path).encode("utf-8", "surrogatepass") + b"\0"
                         + path.read_bytes())
        except OSError:
            continue
    return b"".join(parts)


def decode(data: bytes, task: Task) -> DecodedSource:
    return decode_notebook(data) if task.is_notebook else decode_python(data)


def compute(data: bytes, task: Task) -> Computed:
    """The result for the file whose bytes are `data`: from the cache, or computed (and cached)."""
    try:
        original = decode(data, task)
    except SourceError as reason:
        return error(reason)
    cache = ResultCache(task.cache_dir) if task.cache_dir is not None else None
    key = ""
    if cache is not None:
        key = cache_key(data, task)
        hit = cache.get(key)
        if hit is not None:
            return Computed(hit, original)
    computed = compute_text(original, task)
    # Kept only when the project modules it read did not change meanwhile (another run fixing
    # them): the key names their bytes before the analysis.
    if cache is not None and cache_key(data, task) == key:
        cache.put(key, computed.result)
    return computed


def compute_text(original: DecodedSource, task: Task) -> Computed:
    """`original` computed on a stack that fits its nesting; never raises."""
    compute_kind = compute_notebook if task.is_notebook else compute_python
    try:
        return run_deep(lambda: compute_kind(original, task), frames_for(len(original.text)))
    except RecursionError:
        reason = "cannot parse: an expression is nested deeper than tf-migrate can follow"
        return error(SourceError(reason), original)
    except Exception as problem:  # one file's internal error must not end the run
        reason = f"internal error while processing this file: {problem!r}; please report it"
        return error(SourceError(reason), original)
