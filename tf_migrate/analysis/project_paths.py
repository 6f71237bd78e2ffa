"""Where the project modules a file imports are, by path alone (no parsing: a cached run reads
these to key a result, and must stay cheap): Python's rules for a script run from its own
folder, and for a package's relative and absolute imports."""

from __future__ import annotations

import re
from pathlib import Path


def import_bases(importer: Path, level: int) -> list[Path]:
    """The folders an import with `level` dots, in the file at `importer`, looks in, first
    first."""
    folder = importer.parent
    if level:
        # One dot: the importing module's own package; each further dot one folder up.
        if level == 1:
            return [folder]
        return [folder.parents[level - 2]] if level - 2 < len(folder.parents) else []
    # The script's folder, then the folders above it while they are packages (an absolute
    # import inside a package names modules from the package's root).
    bases = [folder]
    while (folder / "__init__.py").is_file() and folder.parent != folder:
        folder = folder.parent
        bases.append(folder)
    return bases


def module_candidates(base: Path, dotted: str) -> list[Path]:
    """The files `dotted` may be under `base`: a module, then a package."""
    parts = [part for part in dotted.split(".") if part]
    if not parts:
        return [base / "__init__.py"]
    target = base.joinpath(*parts)
    return [target.with_name(target.name + ".py"), target / "__init__.py"]


# An import line of Python, or of a notebook cell's JSON string (`"from x import y\n",`):
# `from <dots><module> import <names>` or `import <modules>`.
_IMPORT_LINE = re.compile(
    rb"^[ \t]*\"?(?:from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+\(?([\w., \t]*)"
    rb"|import[ \t]+([\w., \t]+))", re.MULTILINE)


def _names(listed: bytes) -> list[str]:
    """`a, b as c` -> ["a", "b"]."""
    text = listed.decode("ascii", "replace")
    return [part.split()[0] for part in text.split(",") if part.split()]


def imported_project_files(importer: Path, source: bytes) -> list[Path]:
    """The project files `source` (the bytes of `importer`) imports, as a scan of its import
    lines finds them: its result is cached under their bytes too. (A name on a continuation
    line of a parenthesized import is not seen; `--no-cache` reads everything afresh.)"""
    wanted: list[tuple[str, int]] = []
    for match in _IMPORT_LINE.finditer(source):
        dots, module, names, modules = match.groups()
        if modules is not None:
            wanted.extend((name, 0) for name in _names(modules))
            continue
        module_name = (module or b"").decode("ascii", "replace")
        level = len(dots or b"")
        wanted.append((module_name, level))
        # `from package import module` imports a module too.
        wanted.extend((f"{module_name}.{name}" if module_name else name, level)
                      for name in _names(names or b""))
    found: set[Path] = set()
    for dotted, level in wanted:
        for base in import_bases(importer, level):
            found.update(path for path in module_candidates(base, dotted) if path.is_file())
    return sorted(found)
