"""Proofs without fixture folders: a pair of scripts, or a script and tf-migrate's migration of it.

Each script runs in a copy of its own folder, since programs read files that sit beside them. A
folder too big to copy for every run (a home dir, a repository root) is not copied: the script
then runs alone in its working dir, which the report cannot know to be enough.

``--migrate`` migrates the whole copy, so that the modules a script imports from beside it are
migrated with it (tf-migrate rewrites graph-building helpers together with their callers). A copy
whose script, or a module it imports, still holds findings is not fully migrated: it would run
TF1 code on TF 2, so it is reported as such and not run.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import shutil
from collections import Counter
from pathlib import Path

from tf_migrate.verify.fixture import DEFAULT_ATOL, DEFAULT_RTOL, DEFAULT_TIMEOUT_S, Fixture

MAX_STAGED_FILES = 500
MAX_STAGED_BYTES = 100 * 1024**2
SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "venv", "node_modules"})


class PairError(Exception):
    """The scripts cannot be verified as asked; the message says why."""


def _script(path: Path) -> Path:
    if not path.is_file():
        raise PairError(f"{path}: no such file")
    if path.suffix != ".py":
        raise PairError(f"{path}: not a Python script (.py)")
    return path.resolve()


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {name for name in names if name in SKIPPED_DIRS or name.endswith(".egg-info")}


def folder_is_small(folder: Path) -> bool:
    files = size = 0
    for root, dirs, names in os.walk(folder):
        dirs[:] = [name for name in dirs if name not in _ignore(root, dirs)]
        files += len(names)
        for name in names:
            try:
                size += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
        if files > MAX_STAGED_FILES or size > MAX_STAGED_BYTES:
            return False
    return True


def stage(script: Path, target: Path) -> Path:
    """A folder holding ``script`` and, when small enough, everything beside it."""
    if folder_is_small(script.parent):
        shutil.copytree(script.parent, target, ignore=_ignore, symlinks=True)
    else:
        target.mkdir(parents=True)
        shutil.copy2(script, target / script.name)
    return target


@dataclasses.dataclass(frozen=True)
class Comparison:
    """How a pair is compared, as the command line says."""

    outputs: tuple[str, ...] | None = None
    timeout_s: float | None = None
    rtol: float | None = None
    atol: float | None = None
    stdout: bool = False


def _fixture(
    name: str,
    before: Path,
    after: Path,
    comparison: Comparison,
    before_stage: Path,
    after_stage: Path,
    after_label: str | None = None,
) -> Fixture:
    return Fixture(
        name=name,
        path=before.parent,
        outputs=comparison.outputs,
        rtol=DEFAULT_RTOL if comparison.rtol is None else comparison.rtol,
        atol=DEFAULT_ATOL if comparison.atol is None else comparison.atol,
        reason=None,
        after_kind="reference",
        needs=(),
        timeout_s=comparison.timeout_s or DEFAULT_TIMEOUT_S,
        align=True,
        stdout=comparison.stdout,
        tolerance_stated=comparison.rtol is not None or comparison.atol is not None,
        before_program=before,
        after_program=after,
        before_stage=before_stage,
        after_stage=after_stage,
        after_label=after_label,
    )


def pair_fixture(old: Path, new: Path, comparison: Comparison, workspace: Path) -> Fixture:
    """``old`` (TF1) against ``new`` (TF2), as a fixture; ``workspace`` holds the staged copies."""
    old, new = _script(old), _script(new)
    before_stage = stage(old, workspace / "before")
    after_stage = stage(new, workspace / "after")
    name = f"{old.name} -> {new.name}"
    return _fixture(
        name, before_stage / old.name, after_stage / new.name, comparison, before_stage, after_stage
    )


@dataclasses.dataclass(frozen=True)
class FixOptions:
    """The fix options of `tf-migrate fix` that --migrate accepts (None: as configured)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    unsafe_fixes: bool | None = None
    config: Path | None = None


