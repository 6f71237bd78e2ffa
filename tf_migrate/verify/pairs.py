"""Proofs without fixture folders: a pair of scripts, or a script and tf-migrate's migration of it.

Each script runs in a copy of its own folder, since programs read files that sit beside them. A
folder too big to copy for every run (a home dir, a repository root) is not copied: the script
then runs alone in its working dir, which the report cannot know to be enough.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
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


def _fixture(
    name: str,
    before: Path,
    after: Path,
    outputs: tuple[str, ...] | None,
    before_stage: Path,
    after_stage: Path,
    timeout_s: float | None,
) -> Fixture:
    return Fixture(
        name=name,
        path=before.parent,
        outputs=outputs,
        rtol=DEFAULT_RTOL,
        atol=DEFAULT_ATOL,
        reason=None,
        after_kind="reference",
        needs=(),
        timeout_s=timeout_s or DEFAULT_TIMEOUT_S,
        align=True,
        before_program=before,
        after_program=after,
        before_stage=before_stage,
        after_stage=after_stage,
    )


def pair_fixture(
    old: Path,
    new: Path,
    outputs: tuple[str, ...] | None,
    workspace: Path,
    timeout_s: float | None = None,
) -> Fixture:
    """``old`` (TF1) against ``new`` (TF2), as a fixture; ``workspace`` holds the staged copies."""
    old, new = _script(old), _script(new)
    before_stage = stage(old, workspace / "before")
    after_stage = stage(new, workspace / "after")
    name = f"{old.name} -> {new.name}"
    return _fixture(
        name,
        before_stage / old.name,
        after_stage / new.name,
        outputs,
        before_stage,
        after_stage,
        timeout_s,
    )


@dataclasses.dataclass(frozen=True)
class Migration:
    fixture: Fixture
    fixed: int  # findings whose fixes were applied
    remaining: list[str]  # findings left, as "line:col CODE message"


def migrate_fixture(
    script: Path,
    outputs: tuple[str, ...] | None,
    workspace: Path,
    timeout_s: float | None = None,
) -> Migration:
    """Migrate a copy of ``script`` with tf-migrate's own fixer; the fixture proves the result."""
    from tf_migrate.engine.run import Mode, run
    from tf_migrate.rules.registry import check_selectors
    from tf_migrate.settings import ConfigError, find_config, load_settings

    script = _script(script)
    before_stage = stage(script, workspace / "before")
    after_stage = stage(script, workspace / "after")
    migrated = after_stage / script.name
    try:
        settings = load_settings(find_config(script.parent))
        check_selectors(settings)
    except ConfigError as exc:
        raise PairError(str(exc)) from exc
    # The copy lies outside the project, where its exclude patterns would not mean the same.
    settings = dataclasses.replace(
        settings, exclude=(), extend_exclude=(), per_file_ignores=(), project_root=after_stage
    )
    result = run(
        [str(migrated)], settings, mode=Mode.FIX, jobs=1, use_cache=False, show_progress=False
    )
    (outcome,) = result.files
    if outcome.error is not None:
        raise PairError(f"{script}: tf-migrate could not migrate it: {outcome.error}")
    remaining = [
        f"{finding.location.line}:{finding.location.column} {finding.code} {finding.message}"
        for finding in outcome.remaining
    ]
    fixture = _fixture(
        f"{script.name} (migrated)",
        before_stage / script.name,
        migrated,
        outputs,
        before_stage,
        after_stage,
        timeout_s,
    )
    return Migration(fixture, len(outcome.fixed), remaining)
