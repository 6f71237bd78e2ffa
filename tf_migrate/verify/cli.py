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
from typing import TYPE_CHECKING, Any, NoReturn

import click
from rich.console import Console
from rich.markup import escape

from tf_migrate.verify.request import Request, UsageProblem, gather

if TYPE_CHECKING:
    from tf_migrate.verify.harness import Options

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
    help="PATHS are TF1 scripts: migrate each (with the modules beside it) with tf-migrate and "
    "prove the result.",
)
@click.option(
    "--outputs",
    help="Comma-separated names to compare, for a script pair or --migrate "
    "(default: the names holding values on both sides, loop counters excepted).",
)
@click.option(
    "--stdout",
    "compare_stdout",
    is_flag=True,
    help="Also compare the numbers both programs print, line by line, within the tolerances.",
)
@click.option(
    "--rtol",
    type=click.FloatRange(min=0),
    help="Relative tolerance, for a script pair or --migrate (default 1e-5).",
)
@click.option(
    "--atol",
    type=click.FloatRange(min=0),
    help="Absolute tolerance, for a script pair or --migrate (default 1e-6).",
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
    help="Random ops draw from one stream on both sides, and model variables' initial values "
    "are checked against the before run's.",
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
    help="Where to compute (gpu: TF 2 on the GPU, TF 1.15 too where CUDA 10.0 supports it); "
    "the report says where each side actually ran.",
)
@click.option(
    "-k",
    "--fixture",
    "fixture_names",
    multiple=True,
    help="Only fixtures whose name contains this text (repeatable).",
)
@click.option(
    "--select",
    multiple=True,
    help="With --migrate: rule codes, prefixes or names to enable (comma-separated).",
)
@click.option(
    "--ignore",
    multiple=True,
    help="With --migrate: rule codes, prefixes or names to disable (comma-separated).",
)
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="With --migrate: also apply fixes that may change numbers (default: as configured).",
)
@click.option(
    "--config",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --migrate: a pyproject.toml to read [tool.tf-migrate] from.",
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
def verify(paths: tuple[Path, ...], **given: Any) -> None:
    """Run before and after programs and compare their outputs numerically.

    PATHS are fixture folders (before.py, after.py, fixture.toml) or folders holding them; or
    OLD.py NEW.py, a TF1 script and its TF2 version; or, with --migrate, TF1 scripts that
    tf-migrate migrates into a temporary folder and proves against the original.
    Exit 0 when everything passes, 1 when an output differs, cannot be compared or a program
    fails, times out or exceeds the memory limit, 2 on a usage, fixture or runtime problem.
    """
    err = Console(stderr=True, soft_wrap=True)
    try:
        request = Request.from_options(paths, given)
    except UsageProblem as exc:
        _fail(err, str(exc))
    memory_bytes = parse_size(given["memory_limit"])
    if importlib.util.find_spec("numpy") is None:
        _fail(
            err,
            "verify compares outputs with numpy: install it next to tf-migrate (pip install numpy)",
        )
    from tf_migrate.verify import batch, harness, report

    with tempfile.TemporaryDirectory(prefix="tf-migrate-verify-") as workspace:
        try:
            fixtures, settled = gather(err, request, Path(workspace))
            options = _options(paths[0], given, memory_bytes)
        except UsageProblem as exc:
            _fail(err, str(exc))
        output_format = given["output_format"]

        def progress(number: int, result: harness.FixtureResult) -> None:
            if output_format == "table":
                err.print(
                    f"[dim][{number}/{len(fixtures)}] {escape(result.name)}: {result.status}[/]"
                )

        try:
            # No fork server is started when nothing runs (every script not fully migrated).
            warm = not given["cold"] and bool(fixtures)
            with batch.warm_options(options, warm=warm) as options:
                results = settled + batch.verify_all(fixtures, options, given["jobs"], progress)
                notes = batch.warm_notes(options) if fixtures else {}
        except KeyboardInterrupt:
            err.print("interrupted; the running programs were stopped")
            sys.exit(130)
    for side, note in notes.items():
        if note.startswith("cold") and not given["cold"]:
            err.print(f"[yellow]warning:[/] {side} runtime ran {escape(note)}", highlight=False)
    code = harness.exit_code(results)
    if output_format == "json":
        click.echo(report.to_json(results, options, code, notes))
    else:
        report.render(Console(soft_wrap=True), results, options, notes, given["verbose"])
    sys.exit(code)


def _options(start: Path, given: dict[str, Any], memory_bytes: int) -> Options:
    """The runtimes and the device plan; UsageProblem when a runtime or the device is missing."""
    from tf_migrate.verify import harness
    from tf_migrate.verify.devices import DeviceAbsent, find_gpus, plan
    from tf_migrate.verify.runtimes import RuntimeUnavailable, select

    device = given["device"]
    try:
        before = select("before", given["before_python"], start)
        after = select("after", given["after_python"], start)
        device_plan = plan(device, before, find_gpus() if device == "gpu" else None)
    except (RuntimeUnavailable, DeviceAbsent) as exc:
        raise UsageProblem(str(exc)) from exc
    return harness.Options(
        before=before,
        after=after,
        align=given["align"] == "auto",
        timeout_s=given["timeout"],
        memory_bytes=memory_bytes,
        device=device,
        stdout=given["compare_stdout"],
        device_plan=device_plan,
    )


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
