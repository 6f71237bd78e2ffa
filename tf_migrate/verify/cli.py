"""Click commands of the verify subsystem: ``verify`` and ``runtime install|info``.

Importing this module must stay cheap (the main CLI imports it on every start): numpy and the
harness are imported inside the commands, and TensorFlow is never imported by this process.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.markup import escape

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
    "--device", type=click.Choice(["cpu", "gpu", "tpu"]), default="cpu", show_default=True
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
def verify(
    paths: tuple[Path, ...],
    before_python: str | None,
    after_python: str | None,
    output_format: str,
    align: str,
    timeout: float | None,
    memory_limit: str,
    device: str,
    selects: tuple[str, ...],
    jobs: int,
) -> None:
    """Run each fixture's before.py and after.py and compare their outputs numerically.

    PATHS are fixture folders (before.py, after.py, fixture.toml) or folders holding them.
    Exit 0 when every fixture passes, 1 when an output differs or a program fails, times out or
    exceeds the memory limit, 2 on a usage, fixture or runtime problem.
    """
    memory_bytes = parse_size(memory_limit)
    err = Console(stderr=True, soft_wrap=True)
    if importlib.util.find_spec("numpy") is None:
        _fail(
            err,
            "verify compares outputs with numpy: install it next to tf-migrate (pip install numpy)",
        )
    from tf_migrate.verify import fixture as fixture_mod
    from tf_migrate.verify import harness, report
    from tf_migrate.verify.runner import kill_running
    from tf_migrate.verify.runtimes import RuntimeUnavailable, select

    try:
        folders = fixture_mod.discover(paths)
    except fixture_mod.FixtureError as exc:
        _fail(err, str(exc))
    folders = [f for f in folders if not selects or any(s in f.name for s in selects)]
    if not folders:
        _fail(err, f"no fixture matches {', '.join(selects)}")
    fixtures: list[fixture_mod.Fixture] = []
    broken: list[harness.FixtureResult] = []
    for folder in folders:
        try:
            fixtures.append(fixture_mod.load(folder))
        except fixture_mod.FixtureError as exc:
            broken.append(harness.FixtureResult(folder.name, folder, harness.ERROR, str(exc)))
    if not fixtures:
        _fail(err, "\n".join(result.message for result in broken))
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
    results = list(broken)
    # Threads are enough: each fixture's work happens in its child processes.
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        done = pool.map(lambda fixture: harness.verify_fixture(fixture, options), fixtures)
        for number, result in enumerate(done, 1):
            if output_format == "table":
                err.print(f"[dim][{number}/{len(fixtures)}] {result.name}: {result.status}[/]")
            results.append(result)
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        kill_running()
        err.print("interrupted; the running programs were stopped")
        sys.exit(130)
    pool.shutdown()
    code = harness.exit_code(results)
    if output_format == "json":
        click.echo(report.to_json(results, options, code))
    else:
        report.render(Console(soft_wrap=True), results, options)
    sys.exit(code)


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
