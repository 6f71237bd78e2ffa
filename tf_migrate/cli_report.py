"""`tf-migrate report`: the reviewer's report of what a fix would do, as HTML and Markdown.

It computes the fixes as `fix --diff` does and never writes a source file. The proof section
comes from verify's JSON report: files given with --verify-json, or, with --verify, a verify run
over the fixture folders found under PATHS, in a child process (verify starts TensorFlow
runtimes; this process never imports them).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from tf_migrate.cli_common import (
    ConfigProblem,
    common_options,
    load,
    report_file_errors,
    split_codes,
    stderr,
    write_review,
)
from tf_migrate.engine.run import Mode, run
from tf_migrate.report.proof import Proof, ProofError, parse_proof, read_proof

FIXTURE_FILE = "fixture.toml"


def fixture_folders(paths: tuple[str, ...]) -> list[Path]:
    """Every folder at or under PATHS that holds a fixture.toml, sorted."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found |= {marker.parent for marker in path.rglob(FIXTURE_FILE)}
    return sorted(found)


def run_verify(folders: list[Path]) -> Proof:
    """`tf-migrate verify FOLDERS --output-format json` in a child process, read back."""
    command = [sys.executable, "-m", "tf_migrate", "verify", *map(str, folders)]
    stderr().print(f"verifying {len(folders)} fixture folder(s) …", highlight=False)
    done = subprocess.run(
        [*command, "--output-format", "json"], capture_output=True, text=True, check=False
    )
    try:
        return parse_proof(done.stdout, "tf-migrate verify (run by --verify)")
    except ProofError as error:
        raise ConfigProblem(
            f"--verify: `tf-migrate verify` exited {done.returncode} without a report: "
            f"{done.stderr.strip() or error}"
        ) from error


@click.command("report")
@common_options
@click.option(
    "--unsafe-fixes/--no-unsafe-fixes",
    default=None,
    help="Show the fixes that may change numbers as applied (as `fix --unsafe-fixes`).",
)
@click.option(
    "--html",
    "html_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report as one self-contained HTML page here.",
)
@click.option(
    "--markdown",
    "markdown_file",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="Write it as Markdown (a PR comment, $GITHUB_STEP_SUMMARY) here; `-`: standard output.",
)
@click.option(
    "--html-link",
    help="How the Markdown names the HTML report, e.g. a CI artifact's URL (default: --html).",
)
@click.option(
    "--verify-json",
    "verify_json",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A `tf-migrate verify --output-format json` report to show as proof (repeatable).",
)
@click.option(
    "--verify",
    "run_verification",
    is_flag=True,
    help="Run `tf-migrate verify` on the fixture folders under PATHS and show the proof.",
)
def report(
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
    html_file: Path | None,
    markdown_file: Path | None,
    html_link: str | None,
    verify_json: tuple[Path, ...],
    run_verification: bool,
) -> None:
    """Write the reviewer's report of PATHS: per file, what changes, which rule changed it and
    why, what is left for a person, and whether the numbers were proven. Writes no source file.

    Exit 0 when the report is written, 2 on a usage or configuration error.
    """
    if html_file is None and markdown_file is None:
        raise click.UsageError("say where the report goes: --html FILE and/or --markdown FILE")
    if "-" in paths:
        raise click.UsageError("the report reads files and folders, not standard input")
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
    try:
        proofs = [read_proof(path) for path in verify_json]
    except ProofError as error:
        raise ConfigProblem(str(error)) from error
    if run_verification:
        folders = fixture_folders(paths)
        if not folders:
            where = ", ".join(paths)
            raise ConfigProblem(f"--verify: no folder with a {FIXTURE_FILE} under {where}")
        proofs.append(run_verify(folders))
    result = run(
        list(paths),
        settings,
        mode=Mode.DIFF,
        jobs=jobs,
        cache_dir=cache_dir,
        use_cache=not no_cache,
        show_progress=not no_progress,
    )
    report_file_errors(result)
    if html_file is not None:
        write_review(result, html_file, paths, written=False, settings=settings, proofs=proofs)
    if markdown_file is not None:
        from tf_migrate.report import render_review_markdown

        link = html_link or (str(html_file) if html_file is not None else None)
        text = render_review_markdown(
            result, unsafe_fixes=settings.unsafe_fixes, html_report=link, proofs=proofs
        )
        if str(markdown_file) == "-":
            click.echo(text, nl=False)
        else:
            try:
                markdown_file.write_text(text, "utf-8")
            except OSError as error:
                raise ConfigProblem(f"cannot write {markdown_file}: {error}") from error
            stderr().print(f"Markdown written to {markdown_file}", highlight=False)
