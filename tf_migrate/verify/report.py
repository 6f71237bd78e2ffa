"""Present verify results: a rich table for people, JSON for machines."""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from tf_migrate.verify.compare import OutputComparison
from tf_migrate.verify.harness import (
    ERROR,
    FAIL,
    INCOMPARABLE,
    PASS,
    SKIP,
    FixtureResult,
    Options,
)
from tf_migrate.verify.runner import PINNED_ENV
from tf_migrate.verify.summary import compared, fmt, headline, notes

STATUS_STYLE = {
    PASS: "green",
    FAIL: "red",
    INCOMPARABLE: "yellow",
    SKIP: "yellow",
    ERROR: "magenta",
}
HOST_RANDOMNESS = (
    "random and numpy.random seeded 0; RandomState() and default_rng() without a seed get "
    "seeds 1, 2, ... in creation order; seed() without a value gets 0; PYTHONHASHSEED=0"
)


def environment(options: Options, warm: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "runtimes_warm": warm or {},
        "before_runtime": options.before.to_dict() | {"label": options.before.label},
        "after_runtime": options.after.to_dict() | {"label": options.after.label},
        "device": options.device,
        "device_plan": options.plan.to_dict(),
        "align": options.align,
        "stdout": options.stdout,
        "host_randomness": HOST_RANDOMNESS,
        "pinned": {
            "env": dict(PINNED_ENV),
            "threads": "intra-op 1, inter-op 1 (TF2: tf.config.threading; TF1: every "
            "Session's ConfigProto)",
            "tf32": "off",
        },
    }


def to_json(
    results: list[FixtureResult],
    options: Options,
    exit_code: int,
    warm: dict[str, str] | None = None,
) -> str:
    counts = {status: 0 for status in STATUS_STYLE}
    for result in results:
        counts[result.status] += 1
    return json.dumps(
        {
            "environment": environment(options, warm),
            "summary": counts | {"exit_code": exit_code},
            "fixtures": [result.to_dict() for result in results],
        },
        indent=2,
    )


def render(
    console: Console,
    results: list[FixtureResult],
    options: Options,
    warm: dict[str, str] | None = None,
    verbose: bool = False,
) -> None:
    """One summary line per program with its worst error; each output of the programs that did
    not pass (of all with `verbose`): a table on a terminal, elsewhere (CI logs, `| tee`) one
    line per output that no width cuts into pieces."""
    for side, runtime in (("before", options.before), ("after", options.after)):
        how = f"; {(warm or {}).get(side)}" if warm and side in warm else ""
        console.print(
            f"[bold]{side}[/]:{' ' if side == 'after' else ''} {runtime.label}  "
            f"[dim]{escape(str(runtime.python))}{escape(how)}[/]"
        )
    pinned = ", ".join(f"{k}={v}" for k, v in PINNED_ENV.items() if not k.startswith("PYTHONU"))
    console.print(
        f"[dim]device asked: {options.device} ({escape(options.plan.describe())}); pinned: "
        f"{pinned}; intra/inter-op threads 1/1; TF32 off; host randomness: {HOST_RANDOMNESS}[/]"
    )
    for result in results:
        console.print(_summary_line(result), soft_wrap=True)
    detailed = [result for result in results if verbose or result.status != PASS]
    if any(result.comparisons for result in detailed):
        if console.is_terminal:
            console.print(_output_table(detailed))
        else:
            for result in detailed:
                for comparison in result.comparisons:
                    console.print(_output_line(result, comparison), soft_wrap=True)
    for result in results:
        _details(console, result, verbose or result.status != PASS)
    counts = {status: sum(r.status == status for r in results) for status in STATUS_STYLE}
    console.print(", ".join(f"[{STATUS_STYLE[s]}]{n} {s}[/]" for s, n in counts.items() if n))