@dataclasses.dataclass(frozen=True)
class Migration:
    fixture: Fixture
    files: int  # files of the copy that changed: the script and modules beside it
    fixed: int  # findings whose fixes were applied
    remaining: list[str]  # findings left in the script and the modules it imports
    codes: Counter[str]  # their codes
    unsafe: int  # how many of them an unsafe fix would fix

    @property
    def not_fully_migrated(self) -> str:
        """Why the copy cannot be run on TF 2 yet, or ''."""
        if not self.remaining:
            return ""
        codes = ", ".join(
            f"{code} \N{MULTIPLICATION SIGN}{count}" for code, count in sorted(self.codes.items())
        )
        hint = f"; {self.unsafe} would go with --unsafe-fixes" if self.unsafe else ""
        return f"not fully migrated: {len(self.remaining)} finding(s) left ({codes}){hint}"


def local_modules(script: Path, folder: Path) -> set[Path]:
    """The modules beside ``script`` (in ``folder``) that it imports, directly or not."""
    found: set[Path] = set()
    pending = [script]
    while pending:
        current = pending.pop()
        try:
            tree = ast.parse(current.read_text(encoding="utf-8", errors="replace"))
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                for candidate in _module_files(folder, name):
                    if candidate not in found:
                        found.add(candidate)
                        pending.append(candidate)
    return found


def _module_files(folder: Path, name: str) -> list[Path]:
    base = folder.joinpath(*name.split("."))
    return [path for path in (base.with_suffix(".py"), base / "__init__.py") if path.is_file()]


def migrate_fixture(
    script: Path, comparison: Comparison, workspace: Path, fix: FixOptions
) -> Migration:
    """Migrate a copy of ``script``'s folder with tf-migrate's own fixer; the fixture proves it."""
    from tf_migrate.engine.run import Mode, run
    from tf_migrate.model import Applicability
    from tf_migrate.rules.registry import check_selectors
    from tf_migrate.settings import ConfigError, find_config, load_settings

    script = _script(script)
    before_stage = stage(script, workspace / "before")
    after_stage = stage(script, workspace / "after")
    migrated = after_stage / script.name
    try:
        settings = load_settings(fix.config or find_config(script.parent))
        settings = settings.with_overrides(
            select=fix.select, ignore=fix.ignore, unsafe_fixes=fix.unsafe_fixes
        )
        check_selectors(settings)
    except ConfigError as exc:
        raise PairError(str(exc)) from exc
    # The copy lies outside the project, where its exclude patterns would not mean the same.
    settings = dataclasses.replace(
        settings, exclude=(), extend_exclude=(), per_file_ignores=(), project_root=after_stage
    )
    result = run([str(after_stage)], settings, mode=Mode.FIX, use_cache=False, show_progress=False)
    outcomes = {Path(outcome.path).resolve(): outcome for outcome in result.files}
    outcome = outcomes.get(migrated.resolve())
    if outcome is None:
        raise PairError(f"{script}: tf-migrate did not migrate it (no finding, not a TF program?)")
    if outcome.error is not None:
        raise PairError(f"{script}: tf-migrate could not migrate it: {outcome.error}")
    imported = {path.resolve() for path in local_modules(migrated, after_stage)}
    remaining, codes, unsafe = [], Counter[str](), 0
    for path, file_outcome in sorted(outcomes.items()):
        if path != migrated.resolve() and path not in imported:
            continue
        for finding in file_outcome.remaining:
            remaining.append(
                f"{path.relative_to(after_stage.resolve())}:{finding.location.line}:"
                f"{finding.location.column} {finding.code} {finding.message}"
            )
            codes[finding.code] += 1
            unsafe += finding.applicability is Applicability.UNSAFE
    fixture = _fixture(
        f"{script.name} (migrated)",
        before_stage / script.name,
        migrated,
        comparison,
        before_stage,
        after_stage,
        after_label=f"{script.name} (migrated)",
    )
    return Migration(
        fixture,
        files=sum(1 for file_outcome in result.files if file_outcome.changed),
        fixed=sum(len(file_outcome.fixed) for file_outcome in result.files),
        remaining=remaining,
        codes=codes,
        unsafe=unsafe,
    )
