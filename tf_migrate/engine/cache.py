"""Content-hash cache of per-file results.

An entry's key is the sha256 of the file's bytes together with everything that can change the
result: the tool version and a fingerprint of its own code and tables (so editing a rule during
development never serves a stale result), the rule codes in force for that file, the settings
the rules read, the mode and the kind of file. The path is not part of the key: the result of a
file depends on its content only, so copies share an entry.

Entries are small JSON files written atomically (two runs may share a cache); an entry that
cannot be read or does not have the expected shape is ignored (and rewritten). The folder holds
a `.gitignore` of `*` and a CACHEDIR.TAG, as ruff's does, so neither git nor backup tools pick
it up.

Where it lives (`default_directory`): beside the configuration file when there is one, as ruff's
does; without one, in the user's cache folder under a name derived from the project root, so a
run in any folder leaves no cache folder behind in it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import tf_migrate
from tf_migrate.model import Applicability, Finding, Location
from tf_migrate.writing import replace_atomically

DEFAULT_DIR_NAME = ".tf-migrate-cache"
CACHE_DIR_ENV = "TF_MIGRATE_CACHE_DIR"
_GITIGNORE = "# Automatically created by tf-migrate.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by tf-migrate.\n"
)


@dataclass
class CachedResult:
    remaining: list[Finding]
    fixed: list[Finding]
    new_source: str | None
    error: str | None

    def to_json(self) -> str:
        return json.dumps(
            {
                "remaining": [_row(finding) for finding in self.remaining],
                "fixed": [_row(finding) for finding in self.fixed],
                "new_source": self.new_source,
                "error": self.error,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> CachedResult:
        data = json.loads(text)
        new_source, error = data["new_source"], data["error"]
        if not isinstance(new_source, str | None) or not isinstance(error, str | None):
            raise ValueError("bad cache entry")
        return cls(
            remaining=[_finding(row) for row in data["remaining"]],
            fixed=[_finding(row) for row in data["fixed"]],
            new_source=new_source,
            error=error,
        )


# A finding is stored as a row, not a dict: a re-check reads thousands of them, and rows are
# half the text to decode.
def _row(finding: Finding) -> list[object]:
    location = finding.location
    return [
        finding.code,
        finding.rule_name,
        finding.message,
        location.line,
        location.column,
        location.end_line,
        location.end_column,
        finding.applicability.value,
        finding.fix_title,
    ]


_APPLICABILITIES = {applicability.value: applicability for applicability in Applicability}


def _finding(row: list[object]) -> Finding:
    """The inverse of _row; raises ValueError, TypeError or KeyError on any other shape."""
    code, rule_name, message, line, column, end_line, end_column, applicability, fix_title = row
    if not (type(code) is type(rule_name) is type(message) is str):
        raise TypeError("bad finding in cache entry")
    if not (type(line) is type(column) is type(end_line) is type(end_column) is int):
        raise TypeError("bad location in cache entry")
    if fix_title is not None and type(fix_title) is not str:
        raise TypeError("bad fix title in cache entry")
    return Finding(
        code,
        rule_name,
        message,
        Location(line, column, end_line, end_column),
        _APPLICABILITIES[applicability],  # type: ignore[index]
        fix_title,
    )


@cache
def code_fingerprint() -> str:
    """The version plus the size and mtime of every file of the package (cheap: stat only)."""
    root = Path(tf_migrate.__file__).parent
    digest = hashlib.sha256(tf_migrate.__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            status = path.stat()
            digest.update(
                f"{path.relative_to(root)}:{status.st_size}:{status.st_mtime_ns};".encode()
            )
    return digest.hexdigest()


def settings_key(*parts: object) -> str:
    return hashlib.sha256(repr((code_fingerprint(), *parts)).encode()).hexdigest()


class ResultCache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @staticmethod
    def key(content: bytes, settings_key: str, codes: Iterable[str], kind: str) -> str:
        digest = hashlib.sha256(content)
        digest.update(f"\0{settings_key}\0{kind}\0{','.join(sorted(codes))}".encode())
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> CachedResult | None:
        try:
            return CachedResult.from_json(self._entry(key).read_text("utf-8"))
        except (OSError, ValueError, KeyError, TypeError, AssertionError):
            return None

    def put(self, key: str, result: CachedResult) -> None:
        """Store `result`; a cache that cannot be written only costs speed, so errors pass."""
        entry = self._entry(key)
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            replace_atomically(entry, result.to_json().encode("utf-8"), 0o644)
        except OSError:
            return


def user_cache_root() -> Path:
    """`$TF_MIGRATE_CACHE_DIR`, else `$XDG_CACHE_HOME/tf-migrate`, else `~/.cache/tf-migrate`."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "tf-migrate"


def default_directory(project_root: Path, config_file: Path | None) -> Path:
    """`.tf-migrate-cache` beside the configuration file; without one, a folder of the user's
    cache named after the project root (entries are keyed by content, the name only keeps
    projects apart so that one can be deleted alone)."""
    if config_file is not None:
        return config_file.parent / DEFAULT_DIR_NAME
    root = str(project_root.resolve())
    digest = hashlib.sha256(root.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return user_cache_root() / "results" / f"{Path(root).name or 'root'}-{digest}"


def prepare(directory: Path) -> ResultCache | None:
    """The cache in `directory`, created with its marker files; None if it cannot be created."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            if not (directory / name).exists():
                # Atomically: another run may be creating the same cache at the same moment.
                replace_atomically(directory / name, text.encode("utf-8"), 0o644)
    except OSError:
        return None
    return ResultCache(directory)
