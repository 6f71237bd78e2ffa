"""Settings: `[tool.tf-migrate]` of the nearest pyproject.toml, then command-line overrides.

Validated once and frozen, so every worker process sees the same, hashable configuration (the
cache keys on it). Rule selectors are checked against the code table by the rules' registry
(`check_selectors`), which sits above this module.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

OUTPUT_FORMATS = ("full", "concise", "json", "github", "sarif")
KERAS_NAMESPACES = ("tf.keras", "keras")
# A run's memory budget unless configured: half of what a small CI machine has (GitHub's and
# GitLab's smallest Linux runners have 7-8 GB), leaving the rest to the job around it.
DEFAULT_MEMORY_LIMIT = 2 << 30
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*", re.IGNORECASE)

# Key in pyproject.toml -> Settings field. The `verify` table belongs to the verify subsystem.
_KEYS = {
    "select": "select",
    "ignore": "ignore",
    "per-file-ignores": "per_file_ignores",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "unsafe-fixes": "unsafe_fixes",
    "output-format": "output_format",
    "keras-namespace": "keras_namespace",
    "force-exclude": "force_exclude",
    "memory-limit": "memory_limit",
}
_SUBTABLES = {"verify"}


class ConfigError(ValueError):
    """A configuration problem the user must fix; the CLI exits with code 2."""


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    output_format: str = "full"
    keras_namespace: str = "tf.keras"
    # Excludes apply to paths named on the command line too (as ruff's --force-exclude).
    force_exclude: bool = False
    memory_limit: int = DEFAULT_MEMORY_LIMIT  # bytes a run may hold at once, all processes
    # Where the configuration came from; per-file-ignores and excludes are relative to it.
    project_root: Path = field(default_factory=Path.cwd)
    config_file: Path | None = None

    def with_overrides(self, **overrides: Any) -> Settings:
        """Command-line values replace configured ones; None means "not given"."""
        given = {key: value for key, value in overrides.items() if value is not None}
        updated = replace(self, **given)
        _validate(updated)
        return updated

    def ignored_codes_for(self, path: Path) -> tuple[str, ...]:
        if not self.per_file_ignores:
            return ()
        relative = _relative_posix(path, self.project_root)
        codes: list[str] = []
        for pattern, pattern_codes in self.per_file_ignores:
            if _glob_match(relative, pattern):
                codes.extend(pattern_codes)
        return tuple(codes)

    def is_excluded(self, path: Path) -> bool:
        if not self.exclude and not self.extend_exclude:
            return False
        relative = _relative_posix(path, self.project_root)
        return any(_glob_match(relative, p) for p in self.exclude + self.extend_exclude)


@dataclass(frozen=True)
class RuleOptions:
    """Settings a rule may read. Kept small and hashable so results can be cached by them."""

    keras_namespace: str = "tf.keras"


def _relative_posix(path: Path, root: Path) -> str:
    try:
        return PurePosixPath(path.resolve().relative_to(root.resolve())).as_posix()
    except (ValueError, OSError, RuntimeError):
        # Outside the project, or unresolvable (a symlink loop raises RuntimeError on 3.11).
        return path.as_posix()


def _glob_match(relative: str, pattern: str) -> bool:
    """A pattern matches the path, any of its parent folders, or its file name (like ruff)."""
    pattern = pattern.rstrip("/")
    parts = relative.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))] + [parts[-1]]
    return any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates)


def find_config(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` that has a [tool.tf-migrate] table."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "tf-migrate" in _load_toml(pyproject).get("tool", {}):
            return pyproject
    return None


def _load_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from error


def _string_list(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, Sequence) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ConfigError(f"`{key}` must be a list of strings, got {value!r}")


def load_settings(config_file: Path | None) -> Settings:
    """Settings from `config_file` (a pyproject.toml), or defaults when None."""
    if config_file is None:
        return Settings()
    table = _load_toml(config_file).get("tool", {}).get("tf-migrate", {})
    return settings_from_table(table, config_file)


def settings_from_table(table: Mapping[str, Any], config_file: Path) -> Settings:
    unknown = sorted(set(table) - set(_KEYS) - _SUBTABLES)
    if unknown:
        known = ", ".join(sorted(set(_KEYS) | _SUBTABLES))
        raise ConfigError(
            f"{config_file}: unknown key(s) in [tool.tf-migrate]: {', '.join(unknown)} "
            f"(known: {known})"
        )
    values: dict[str, Any] = {"project_root": config_file.parent, "config_file": config_file}
    for key, value in table.items():
        if key in _SUBTABLES:
            continue
        name = _KEYS[key]
        if key == "per-file-ignores":
            if not isinstance(value, Mapping):
                raise ConfigError("`per-file-ignores` must be a table of glob = [codes]")
            values[name] = tuple(
                (pattern, _string_list(f"per-file-ignores.{pattern}", codes))
                for pattern, codes in value.items()
            )
        elif key in ("unsafe-fixes", "force-exclude"):
            if not isinstance(value, bool):
                raise ConfigError(f"`{key}` must be true or false, got {value!r}")
            values[name] = value
        elif key == "memory-limit":
            values[name] = parse_size(value, key)
        elif key in ("output-format", "keras-namespace"):
            if not isinstance(value, str):
                raise ConfigError(f"`{key}` must be a string, got {value!r}")
            values[name] = value
        else:
            values[name] = _string_list(key, value)
    settings = Settings(**values)
    _validate(settings)
    return settings


def parse_size(value: object, what: str = "memory-limit") -> int:
    """Bytes from `2GiB`, `1.5G`, `512MB`, `800M` (K, M, G, T: powers of 1024, with or without
    `iB`; KB, MB, GB, TB: powers of 1000) or a number of bytes."""
    match = _SIZE.fullmatch(value) if isinstance(value, str) else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if match is None or (match.group(3).lower() == "ib" and not match.group(2)):
        raise ConfigError(f"`{what}` must be a size such as \"2GiB\" or \"512MB\", got {value!r}")
    number, unit, suffix = float(match.group(1)), match.group(2).lower(), match.group(3).lower()
    base = 1000 if suffix == "b" and unit else 1024
    size = int(number * base ** " kmgt".index(unit or " "))
    if size <= 0:
        raise ConfigError(f"`{what}` must be more than nothing, got {value!r}")
    return size


def _validate(settings: Settings) -> None:
    if settings.output_format not in OUTPUT_FORMATS:
        raise ConfigError(
            f"unknown output format {settings.output_format!r} "
            f"(choose from {', '.join(OUTPUT_FORMATS)})"
        )
    if settings.keras_namespace not in KERAS_NAMESPACES:
        raise ConfigError(
            f"unknown keras-namespace {settings.keras_namespace!r} "
            f"(choose from {', '.join(KERAS_NAMESPACES)})"
        )
