"""Replacing a file so that nothing half-written is ever seen or left behind.

The new bytes are written to a file with no name yet in the target's folder (Linux's O_TMPFILE;
elsewhere a named temporary file), synced, given a name and moved over the target in one
`os.replace`. Killed at any moment, a run leaves the old file or the new one: a process killed
before the naming leaves nothing, since the kernel frees a file without a name; only SIGKILL
between the two system calls that name and move it (microseconds apart) can leave a
`.NAME.*.tf-migrate.tmp` file (where unnamed files cannot be named, a named temporary file is
written instead, and SIGKILL while it is written leaves it). SIGINT and SIGTERM that arrive
meanwhile take effect once the file is in place.

A fix is written only over the bytes it was computed from: if the file changed on disk since it
was read (an editor, another run), it is left as it is and `WriteConflict` says so.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

TEMPORARY_SUFFIX = ".tf-migrate.tmp"
_UNNAMED_FILES = getattr(os, "O_TMPFILE", 0)


class WriteError(Exception):
    """The fixed file could not be written; the original is untouched."""


class WriteConflict(WriteError):
    """The file changed on disk after it was read: the fix is not written over the change."""


def write_atomic(
    path: Path, data: bytes, *, mode: int | None = None, expected: bytes | None = None
) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, never a part.

    The new file takes the original's permission bits (or `mode`, for a new file). A file
    without write permission is left alone: replacing it would succeed on POSIX (only the
    folder's permission matters), but the user marked it as not to be changed. With `expected`,
    the file is replaced only if it still holds exactly those bytes.
    """
    try:
        existing = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    except OSError as error:
        raise WriteError(f"cannot write: {error.strerror}") from error
    if existing is not None:
        if not existing & stat.S_IWUSR or not os.access(path, os.W_OK):
            raise WriteError("cannot write: the file is read-only; fixes not applied")
        mode = existing
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, data, mode if mode is not None else 0o644, expected)
    except WriteError:
        raise
    except OSError as error:
        raise WriteError(f"cannot write: {error.strerror or error}") from error


def replace_atomically(path: Path, data: bytes, mode: int, expected: bytes | None = None) -> None:
    """The core of `write_atomic`, for files that are the tool's own (the cache's entries)."""
    with _signals_deferred():
        temporary = _write_unnamed(path, data, mode)
        try:
            if expected is not None and _current(path) != expected:
                raise WriteConflict(
                    "the file changed on disk while tf-migrate was working on it; "
                    "it was left as it is (run tf-migrate again)"
                )
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _write_unnamed(path: Path, data: bytes, mode: int) -> str:
    """The name of a new file of `path`'s folder holding `data`, named only once it is complete
    and synced where the system allows it."""
    if _UNNAMED_FILES and os.path.isdir("/proc/self/fd"):
        try:
            descriptor = os.open(path.parent, _UNNAMED_FILES | os.O_WRONLY, mode)
        except OSError:
            pass  # a file system without unnamed files
        else:
            try:
                _fill(descriptor, data, mode)
                return _name(descriptor, path)
            except OSError:
                pass  # one that cannot name them (overlay file systems): a named file instead
            finally:
                os.close(descriptor)
    descriptor, name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX
    )
    try:
        _fill(descriptor, data, mode)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    finally:
        os.close(descriptor)
    return name


def _fill(descriptor: int, data: bytes, mode: int) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]
    os.fsync(descriptor)
    os.fchmod(descriptor, mode)


def _name(descriptor: int, path: Path) -> str:
    while True:
        name = str(path.parent / f".{path.name}.{os.urandom(4).hex()}{TEMPORARY_SUFFIX}")
        try:
            _link(descriptor, name)
            return name
        except FileExistsError:
            continue


def _link(descriptor: int, name: str) -> None:
    """Give the unnamed file `descriptor` the name `name`: linkat(2) of the descriptor itself
    where the kernel allows it, else through /proc (which some kernels refuse across mounts)."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    empty_path, current_folder = 0x1000, -100  # AT_EMPTY_PATH, AT_FDCWD in <fcntl.h>
    if libc.linkat(descriptor, b"", current_folder, os.fsencode(name), empty_path) == 0:
        return
    number = ctypes.get_errno()
    if number == errno.EEXIST:
        raise FileExistsError(number, os.strerror(number), name)
    os.link(f"/proc/self/fd/{descriptor}", name, follow_symlinks=True)


_DEFERRED = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM received inside take effect at its end (signal handlers can only be
    changed in the main thread; elsewhere they are left as they are)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[signal.Signals] = []
    previous = {
        number: signal.signal(number, lambda number, _: received.append(signal.Signals(number)))
        for number in _DEFERRED
    }
    try:
        yield
    finally:
        for number, handler in previous.items():
            # None: a handler set outside Python, which cannot be put back; the default is.
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)
        for number in received:
            signal.raise_signal(number)
