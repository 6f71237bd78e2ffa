"""What a `verify` command line asks for: fixture folders, a script pair, or scripts to migrate.

Options that only make sense for some of them are refused elsewhere with a message that says
where they belong (exit 2): ``--outputs``, ``--rtol``/``--atol`` for a pair or ``--migrate``
(fixtures name theirs in fixture.toml), the fix options for ``--migrate``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from tf_migrate.verify.fixture import Fixture
    from tf_migrate.verify.harness import FixtureResult
    from tf_migrate.verify.pairs import Comparison, FixOptions

FIX_OPTIONS = ("select", "ignore", "unsafe_fixes", "config")


class UsageProblem(Exception):
    """The command line asks for something verify cannot do; the message says what instead."""


@dataclasses.dataclass(frozen=True)
class Request:
    paths: tuple[Path, ...]
    migrate: bool
    scripts: bool  # a pair OLD.py NEW.py, or --migrate
    comparison: Comparison
    fix: FixOptions
    fixture_names: tuple[str, ...]

    @classmethod
    def from_options(cls, paths: tuple[Path, ...], given: dict[str, Any]) -> Request:
        from tf_migrate.verify.pairs import Comparison, FixOptions

        migrate = bool(given["migrate"])
        scripts = [path for path in paths if path.suffix == ".py"]
        if not migrate and scripts and (len(paths) != 2 or len(scripts) != 2):
            raise UsageProblem(
                "give two scripts (OLD.py NEW.py), fixture folders, or --migrate SCRIPT.py..."
            )
        pair_only = [
            f"--{name}" for name in ("outputs", "rtol", "atol") if given.get(name) is not None
        ]
        if pair_only and not (migrate or scripts):
            raise UsageProblem(
                f"{', '.join(pair_only)}: for a script pair or --migrate; fixtures name theirs "
                "in fixture.toml"
            )
        fixing = [
            "--" + name.replace("_", "-")
            for name in FIX_OPTIONS
            if given.get(name) not in (None, ())
        ]
        if fixing and not migrate:
            raise UsageProblem(f"{', '.join(fixing)}: fix options, for --migrate")
        comparison = Comparison(
            outputs=_names(given.get("outputs")),
            timeout_s=given.get("timeout"),
            rtol=given.get("rtol"),
            atol=given.get("atol"),
            stdout=bool(given.get("compare_stdout")),
        )
        fix = FixOptions(
            select=_codes(given.get("select", ())),
            ignore=_codes(given.get("ignore", ())),
            unsafe_fixes=given.get("unsafe_fixes"),
            config=given.get("config"),
        )
        return cls(
            paths, migrate, migrate or bool(scripts), comparison, fix, given["fixture_names"]
        )


def _names(outputs: str | None) -> tuple[str, ...] | None:
    if outputs is None:
        return None
    names = tuple(name.strip() for name in outputs.split(",") if name.strip())
    if not names or not all(name.isidentifier() for name in names):
        raise UsageProblem(
            f"--outputs {outputs!r}: give comma-separated Python names, e.g. loss,weights"
        )
    return names


def _codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    codes = tuple(code.strip() for value in values for code in value.split(",") if code.strip())
    return codes or None


def gather(
    err: Console, request: Request, workspace: Path
) -> tuple[list[Fixture], list[FixtureResult]]:
    """The fixtures to verify, and the results already known (broken fixture folders, scripts
    not fully migrated); UsageProblem when there is nothing to verify."""
    from tf_migrate.verify import fixture as fixture_mod
    from tf_migrate.verify import harness, pairs

    if request.scripts:
        try:
            if not request.migrate:
                old, new = request.paths
                return [pairs.pair_fixture(old, new, request.comparison, workspace)], []
            return _migrate(err, request, workspace)
        except pairs.PairError as exc:
            raise UsageProblem(str(exc)) from exc
    try:
        folders = fixture_mod.discover(request.paths)
    except fixture_mod.FixtureError as exc:
        raise UsageProblem(str(exc)) from exc
    wanted = request.fixture_names
    folders = [f for f in folders if not wanted or any(name in f.name for name in wanted)]
    if not folders:
        raise UsageProblem(f"no fixture matches {', '.join(wanted)}")
    fixtures: list[Fixture] = []
    broken: list[FixtureResult] = []
    for folder in folders:
        try:
            fixtures.append(fixture_mod.load(folder))
        except fixture_mod.FixtureError as exc:
            broken.append(harness.FixtureResult(folder.name, folder, harness.ERROR, str(exc)))
    if not fixtures:
        raise UsageProblem("\n".join(result.message for result in broken))
    return fixtures, broken


def _migrate(
    err: Console, request: Request, workspace: Path
) -> tuple[list[Fixture], list[FixtureResult]]:
    from tf_migrate.verify import harness, pairs

    fixtures: list[Fixture] = []
    settled: list[FixtureResult] = []
    for number, script in enumerate(request.paths):
        migration = pairs.migrate_fixture(
            script, request.comparison, workspace / str(number), request.fix
        )
        err.print(
            f"[dim]migrated {escape(str(script))} ({migration.files} file(s) of its folder "
            f"changed): {migration.fixed} fix(es) applied, {len(migration.remaining)} "
            "finding(s) left in it and the modules it imports[/]",
            highlight=False,
        )
        for finding in migration.remaining:
            err.print(f"[dim]  {escape(finding)}[/]", highlight=False)
        fixture = migration.fixture
        if migration.not_fully_migrated:
            # Running it would run TF1 code on TF 2: the first AttributeError says nothing.
            message = migration.not_fully_migrated + "\n" + "\n".join(migration.remaining)
            settled.append(
                harness.FixtureResult(
                    fixture.name,
                    fixture.path,
                    harness.FAIL,
                    message,
                    labels=(fixture.label("before"), fixture.label("after")),
                )
            )
        else:
            fixtures.append(fixture)
    return fixtures, settled
