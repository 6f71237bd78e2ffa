"""The command line: options -> Settings -> engine -> report -> exit code.

Exit codes (as ruff): 0 nothing left to report, 1 findings remain (or, with --diff, a diff was
printed), 2 usage, configuration or internal error.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tf_migrate import __version__
from tf_migrate.engine.run import Mode, run, run_stdin
from tf_migrate.model import RunResult
from tf_migrate.report import (
    print_explanation,
    print_summary,
    render_diff,
    render_findings,
    render_rules_table,
    render_statistics,
)
from tf_migrate.rules.registry import UnknownRuleError, all_rules, check_selectors, rule_by_code
from tf_migrate.settings import (
    OUTPUT_FORMATS,
    ConfigError,
    Settings,
    find_config,
    load_settings,
    parse_size,
)

if TYPE_CHECKING:
    from rich.console import Console

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class RunFinished(SystemExit):
    """How `check` and `fix` end, with their exit code: nothing they leave needs tearing down
    (files are written, workers joined), so the command may skip it (see `entry_point`)."""


class ConfigProblem(click.ClickException):
    """A configuration error, reported like a usage error: exit code 2."""

    exit_code = EXIT_ERROR


def _stderr() -> Console:
    # Imported when something needs it: most runs print only plain text, and a cached re-check
    # would spend a tenth of its time importing rich.
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def _summarize(result: RunResult, settings: Settings, mode: str) -> None:
    color = use_color(sys.stderr)
    print_summary(result, sys.stderr, mode=mode, unsafe_fixes=settings.unsafe_fixes, color=color)


def use_color(stream: Any) -> bool:
    """NO_COLOR and FORCE_COLOR (https://no-color.org, https://force-color.org) win over the tty."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


# Commands whose module is imported only when they run (or when help lists them): the verify
# subsystem's imports would otherwise be paid by every `check`.
_LAZY_COMMANDS = {"verify": "tf_migrate.verify.cli", "runtime": "tf_migrate.verify.cli"}


class DefaultToFix(click.Group):
    """`tf-migrate PATH...` means `tf-migrate fix PATH...`, as `ruff PATH` once meant check."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY_COMMANDS and cmd_name not in self.commands:
            module = importlib.import_module(_LAZY_COMMANDS[cmd_name])
            self.add_command(getattr(module, cmd_name))
        return super().get_command(ctx, cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = args and (args[0] in self.commands or args[0] in _LAZY_COMMANDS)
        if args and not known and args[0] not in ("--help", "-h", "--version"):
            args = ["fix", *args]
        elif not args:
            args = ["fix"]
        return super().parse_args(ctx, args)


def _split_codes(values: Sequence[str]) -> tuple[str, ...] | None:
    codes = tuple(code.strip() for value in values for code in value.split(",") if code.strip())
    return codes or None


def _report_file_errors(result: RunResult) -> None:
    """Problems that are not findings (a read-only file, a refused notebook) go to stderr."""
    for file_result in result.files:
        if file_result.error and not any(f.code == "TFM000" for f in file_result.remaining):
            _stderr().print(
                f"[yellow]warning:[/yellow] {file_result.path}: {file_result.error}",
                markup=True,
                highlight=False,
            )


def _load(config: Path | None, paths: Sequence[str], **overrides: Any) -> Settings:
    missing = [path for path in paths if path != "-" and not os.path.lexists(path)]
    if missing:
        # Before anything runs, and whatever --exit-zero says: a typo must not pass CI.
        raise click.UsageError(f"no such file or folder: {', '.join(missing)}")
    try:
        if config is None:
            first = next((p for p in paths if p != "-"), ".")
            config = find_config(Path(first))
        configured = load_settings(config)
        check_selectors(configured)
        settings = configured.with_overrides(**overrides)
        check_selectors(settings)
        return settings
    except ConfigError as error:
        raise ConfigProblem(str(error)) from error


def _size_option(_: click.Context, __: click.Parameter, value: str | None) -> int | None:
    try:
        return None if value is None else parse_size(value, "--memory-limit")
    except ConfigError as error:
        raise click.BadParameter(str(error)) from error


def common_options(function: Any) -> Any:
    decorators = [
        click.argument("paths", nargs=-1, type=str),
        click.option(
            "--select",
            multiple=True,
            help="Rule codes, prefixes or names to enable (comma-separated).",
        ),
        click.option(
            "--ignore",
            multiple=True,
            help="Rule codes, prefixes or names to disable (comma-separated).",
        ),
        click.option(
            "--config",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A pyproject.toml to read [tool.tf-migrate] from (default: the nearest one).",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            default=None,
            help="Processes that check files, this one included (default: all cores).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Where to keep the result cache (default: .tf-migrate-cache).",
        ),
        click.option(
            "--stdin-filename",
            default=None,
            help="The file name to report for `-` (standard input).",
        ),
        click.option("--no-progress", is_flag=True, help="No progress bar, even on a terminal."),
        click.option(
            "--force-exclude",
            is_flag=True,
            default=None,
            help="Apply `exclude` to paths named on the command line too (for pre-commit).",
        ),
        click.option(
            "--memory-limit",
            callback=_size_option,
            help="Memory a run may hold at once, e.g. 4GiB (default: 2GiB); bigger files are "
            "reported, not parsed.",
        ),
    ]
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


@click.group(cls=DefaultToFix, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tf-migrate")
def cli() -> None:
    """Migrate TensorFlow 1.x code to idiomatic TensorFlow 2, and prove it.

    `tf-migrate PATH...` applies the safe fixes in place (same as `tf-migrate fix PATH...`).
    `tf-migrate check PATH...` only reports. `tf-migrate verify FIXTURES...` runs programs before
    and after migration on real TensorFlow runtimes and compares their numbers.
    """


@cli.command()
@common_options
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="Also apply fixes that may change numbers (see each rule's Fix safety).",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Write nothing; print the diff of what would change (exit 1 if any).",
)
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write a migrated copy of the tree here instead of changing files in place.",
)
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    help="Format of the findings that remain after fixing.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print no remaining findings, only the summary.")
def fix(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config: Path | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    stdin_filename: str | None,
    no_progress: bool,
    force_exclude: bool | None,
    memory_limit: int | None,
    unsafe_fixes: bool | None,
    diff: bool,
    output_dir: Path | None,
    output_format: str | None,
    quiet: bool,
) -> None:
    """Apply fixes to PATHS (files or folders; default: the current folder) in place."""
    paths = paths or (".",)
    settings = _load(
        config,
        paths,
        select=_split_codes(select),
        ignore=_split_codes(ignore),
        unsafe_fixes=unsafe_fixes,
        force_exclude=force_exclude,
        memory_limit=memory_limit,
    )
    mode = Mode.DIFF if diff else Mode.FIX
    if paths == ("-",):
        result = RunResult(
            [run_stdin(sys.stdin.read(), settings, mode=mode, filename=stdin_filename or "-")]
        )
        if not diff:
            changed = result.files[0]
            sys.stdout.write(
                changed.new_source
                if changed.changed and changed.new_source is not None
                else changed.original_source or ""
            )
    else:
        result = run(
            list(paths),
            settings,
            mode=mode,
            output_dir=output_dir,
            jobs=jobs,
            cache_dir=cache_dir,
            use_cache=not no_cache,
            show_progress=not no_progress,
        )
    _report_file_errors(result)
    color = use_color(sys.stdout)
    if diff:
        click.echo(render_diff(result, color=color), nl=False, color=color)
        _summarize(result, settings, "diff")
        raise RunFinished(EXIT_FINDINGS if result.changed_files else EXIT_CLEAN)
    if not quiet and paths != ("-",):
        click.echo(
            render_findings(result, output_format or "concise", color=color), nl=False, color=color
        )
    _summarize(result, settings, "fix")
    raise RunFinished(EXIT_FINDINGS if result.remaining else EXIT_CLEAN)


@cli.command()
@common_options
@click.option(
    "--output-format",
    type=click.Choice(OUTPUT_FORMATS),
    default=None,
    help="How to print findings (default: full, or the configured output-format).",
)
@click.option(
    "--output-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the findings to this file instead of standard output.",
)
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of each finding.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings remain.")
@click.option(
    "--add-noqa",
    is_flag=True,
    help="Add `# tf-migrate: ignore[...]` comments for every current finding.",
)
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="Count unsafe fixes as available in the report.",
)
def check(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    config: Path | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: Path | None,
    stdin_filename: str | None,
    no_progress: bool,
    force_exclude: bool | None,
    memory_limit: int | None,
    output_format: str | None,
    output_file: Path | None,
    statistics: bool,
    exit_zero: bool,
    add_noqa: bool,
    unsafe_fixes: bool | None,
) -> None:
    """Report TF1 idioms in PATHS without changing anything (`-` reads standard input)."""
    paths = paths or (".",)
    settings = _load(
        config,
        paths,
        select=_split_codes(select),
        ignore=_split_codes(ignore),
        output_format=output_format,
        unsafe_fixes=unsafe_fixes,
        force_exclude=force_exclude,
        memory_limit=memory_limit,
    )
    mode = Mode.ADD_NOQA if add_noqa else Mode.CHECK
    if paths == ("-",):
        result = RunResult(
            [run_stdin(sys.stdin.read(), settings, mode=Mode.CHECK, filename=stdin_filename or "-")]
        )
    else:
        result = run(
            list(paths),
            settings,
            mode=mode,
            jobs=jobs,
            cache_dir=cache_dir,
            use_cache=not no_cache,
            show_progress=not no_progress,
        )
    _report_file_errors(result)
    if add_noqa:
        added = sum(len(f.remaining) for f in result.changed_files)
        files = len(result.changed_files)
        _stderr().print(f"Added suppression comments for {added} finding(s) in {files} file(s).")
        raise RunFinished(EXIT_CLEAN)
    stream_is_file = output_file is not None
    color = not stream_is_file and use_color(sys.stdout)
    text = (
        render_statistics(result, color=color)
        if statistics
        else render_findings(result, settings.output_format, color=color)
    )
    if output_file is not None:
        output_file.write_text(text, "utf-8")
    else:
        click.echo(text, nl=False, color=color)
    if settings.output_format in ("full", "concise") or stream_is_file:
        _summarize(result, settings, "check")
    raise RunFinished(EXIT_FINDINGS if result.remaining and not exit_zero else EXIT_CLEAN)


@cli.command("rules")
def rules_command() -> None:
    """List every rule: code, name, fix applicability and message."""
    from rich.console import Console

    render_rules_table(all_rules(), Console())


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Show the documentation and examples of rule CODE (e.g. TFM101 or its name)."""
    try:
        rule = rule_by_code(code)
    except UnknownRuleError as error:
        raise click.UsageError(str(error)) from error
    from rich.console import Console

    print_explanation(rule, Console())


def main(argv: Sequence[str] | None = None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="tf-migrate")
    except SystemExit:
        raise
    except ConfigError as error:
        _stderr().print(f"[red]error:[/red] {error}", markup=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # the last line of defence must report, not crash
        _stderr().print_exception()
        _stderr().print(f"[red]internal error:[/red] {error!r}; please report it")
        sys.exit(EXIT_ERROR)


def entry_point() -> None:
    """The `tf-migrate` command: `main()`, and when a check or fix has finished, an exit that
    skips tearing the interpreter down. Freeing every module and the thousands of findings a run
    holds takes a seventh of a cached re-check, and nothing needs it."""
    try:
        main()
    except RunFinished as finished:
        if sys.getprofile() is not None or sys.gettrace() is not None:
            raise  # a profiler or coverage tool writes its data at exit: let it
        for stream in (sys.stdout, sys.stderr):
            # A reader that went away (`| head`) leaves nobody to tell.
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        os._exit(finished.code if isinstance(finished.code, int) else EXIT_ERROR)