def _summary_line(result: FixtureResult) -> Text:
    line = Text()
    line.append(f"{result.status:<5}", STATUS_STYLE[result.status])
    line.append(f" {result.name}", "bold")
    what = compared(result)
    if what:
        line.append(f"  {what}")
    elif result.message:
        line.append(f"  {headline(result)}")
    # Where each side really ran belongs on every program's line; -v tells how that is known.
    times = ", ".join(
        f"{run.side}{_ran_on(run.result.get('placement'))} {run.seconds:.1f} s"
        for run in result.runs
    )
    if times:
        line.append(f"  ({times})", "dim")
    return line


def _ran_on(placement: dict[str, Any] | None) -> str:
    return f" on {placement['ran_on']}" if placement else ""


def _output_line(result: FixtureResult, comparison: OutputComparison) -> Text:
    verdict = PASS if comparison.passed else FAIL
    line = Text(f"  {result.name} {comparison.name}: shape {_shape(comparison)}, ")
    line.append(
        f"{comparison.family}, max abs err {fmt(comparison.max_abs_err)}, "
        f"max rel err {fmt(comparison.max_rel_err)}: "
    )
    line.append(verdict, STATUS_STYLE[verdict])
    return line


def _shape(comparison: OutputComparison) -> str:
    shape = str(comparison.before_shape)
    if comparison.after_shape != comparison.before_shape:
        shape += f" / {comparison.after_shape}"
    return shape


def _output_table(results: list[FixtureResult]) -> Table:
    table = Table(title="tf-migrate verify: outputs", show_lines=False)
    for column in ("fixture", "output", "shape", "dtype", "max abs err", "max rel err", "result"):
        table.add_column(column, overflow="fold")
    for result in results:
        for comparison in result.comparisons:
            verdict = PASS if comparison.passed else FAIL
            table.add_row(
                result.name,
                comparison.name,
                _shape(comparison),
                comparison.family,
                fmt(comparison.max_abs_err),
                fmt(comparison.max_rel_err),
                Text(verdict, style=STATUS_STYLE[verdict]),
            )
    return table


def _details(console: Console, result: FixtureResult, full: bool) -> None:
    """Why a program failed, where each side ran and what was aligned; for a program that
    passed, only with -v (its summary line said the rest)."""
    if not full:
        return
    style = STATUS_STYLE[result.status]
    console.print(f"[{style}]{result.status}[/] [bold]{escape(result.name)}[/]")
    if result.message:
        console.print(Text(result.message, style=style))
    for run in result.runs:
        placement = run.result.get("placement")
        if placement:
            devices = ", ".join(f"{name} x{count}" for name, count in placement["devices"].items())
            console.print(
                Text(
                    f"  {run.side} ran on {placement['ran_on']}"
                    f" ({placement['basis']}{': ' + devices if devices else ''})",
                    style="dim",
                )
            )
    for comparison in result.comparisons:
        if comparison.detail:
            console.print(f"  {comparison.name}: {comparison.detail}", markup=False)
    if result.aligned:
        title = Text(f"{result.name}: aligned initial values")
        table = Table(title=title, title_justify="left")
        for column in ("before", "after", "shape", "before mean/std/min/max"):
            table.add_column(column)
        table.add_column("after mean/std/min/max")
        table.add_column("distribution")
        table.add_column("value used")
        for pair in result.aligned:
            table.add_row(
                # A recurrent cell's variable: which part of the TF1 cell's records it was.
                pair.before_name + (f"\n({pair.layout})" if pair.layout else ""),
                pair.after_name,
                str(pair.shape),
                _stats(pair.before.mean, pair.before.std, pair.before.min, pair.before.max),
                _stats(pair.after.mean, pair.after.std, pair.after.min, pair.after.max),
                Text(pair.verdict, style="red" if pair.verdict == "different" else "green"),
                _value_used(pair.injected, pair.equal, pair.folded_forget_bias),
            )
        console.print(table)
    for note in notes(result):
        console.print(Text(f"  {note}", style="dim"))


def _stats(*values: float) -> str:
    return " / ".join(f"{value:.3g}" for value in values)


def _value_used(injected: bool, equal: bool, folded: float | None = None) -> str:
    if injected:
        return "before's"
    if folded is not None:
        return f"own (= before's, forget bias {folded:g} folded)"
    return "own (= before's)" if equal else "own"
