"""What the commands that read source files share: their options, loading settings from them,
where messages go, and the reviewer's report written beside a run (`fix --report`)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from tf_migrate.model import RunResult
from tf_migrate.rules.registry import check_selectors
from tf_migrate.settings import ConfigError, Settings, find_config, load_settings, parse_size

if TYPE_CHECKING:
    from rich.console import Console

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class ConfigProblem(click.ClickException):
    """A configuration error, reported like a usage error: exit code 2."""

    exit_code = EXIT_ERROR


def stderr() -> Console:
    # Imported when something needs it: most runs print only plain text, and a cached re-check
    # would spend a tenth of its time importing rich.
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def use_color(stream: Any) -> bool:
    """NO_COLOR and FORCE_COLOR (https://no-color.org, https://force-color.org) win over the tty."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return bool(getattr(stream, "isatty", lambda: False)())


def split_codes(values: Sequence[str]) -> tuple[str, ...] | None:
    codes = tuple(code.strip() for value in values for code in value.split(",") if code.strip())
    return codes or None


def report_file_errors(result: RunResult) -> None:
    """Problems that are not findings (a read-only file, a refused notebook) go to stderr."""
    for file_result in result.files:
        if file_result.error and not any(f.code == "TFM000" for f in file_result.remaining):
            stderr().print(
                f"[yellow]warning:[/yellow] {file_result.path}: {file_result.error}",
                markup=True,
                highlight=False,
            )


def write_review(
    result: RunResult,
    target: Path,
    paths: Sequence[str],
    *,
    written: bool,
    settings: Settings,
    proofs: Sequence[Any] = (),
) -> None:
    """Write the reviewer's HTML report of `result` to `target`, and say where on stderr."""
    from tf_migrate.report import render_review_html

    page = render_review_html(
        result, paths=paths, written=written, unsafe_fixes=settings.unsafe_fixes, proofs=proofs
    )
    try:
        target.write_text(page, "utf-8")
    except OSError as error:
        raise ConfigProblem(f"cannot write the report to {target}: {error}") from error
    stderr().print(f"Report written to {target}", highlight=False, markup=False)


def load(config: Path | None, paths: Sequence[str], **overrides: Any) -> Settings:
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
            help="Where to keep the result cache (default: .tf-migrate-cache beside the "
            "configuration file; without one, the user cache folder, ~/.cache/tf-migrate).",
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
