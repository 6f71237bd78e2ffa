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

import click

from tf_migrate import __version__
from tf_migrate.cli_common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    common_options,
    load,
    report_file_errors,
    split_codes,
    stderr,
    use_color,
    write_review,
)
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
from tf_migrate.rules.registry import UnknownRuleError, all_rules, rule_by_code
from tf_migrate.settings import OUTPUT_FORMATS, ConfigError, Settings

# The formats people read: they mark fixable findings with [*] and [-].
_HUMAN = ("full", "concise")
_MARKERS_HELP = (
    "In the findings, [*] marks what `tf-migrate fix` fixes and [-] what only "
    "`tf-migrate fix --unsafe-fixes` fixes (the fix may change numbers); findings without a "
    "marker are left for a person, with the TF2 form to use."
)


class RunFinished(SystemExit):
    """How `check` and `fix` end, with their exit code: nothing they leave needs tearing down
    (files are written, workers joined), so the command may skip it (see `entry_point`)."""


def _summarize(
    result: RunResult,
    settings: Settings,
    mode: str,
    *,
    table: bool = True,
    legend: bool = False,
) -> None:
    color = use_color(sys.stderr)
    print_summary(
        result,
        sys.stderr,
        mode=mode,
        unsafe_fixes=settings.unsafe_fixes,
        color=color,
        table=table,
        legend=legend,
    )


# Commands whose module is imported only when they run (or when help lists them): the verify
# subsystem's imports would otherwise be paid by every `check`.
_LAZY_COMMANDS = {
    "verify": "tf_migrate.verify.cli",
    "runtime": "tf_migrate.verify.cli",
    "report": "tf_migrate.cli_report",
}


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


@click.group(cls=DefaultToFix, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tf-migrate")
def cli() -> None:
    """Migrate TensorFlow 1.x code to idiomatic TensorFlow 2, and prove it.

    `tf-migrate PATH...` applies the safe fixes in place (same as `tf-migrate fix PATH...`).
    `tf-migrate check PATH...` only reports. `tf-migrate verify FIXTURES...` runs programs before
    and after migration on real TensorFlow runtimes and compares their numbers.
    """


@cli.command(epilog=_MARKERS_HELP)
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
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the reviewer's HTML report of this run to this file.",
)
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
    report_file: Path | None,
) -> None:
    """Apply fixes to PATHS (files or folders; default: the current folder) in place."""
    paths = paths or (".",)
    settings = load(
        config,
        paths,
        select=split_codes(select),
        ignore=split_codes(ignore),
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
    report_file_errors(result)
    if report_file is not None:
        write_review(result, report_file, paths, written=not diff, settings=settings)
    color = use_color(sys.stdout)
    if diff:
        click.echo(render_diff(result, color=color), nl=False, color=color)
        _summarize(result, settings, "diff")
        raise RunFinished(EXIT_FINDINGS if result.changed_files else EXIT_CLEAN)
    shown = not quiet and paths != ("-",)
    if shown:
        click.echo(
            render_findings(result, output_format or "concise", color=color), nl=False, color=color
        )
    _summarize(result, settings, "fix", legend=shown and output_format in (None, *_HUMAN))
    raise RunFinished(EXIT_FINDINGS if result.remaining else EXIT_CLEAN)


@cli.command(epilog=_MARKERS_HELP)
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
    settings = load(
        config,
        paths,
        select=split_codes(select),
        ignore=split_codes(ignore),
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
    report_file_errors(result)
    if add_noqa:
        added = sum(len(f.remaining) for f in result.changed_files)
        files = len(result.changed_files)
        stderr().print(f"Added suppression comments for {added} finding(s) in {files} file(s).")
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
    human = statistics or settings.output_format in _HUMAN
    if human or stream_is_file:
        # --statistics printed a count per rule: the summary's own table would repeat it.
        _summarize(result, settings, "check", table=not statistics, legend=human)
    raise RunFinished(EXIT_FINDINGS if result.remaining and not exit_zero else EXIT_CLEAN)


@cli.command("rules")
def rules_command() -> None:
    """List every rule: code, name, every fix kind it gives, and its message on an example."""
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
        stderr().print(f"[red]error:[/red] {error}", markup=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:  # the last line of defence must report, not crash
        stderr().print_exception()
        stderr().print(f"[red]internal error:[/red] {error!r}; please report it")
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
