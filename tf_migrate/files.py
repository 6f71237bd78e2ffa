"""Files on disk: discovery, decoding the way Python does, output trees (writing.py writes).

Decoding follows Python itself (PEP 263): a UTF-8 BOM or a `# coding:` cookie picks the codec,
otherwise UTF-8. Text is decoded without newline translation, so CRLF survives the round trip
(libcst keeps each line's ending), and is encoded back with the very codec it was read with.
"""

from __future__ import annotations

import codecs
import errno
import io
import os
import shutil
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tf_migrate.settings import Settings

SOURCE_SUFFIXES = (".py", ".ipynb")

# Folders that never hold the user's own code: VCS data, caches, build output, installed packages.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        ".venv",
        "venv",
        "build",
        "dist",
        "node_modules",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tf-migrate-cache",
        "site-packages",
        ".ipynb_checkpoints",
    }
)


class SourceError(Exception):
    """A file that cannot be turned into text; the message says why (it becomes a TFM000)."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Discovered:
    """A file to process (`error` and `skipped` are None), a path that could not be used
    (`error` says why) or one left alone on purpose (`skipped` says why)."""

    path: Path
    display: str
    error: str | None = None
    skipped: str | None = None


@dataclass(frozen=True)
class DecodedSource:
    text: str
    encoding: str  # a codec name that encodes `text` back to the original bytes, BOM included


def display_path(path: Path) -> str:
    """The path as the user reads it: relative to the current folder when inside it."""
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def is_skipped_dir(folder: Path) -> bool:
    name = folder.name
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    # Any folder with a pyvenv.cfg is a virtual environment, whatever it is called (`env`, ...).
    return (folder / "pyvenv.cfg").is_file()


def _loop_error(path: Path) -> str | None:
    """Why `path` cannot be resolved (a symlink loop), or None."""
    try:
        path.stat()
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "symlink loop: the link never reaches a real file"
        if not path.exists() and path.is_symlink():
            return "broken symlink: its target does not exist"
        return None
    return None


def _excluded(settings: Settings, path: Path) -> bool:
    try:
        return settings.is_excluded(path)
    except (OSError, RuntimeError):
        # Settings resolve the path to match patterns; a symlink loop cannot be resolved, and is
        # reported as such rather than silently dropped.
        return False


class _Roots:
    """The real places the given paths lead to: what a run may read and write."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.folders: list[Path] = []
        self.files: set[Path] = set()
        for path in paths:
            real = _real(path)
            if real is None:
                continue
            if real.is_dir():
                self.folders.append(real)
            else:
                self.files.add(real)

    def hold(self, real: Path) -> bool:
        return real in self.files or any(real.is_relative_to(root) for root in self.folders)


def _real(path: Path) -> Path | None:
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None


_OUTSIDE = "symbolic link to {target}, outside the paths given; skipped"


def _walk(
    root: Path, settings: Settings, seen_dirs: set[Path], roots: _Roots
) -> Iterator[Discovered]:
    resolved = _real(root)
    # A symlinked folder that leads back into the tree is visited once, not forever.
    if resolved is None or resolved in seen_dirs:
        return
    seen_dirs.add(resolved)
    try:
        entries = sorted(os.scandir(root), key=lambda entry: entry.name)
    except OSError as error:
        yield Discovered(root, display_path(root), f"cannot list folder: {error.strerror}")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            is_dir = is_file = False
        if is_dir:
            if is_skipped_dir(path) or _excluded(settings, path):
                continue
            if entry.is_symlink():
                # Inside the given paths, its files are found by their own names (or not at
                # all, in a folder the walk skips); outside, they are not to be written.
                outside = _leads_outside(path, True, roots)
                if outside is not None:
                    yield outside
                continue
            yield from _walk(path, settings, seen_dirs, roots)
        elif path.suffix in SOURCE_SUFFIXES and not _excluded(settings, path):
            if is_file:
                yield _leads_outside(path, entry.is_symlink(), roots) or Discovered(
                    path, display_path(path)
                )
            elif entry.is_symlink():
                reason = _loop_error(path)
                if reason is not None:
                    yield Discovered(path, display_path(path), reason)


def _leads_outside(path: Path, is_symlink: bool, roots: _Roots) -> Discovered | None:
    """A note for a symlink found in a folder that leads outside the given paths (a fix would
    write there), as black skips them; None for anything else."""
    if not is_symlink:
        return None
    real = _real(path)
    if real is None or roots.hold(real):
        return None
    return Discovered(path, display_path(path), skipped=_OUTSIDE.format(target=real))


