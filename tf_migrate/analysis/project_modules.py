"""The modules of the user's own project that a file imports, read (never run) so that an
analysis can see what an imported helper does: `from ops import dense` next to `train.py`
finds `ops.py`, `from .layers import conv` and `import model` likewise.

Modules resolve as Python would for a script run from its own folder (the folder first), and
inside a package by relative imports or from the package's root. A module that does not parse,
is too big or is not there is simply not known: the analysis then treats the call as it treats
any call it cannot see into.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper

from tf_migrate.analysis.project_paths import import_bases, module_candidates
from tf_migrate.analysis.qualified_names import NameResolver
from tf_migrate.cst.positions import PositionIndex

# A helper module bigger than this is not read: the analysis must stay cheap per file.
MAX_MODULE_BYTES = 512 * 1024


@dataclass(frozen=True)
class ProjectModule:
    path: Path
    shown: str  # the path as a message names it: relative to the importing file's folder
    module: cst.Module
    names: NameResolver
    positions: PositionIndex

    def function(self, name: str) -> cst.FunctionDef | None:
        """The module's top-level function `name` (the last definition wins, as at run time)."""
        found = None
        for statement in self.module.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
                found = statement
        return found

    def line(self, node: cst.CSTNode) -> int:
        return self.positions.range(node).start.line


# Parsed modules by (path, modification time, size): a run reads each helper module once per
# process, however many files import it. Only what the disk holds is cached, so it cannot go
# stale within a run that does not change it; the least recently used go past MAX_PARSED, so
# that a large tree's helper modules do not all stay in memory.
MAX_PARSED = 64
_parsed: OrderedDict[tuple[Path, int, int], ProjectModule | None] = OrderedDict()


class ProjectModules:
    """The project modules the file at `importer` can import (None: a text without a file, as
    standard input, which imports none)."""

    def __init__(self, importer: Path | None) -> None:
        self.importer = importer

    def find(self, dotted: str, level: int = 0) -> ProjectModule | None:
        """The module `from <dots><dotted> import ...` or `import <dotted>` names, where
        `level` counts the dots."""
        if self.importer is None or (not dotted and not level):
            return None
        for base in self.bases(level):
            for candidate in module_candidates(base, dotted):
                if candidate.is_file():
                    return _load(candidate, self.importer.parent)
        return None

    def bases(self, level: int) -> list[Path]:
        """The folders an import with `level` dots looks in, first first."""
        return [] if self.importer is None else import_bases(self.importer, level)


def _load(path: Path, relative_to: Path) -> ProjectModule | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (path.resolve(), stat.st_mtime_ns, stat.st_size)
    if key in _parsed:
        _parsed.move_to_end(key)
        return _parsed[key]
    found = None
    if stat.st_size <= MAX_MODULE_BYTES:
        try:
            source = path.read_text(encoding="utf-8")
            module = cst.parse_module(source)
        except (OSError, UnicodeDecodeError, cst.ParserSyntaxError, RecursionError):
            module = None
        if module is not None:
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            found = ProjectModule(path, _shown(path, relative_to), module,
                                  NameResolver.for_module(wrapper, source), PositionIndex(module))
    _parsed[key] = found
    if len(_parsed) > MAX_PARSED:
        _parsed.popitem(last=False)
    return found


def _shown(path: Path, folder: Path) -> str:
    try:
        return path.relative_to(folder).as_posix()
    except ValueError:
        return path.as_posix()
