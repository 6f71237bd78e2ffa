"""Click commands of the verify subsystem: ``verify`` and ``runtime install|info``.

The main CLI imports this module only when one of these commands runs or help lists them; numpy
and the harness are imported inside the commands, and TensorFlow is never imported by this
process.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from tf_migrate.verify.fixture import Fixture
    from tf_migrate.verify.harness import FixtureResult

SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def parse_size(text: str) -> int:
    """Bytes in '4GiB', '4G', '512MiB', '512m' or '1048576'."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(?:i?[bB])?\s*", text)
    if not match:
        raise click.BadParameter(f"{text!r} is not a size such as 4GiB or 512MiB")
    return int(float(match.group(1)) * SIZE_UNITS[match.group(2).lower()])


@click.command("verify")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--migrate",
    is_flag=True,
    help="PATHS are TF1 scripts: migrate each with tf-migrate and prove the result.",
)
@click.option(
    "--outputs",
    help="Comma-separated names to compare, for a script pair or --migrate "
    "(default: the names present on both sides).",
)
@click.option(
    "--before-python", help="Interpreter for before.py (TF 1.15, or TF 2.x as compat.v1)."
)
@click.option("--after-python", help="Interpreter for after.py (TF 2.x).")
@click.option(
    "--output-format", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--align",
    type=click.Choice(["auto", "none"]),
    default="auto",
    show_default=True,
    help="Inject the before run's initial model-variable values into the after run.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds per run; overrides each fixture's timeout_s.",
)
@click.option("--memory-limit", default="4GiB", show_default=True, help="Resident memory per run.")
@click.option(
    "--device",
    type=click.Choice(["cpu", "gpu", "tpu"]),
    default="cpu",
    show_default=True,
    help="Where both sides compute; the report says where they actually ran.",
)
@click.option(
    "-k",
    "--select",
    "selects",
    multiple=True,
    help="Only fixtures whose name contains this text (repeatable).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Fixtures verified at once (each child computes on one thread).",
)
@click.option(
    "--cold",
    is_flag=True,
    help="Start a fresh interpreter for every program instead of forking warm runtimes.",
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Show every output and alignment, not only those of programs that did not pass.",
)
def verify(
    paths: tuple[Path, ...],
    migrate: bool,
    outputs: str | None,
    before_python: str | None,
    after_python: str | None,
    output_format: str,
    align: str,
    timeout: float | None,
    memory_limit: str,
    device: str,
    selects: tuple[str, ...],
    jobs: int,
    cold: bool,
    verbose: bool,
) -> None:
    """Run before and after programs and compare their outputs numerically.

    PATHS are fixture folders (before.py, after.py, fixture.toml) or folders holding them; or
    OLD.py NEW.py, a TF1 script and its TF2 version; or, with --migrate, TF1 scripts that
    tf-migrate migrates into a temporary folder and proves against the original.
    Exit 0 when everything passes, 1 when an output differs or a program fails, times out or
    exceeds the memory limit, 2 on a usage, fixture or runtime problem.
    """
    memory_bytes = parse_size(memory_limit)
    err = Console(stderr=True, soft_wrap=True)
    if importlib.util.find_spec("numpy") is None:
        _fail(
            err,
            "verify compares outputs with numpy: install it next to tf-migrate (pip install numpy)",
        )
    from tf_migrate.verify import batch, harness, report
    from tf_migrate.verify.runtimes import RuntimeUnavailable, select

    with tempfile.TemporaryDirectory(prefix="tf-migrate-verify-") as workspace:
        fixtures, broken = _gather(
            err, paths, migrate, _names(err, outputs), selects, timeout, Path(workspace)
        )
        try:
            options = harness.Options(
                before=select("before", before_python, paths[0]),
                after=select("after", after_python, paths[0]),
                align=align == "auto",
                timeout_s=timeout,
                memory_bytes=memory_bytes,
                device=device,
            )
        except RuntimeUnavailable as exc:
            _fail(err, str(exc))

        def progress(number: int, result: harness.FixtureResult) -> None:
            if output_format == "table":
                err.print(
                    f"[dim][{number}/{len(fixtures)}] {escape(result.name)}: {result.status}[/]"
                )

        try:
            with batch.warm_options(options, warm=not cold) as options:
                results = broken + batch.verify_all(fixtures, options, jobs, progress)
                notes = batch.warm_notes(options)
        except KeyboardInterrupt:
            err.print("interrupted; the running programs were stopped")
            sys.exit(130)
    for side, note in notes.items():
        if note.startswith("cold") and not cold:
            err.print(f"[yellow]warning:[/] {side} runtime ran {escape(note)}", highlight=False)
    code = harness.exit_code(results)
    if output_format == "json":
        click.echo(report.to_json(results, options, code, notes))
    else:
        report.render(Console(soft_wrap=True), results, options, notes, verbose)
    sys.exit(code)