def discover(paths: Sequence[str], settings: Settings) -> list[Discovered]:
    """Python files and notebooks under `paths`, sorted, each file once.

    Excludes apply to what is found inside folders, and to the paths given when
    `settings.force_exclude` (as ruff does). A file reached by several paths (symlinks, hard
    links, `a/../a`) is processed once, by its own name where it is found by it. Symlinks found
    in a folder that lead outside the given paths are skipped with a note. Paths that cannot be
    used are returned with an error so the run reports them and goes on.
    """
    found: dict[object, Discovered] = {}
    seen_dirs: set[Path] = set()
    given = [Path(raw) for raw in paths]
    if settings.force_exclude:
        given = [path for path in given if not _excluded(settings, path)]
    roots = _Roots(given)

    def add(item: Discovered) -> None:
        key = _identity(item.path) if item.error is None and item.skipped is None else item.display
        kept = found.get(key)
        # The file's own name wins over a link to it.
        if kept is None or (kept.path.is_symlink() and not item.path.is_symlink()):
            found[key] = item

    for path in given:
        reason = _loop_error(path)
        if reason is not None:
            add(Discovered(path, display_path(path), reason))
        elif path.is_dir():
            for item in _walk(path, settings, seen_dirs, roots):
                add(item)
        elif path.is_file():
            add(Discovered(path, display_path(path)))
        else:
            add(Discovered(path, display_path(path), "no such file or folder"))
    return sorted(found.values(), key=lambda item: item.display)


def _identity(path: Path) -> object:
    # The same file reached as `a.py`, `./src/../a.py`, a symlink or a hard link is one file.
    try:
        status = path.stat()
    except OSError:
        return str(path.absolute())
    return (status.st_dev, status.st_ino)


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError as error:
        raise SourceError("is a folder, not a file") from error
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SourceError("symlink loop: the link never reaches a real file") from error
        raise SourceError(f"cannot read file: {error.strerror or error}") from error


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return line, column


def decode_python(data: bytes) -> DecodedSource:
    """Python source bytes to text, as the interpreter would decode them."""
    if b"\x00" in data:
        raise SourceError("binary file: contains NUL bytes, not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        raise SourceError(f"bad encoding: {error.msg}", error.lineno or 1) from error
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        what = (
            "not valid UTF-8 and no coding declaration"
            if encoding in ("utf-8", "utf-8-sig")
            else f"not valid {encoding} (as its coding declaration says)"
        )
        raise SourceError(
            f"bad encoding: {what} (byte {data[error.start]:#04x} at line {line}); "
            "add a `# -*- coding: ... -*-` line or re-save it as UTF-8",
            line,
            column,
        ) from error
    return DecodedSource(text, encoding)


def decode_notebook(data: bytes) -> DecodedSource:
    """Notebook bytes to text: JSON files are UTF-8 (a BOM is tolerated and kept)."""
    if b"\x00" in data:
        raise SourceError("binary file: contains NUL bytes, not a notebook")
    encoding = "utf-8-sig" if data.startswith(codecs.BOM_UTF8) else "utf-8"
    try:
        return DecodedSource(data.decode(encoding), encoding)
    except UnicodeDecodeError as error:
        line, column = _position(data, error.start)
        message = f"bad encoding: notebook is not valid UTF-8 (line {line})"
        raise SourceError(message, line, column) from error


def _absolute(path: Path) -> Path:
    # Normalised but not resolved: a symlinked folder keeps its place in the mirrored tree.
    return Path(os.path.abspath(path))


class OutputTree:
    """`-o DIR`: the given paths mirrored below DIR, the sources untouched.

    A single folder is mirrored by its contents; otherwise paths keep their place relative to
    their common parent folder. Folders that discovery skips are not copied.
    """

    def __init__(self, paths: Sequence[str], output_dir: Path) -> None:
        self.paths = [Path(raw) for raw in paths if raw != "-"]
        self.output_dir = _absolute(output_dir)
        absolute = [_absolute(path) for path in self.paths]
        if len(absolute) == 1 and absolute[0].is_dir():
            self.root = absolute[0]
        else:
            parents = [path if path.is_dir() else path.parent for path in absolute]
            self.root = Path(os.path.commonpath(parents)) if parents else Path.cwd()

    def destination(self, path: Path) -> Path:
        return self.output_dir / _absolute(path).relative_to(self.root)

    def holds(self, path: Path) -> bool:
        return _absolute(path).is_relative_to(self.output_dir)

    def _files(self, path: Path) -> Iterator[Path]:
        if not path.is_dir():
            yield path
            return
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(
                name
                for name in subfolders
                if not is_skipped_dir(Path(folder, name)) and not self.holds(Path(folder, name))
            )
            yield from (Path(folder, name) for name in sorted(names))

    def copy_rest(self, migrated: set[Path]) -> None:
        """Copy every file under the paths except `migrated` ones (already written)."""
        for given in self.paths:
            for source in self._files(given):
                if source in migrated or not source.is_file():
                    continue
                target = self.destination(source)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
