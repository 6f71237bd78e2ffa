"""Fixture folders: discovery and validation of fixture.toml.

A fixture is a folder holding before.py, after.py and fixture.toml. Keys of fixture.toml:

- ``outputs``: module-level names both programs leave behind; without it, every name that holds a
  value on both sides is compared.
- ``rtol``, ``atol``: tolerances (defaults 1e-5 and 1e-6, numpy ``assert_allclose`` semantics);
  ``reason`` is required when either differs from its default.
- ``after``: ``"tool"`` (after.py is tf-migrate's output) or ``"reference"`` (hand-written).
- ``needs``: runtime features the fixture depends on; ``"tf1.15"`` means genuine TF 1.15
  (tf.contrib), so the fixture is skipped under the TF 2.x compat before-runtime.
- ``timeout_s``: wall-time bound of each run (default 300).
- ``align``: ``"auto"`` (default: random ops draw from one stream on both sides, and model
  variables' initial values are checked) or ``"none"``; ``true``/``false`` are synonyms.
- ``stdout``: ``true`` to compare the numbers both programs print as well, line by line.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_RTOL = 1e-5
DEFAULT_ATOL = 1e-6
DEFAULT_TIMEOUT_S = 300.0
KNOWN_NEEDS = frozenset({"tf1.15"})
KNOWN_KEYS = frozenset(
    {"outputs", "rtol", "atol", "reason", "after", "needs", "timeout_s", "align", "stdout"}
)
PROGRAMS = ("before.py", "after.py")


class FixtureError(Exception):
    """A fixture folder is malformed; the message names the folder and the problem."""


@dataclass(frozen=True)
class Fixture:
    name: str
    path: Path
    outputs: tuple[str, ...] | None
    rtol: float
    atol: float
    reason: str | None
    after_kind: str
    needs: tuple[str, ...]
    timeout_s: float
    align: bool
    stdout: bool = False  # compare the printed numbers too
    tolerance_stated: bool = False  # rtol or atol given, not left to the defaults
    # A pair of scripts (`verify OLD.py NEW.py`, `--migrate`) instead of before.py and after.py,
    # and the folders their working dirs are made from (default: the script's own folder).
    before_program: Path | None = None
    after_program: Path | None = None
    before_stage: Path | None = None
    after_stage: Path | None = None
    after_label: str | None = None  # how messages name the after program, if not its file name

    @property
    def before(self) -> Path:
        return self.before_program or self.path / "before.py"

    @property
    def after(self) -> Path:
        return self.after_program or self.path / "after.py"

    def stage_for(self, program: Path) -> Path | None:
        return self.before_stage if program == self.before else self.after_stage

    def label(self, side: str) -> str:
        """The program's name in messages: before.py, the script's own name, or the label."""
        if side == "after":
            return self.after_label or self.after.name
        return self.before.name


def is_fixture_dir(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in (*PROGRAMS, "fixture.toml"))


def discover(paths: Iterable[Path]) -> list[Path]:
    """Fixture folders named by ``paths``: each is a fixture folder or a folder of them."""
    found: list[Path] = []
    for path in paths:
        if not path.exists():
            raise FixtureError(f"{path}: no such file or directory")
        if not path.is_dir():
            raise FixtureError(f"{path}: not a directory (give a fixture folder or its parent)")
        if is_fixture_dir(path):
            found.append(path)
            continue
        children = sorted(child for child in path.iterdir() if is_fixture_dir(child))
        if not children:
            raise FixtureError(
                f"{path}: neither a fixture folder (before.py, after.py, fixture.toml) "
                "nor a folder holding fixture folders"
            )
        found.extend(children)
    return found


def load(path: Path) -> Fixture:
    """Read and validate ``path/fixture.toml``; raise FixtureError on any problem."""
    toml_path = path / "fixture.toml"
    if not toml_path.is_file():
        raise FixtureError(
            f"{path}: fixture.toml is missing; a fixture folder needs before.py, after.py and "
            "fixture.toml (at least `outputs = [...]`, or an empty file to compare every "
            "common name)"
        )
    for program in PROGRAMS:
        if not (path / program).is_file():
            raise FixtureError(f"{path}: {program} is missing")
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise FixtureError(f"{toml_path}: not valid TOML: {exc}") from exc
    return _parse(path, data)


def _parse(path: Path, data: dict[str, Any]) -> Fixture:
    where = path / "fixture.toml"
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise FixtureError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known keys: "
            f"{', '.join(sorted(KNOWN_KEYS))}"
        )
    outputs = data.get("outputs")
    if outputs is not None and (
        not isinstance(outputs, list)
        or not outputs
        or not all(isinstance(name, str) and name.isidentifier() for name in outputs)
    ):
        raise FixtureError(f"{where}: `outputs` must be a non-empty list of Python names")
    rtol = _number(where, data, "rtol", DEFAULT_RTOL)
    atol = _number(where, data, "atol", DEFAULT_ATOL)
    reason = data.get("reason")
    if reason is not None and (not isinstance(reason, str) or not reason.strip()):
        raise FixtureError(f"{where}: `reason` must be a non-empty string")
    if (rtol != DEFAULT_RTOL or atol != DEFAULT_ATOL) and reason is None:
        raise FixtureError(
            f"{where}: rtol/atol differ from the defaults ({DEFAULT_RTOL}, {DEFAULT_ATOL}); "
            "say why in `reason`"
        )
    after_kind = data.get("after", "reference")
    if after_kind not in ("tool", "reference"):
        raise FixtureError(f'{where}: `after` must be "tool" or "reference"')
    needs = data.get("needs", [])
    if not isinstance(needs, list) or not all(isinstance(need, str) for need in needs):
        raise FixtureError(f"{where}: `needs` must be a list of strings")
    unknown_needs = sorted(set(needs) - KNOWN_NEEDS)
    if unknown_needs:
        raise FixtureError(
            f"{where}: unknown need(s) {', '.join(unknown_needs)}; known: "
            f"{', '.join(sorted(KNOWN_NEEDS))}"
        )
    timeout_s = _number(where, data, "timeout_s", DEFAULT_TIMEOUT_S)
    if timeout_s <= 0:
        raise FixtureError(f"{where}: `timeout_s` must be positive")
    stdout = data.get("stdout", False)
    if not isinstance(stdout, bool):
        raise FixtureError(f"{where}: `stdout` must be true or false")
    return Fixture(
        name=path.name,
        path=path,
        outputs=tuple(outputs) if outputs is not None else None,
        rtol=rtol,
        atol=atol,
        reason=reason,
        after_kind=after_kind,
        needs=tuple(needs),
        timeout_s=timeout_s,
        align=_align(where, data.get("align", "auto")),
        stdout=stdout,
        tolerance_stated="rtol" in data or "atol" in data,
    )


def _number(where: Path, data: dict[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise FixtureError(f"{where}: `{key}` must be a non-negative number")
    return float(value)


def _align(where: Path, value: object) -> bool:
    if value == "auto" or value is True:
        return True
    if value == "none" or value is False:
        return False
    raise FixtureError(f'{where}: `align` must be "auto" or "none" (or true/false)')