def _names(err: Console, outputs: str | None) -> tuple[str, ...] | None:
    if outputs is None:
        return None
    names = tuple(name.strip() for name in outputs.split(",") if name.strip())
    if not names or not all(name.isidentifier() for name in names):
        _fail(err, f"--outputs {outputs!r}: give comma-separated Python names, e.g. loss,weights")
    return names


def _gather(
    err: Console,
    paths: tuple[Path, ...],
    migrate: bool,
    outputs: tuple[str, ...] | None,
    selects: tuple[str, ...],
    timeout: float | None,
    workspace: Path,
) -> tuple[list[Fixture], list[FixtureResult]]:
    """The fixtures PATHS name, and the fixture folders that are broken (as error results)."""
    from tf_migrate.verify import fixture as fixture_mod
    from tf_migrate.verify import harness, pairs

    scripts = [path for path in paths if path.suffix == ".py"]
    if migrate or scripts:
        if not migrate and (len(paths) != 2 or len(scripts) != 2):
            _fail(
                err, "give two scripts (OLD.py NEW.py), fixture folders, or --migrate SCRIPT.py..."
            )
        try:
            if not migrate:
                return [pairs.pair_fixture(paths[0], paths[1], outputs, workspace, timeout)], []
            migrated = []
            for number, script in enumerate(paths):
                migration = pairs.migrate_fixture(script, outputs, workspace / str(number), timeout)
                err.print(
                    f"[dim]migrated {escape(str(script))}: {migration.fixed} fix(es) applied, "
                    f"{len(migration.remaining)} finding(s) left[/]",
                    highlight=False,
                )
                for finding in migration.remaining:
                    err.print(f"[dim]  {escape(finding)}[/]", highlight=False)
                migrated.append(migration.fixture)
            return migrated, []
        except pairs.PairError as exc:
            _fail(err, str(exc))
    if outputs is not None:
        _fail(
            err, "--outputs is for a script pair or --migrate; fixtures name theirs in fixture.toml"
        )
    try:
        folders = fixture_mod.discover(paths)
    except fixture_mod.FixtureError as exc:
        _fail(err, str(exc))
    folders = [f for f in folders if not selects or any(s in f.name for s in selects)]
    if not folders:
        _fail(err, f"no fixture matches {', '.join(selects)}")
    fixtures: list[Fixture] = []
    broken: list[FixtureResult] = []
    for folder in folders:
        try:
            fixtures.append(fixture_mod.load(folder))
        except fixture_mod.FixtureError as exc:
            broken.append(harness.FixtureResult(folder.name, folder, harness.ERROR, str(exc)))
    if not fixtures:
        _fail(err, "\n".join(result.message for result in broken))
    return fixtures, broken


def _fail(err: Console, message: str) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)
    sys.exit(2)


@click.group("runtime")
def runtime() -> None:
    """Provision and inspect the TensorFlow runtimes that `verify` runs programs in."""


@runtime.command("install")
@click.option("--force", is_flag=True, help="Delete and re-create the venvs.")
def install_command(force: bool) -> None:
    """Create the before (TF 1.15) and after (TF 2.21) venvs in the runtime cache dir.

    The dir is ~/.cache/tf-migrate/runtimes unless TF_MIGRATE_RUNTIME_DIR says otherwise.
    Venvs already provisioned are kept, so running this again is quick.
    """
    from tf_migrate.verify.install import InstallError, install_all

    console = Console(soft_wrap=True)
    try:
        pythons = install_all(lambda message: console.print(f"[bold]runtime[/] {message}"), force)
    except InstallError as exc:
        _fail(Console(stderr=True, soft_wrap=True), str(exc))
    for python in pythons:
        console.print(f"provisioned: {python}")


@runtime.command("info")
@click.option("--before-python")
@click.option("--after-python")
def info_command(before_python: str | None, after_python: str | None) -> None:
    """Show the provisioned runtimes and which ones `verify` would use from here."""
    from tf_migrate.verify.install import provisioned
    from tf_migrate.verify.runtimes import RuntimeUnavailable, runtime_dir, select

    console = Console(soft_wrap=True)
    console.print(f"runtime dir: {runtime_dir()}", highlight=False)
    found = provisioned()
    if not found:
        console.print("nothing provisioned; run `tf-migrate runtime install`")
    for name, python, state in found:
        if isinstance(state, str):
            console.print(f"  {name}: {python}: {state}", highlight=False, markup=False)
        else:
            console.print(
                f"  {name}: {python} (Python {state['python']}, TensorFlow "
                f"{state['tensorflow'] or 'missing'})",
                highlight=False,
                markup=False,
            )
    for side, flag in (("before", before_python), ("after", after_python)):
        try:
            chosen = select(side, flag, Path.cwd())
            console.print(f"{side}: {chosen.label} from {chosen.source}", markup=False)
        except RuntimeUnavailable as exc:
            console.print(f"{side}: unavailable: {exc}", markup=False)


runtime.add_command(info_command, "list")
