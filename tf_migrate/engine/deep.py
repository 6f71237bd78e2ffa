"""Deeply nested code: computed on a thread whose stack fits it, and judged as CPython judges it.

libcst, its metadata providers and the rules walk syntax trees recursively: about three Python
frames per level of nesting, seven for nested calls. CPython compiles expressions nested up to
about 3,000 levels (its compiler stops at three times its default recursion limit), and chains
of `and`/`or` of any length (flat in its syntax tree, one level per operator in libcst's). So a
file is computed on a thread of its own, with a recursion limit that grows with the file and a
stack large enough for that many frames; the stack is reserved, not used, until the recursion
reaches it.

What CPython itself refuses for its nesting (too many parentheses, a compiler that runs out of
recursion, a parser that runs out of stack) is reported with CPython's reason
(`python_refuses_nesting`), so that a file is never processed that Python could not run.
"""

from __future__ import annotations

import sys
import threading
import warnings
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Frames for the deepest nesting CPython compiles: ~3,000 levels at up to 7 frames each, and
# what a run needs below the file's own tree.
_BASE_FRAMES = 30_000
# An `and`/`or` chain (the one nesting CPython accepts at any depth) has a level per 5
# characters at least (`x or `), at about 3 frames each: under one frame per character.
_FRAMES_PER_CHARACTER = 1
# C stack reserved per Python frame: the deepest nestings CPython compiles, fixed on ever smaller
# stacks, needed 340 to 790 bytes per frame (nested lambdas the most); paths that were not
# measured may take more.
_STACK_PER_FRAME = 4096
_MAX_STACK = 2 << 30
_MIN_STACK = 16 << 20
# CPython's own recursion limit, which `python file.py` compiles the file under.
_PYTHON_RECURSION_LIMIT = 1000

# threading.stack_size is process-wide: threads are started one at a time.
_START_LOCK = threading.Lock()


def frames_for(size: int) -> int:
    """The recursion limit under which a file of `size` characters is computed."""
    return _BASE_FRAMES + _FRAMES_PER_CHARACTER * size


def run_deep(function: Callable[[], T], frames: int) -> T:
    """`function()` on a thread with `frames` of recursion and a stack to hold them.

    The calling thread waits; what `function` raises is raised here. Where the system refuses a
    stack that large, a smaller one with a proportionally lower limit is used.
    """
    outcome: list[T] = []
    failure: list[BaseException] = []
    stack = min(max(frames * _STACK_PER_FRAME, _MIN_STACK), _MAX_STACK)

    def target() -> None:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, stack // _STACK_PER_FRAME))
        try:
            outcome.append(function())
        except BaseException as error:  # handed to the waiting thread, which raises it
            failure.append(error)
        finally:
            sys.setrecursionlimit(previous)

    thread = _start(target, stack)
    if thread is None:
        return function()  # no thread could be started: the recursion limit stands
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


def _start(target: Callable[[], None], stack: int) -> threading.Thread | None:
    with _START_LOCK:
        while True:
            previous = threading.stack_size(stack)
            try:
                thread = threading.Thread(target=target, name="tf-migrate-deep", daemon=True)
                thread.start()
                return thread
            except (RuntimeError, MemoryError):
                if stack <= _MIN_STACK:
                    return None
                stack //= 2
            finally:
                threading.stack_size(previous)


_TOO_DEEP = "an expression is nested too deeply"


def python_refuses_nesting(text: str) -> tuple[str, int, int] | None:
    """CPython's reason for refusing to compile `text` when it is its nesting (with the line and
    column it names), or None: CPython compiles it, or refuses it for another reason (libcst,
    which knows newer syntax than this interpreter, has the last word on those)."""
    previous = sys.getrecursionlimit()
    # As `python file.py` compiles it: from the bottom of a fresh stack.
    sys.setrecursionlimit(_PYTHON_RECURSION_LIMIT + _depth())
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the code's own warnings are not the run's
            compile(text, "<source>", "exec", dont_inherit=True)
    except RecursionError:
        return f"{_TOO_DEEP}: Python's compiler exceeds its recursion limit", 1, 1
    except MemoryError:
        return f"{_TOO_DEEP}: Python's parser runs out of stack", 1, 1
    except SyntaxError as error:
        if error.msg in ("too many nested parentheses", "too many levels of indentation"):
            return error.msg, error.lineno or 1, error.offset or 1
    except ValueError:
        pass  # NUL bytes and the like: the parser reports them in its own words
    finally:
        sys.setrecursionlimit(previous)
    return None


def _depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth
