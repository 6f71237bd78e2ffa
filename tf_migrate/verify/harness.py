"""Verify one fixture: run before, then after (aligned to before), compare, and judge."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tf_migrate.verify import align as align_check
from tf_migrate.verify import draws as draws_check
from tf_migrate.verify import printed
from tf_migrate.verify.compare import OutputComparison, compare_all, load_outputs
from tf_migrate.verify.devices import DevicePlan, plan
from tf_migrate.verify.fixture import Fixture
from tf_migrate.verify.names import loop_counters
from tf_migrate.verify.runner import OUTPUT_TAIL_CHARS, ChildRun, Limits, run_program
from tf_migrate.verify.runtimes import Runtime
from tf_migrate.verify.warm import WarmRuntimes

# Fixture statuses, and how each one weighs on the exit code. INCOMPARABLE: outputs differ where
# the two programs' random draws could not be aligned, so the difference proves nothing.
PASS, FAIL, SKIP, ERROR, INCOMPARABLE = "pass", "fail", "skip", "error", "incomparable"
FAILING_OUTCOMES = {"program_error", "timeout", "memory", "crashed"}
MAX_COMPARED_STDOUT = 8 * 1024**2
UNSAFE_PATH_CHARACTERS = re.compile(r"[^A-Za-z0-9_.-]+")
MISSING_MODULE = re.compile(r"^ModuleNotFoundError: No module named '([\w.]+)'")


@dataclass(frozen=True)
class Options:
    before: Runtime
    after: Runtime
    align: bool = True
    timeout_s: float | None = None  # overrides every fixture's timeout_s
    memory_bytes: int | None = None
    device: str = "cpu"
    warm: WarmRuntimes | None = field(default=None, compare=False)
    stdout: bool = False  # compare printed numbers, for every fixture
    device_plan: DevicePlan | None = None  # where each side computes (default: from `device`)

    @property
    def plan(self) -> DevicePlan:
        return self.device_plan or plan(self.device, self.before, None)


@dataclass
class FixtureResult:
    name: str
    path: Path
    status: str
    message: str = ""
    runs: list[ChildRun] = field(default_factory=list)
    comparisons: list[OutputComparison] = field(default_factory=list)
    only_before: list[str] = field(default_factory=list)
    only_after: list[str] = field(default_factory=list)
    aligned: list[align_check.AlignedVariable] = field(default_factory=list)
    alignment_notes: list[str] = field(default_factory=list)
    rtol: float | None = None
    atol: float | None = None
    draws: draws_check.DrawAlignment | None = None
    not_compared: dict[str, str] = field(default_factory=dict)  # name -> why
    labels: tuple[str, str] = ("before.py", "after.py")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": str(self.path),
            "status": self.status,
            "message": self.message,
            "rtol": self.rtol,
            "atol": self.atol,
            "programs": list(self.labels),
            "runs": [run.to_dict() for run in self.runs],
            "outputs": [comparison.to_dict() for comparison in self.comparisons],
            "only_before": self.only_before,
            "only_after": self.only_after,
            "not_compared": self.not_compared,
            "aligned_variables": [pair.to_dict() for pair in self.aligned],
            "aligned_draws": self.draws.to_dict() if self.draws is not None else None,
            "alignment_notes": self.alignment_notes,
        }


def temp_prefix(name: str) -> str:
    """A temporary folder's prefix for ``name``, without blanks, parentheses or arrows."""
    return f"tf-migrate-{UNSAFE_PATH_CHARACTERS.sub('-', name).strip('-')[:60]}-"


def verify_fixture(fixture: Fixture, options: Options) -> FixtureResult:
    result = FixtureResult(
        fixture.name,
        fixture.path,
        PASS,
        rtol=fixture.rtol,
        atol=fixture.atol,
        labels=(fixture.label("before"), fixture.label("after")),
    )
    if "tf1.15" in fixture.needs and options.before.mode != "tf1":
        result.status = SKIP
        result.message = f"needs genuine TF 1.15; the before runtime is {options.before.label}"
        return result
    device_plan = options.plan
    limits = Limits(
        timeout_s=options.timeout_s or fixture.timeout_s,
        **({"memory_bytes": options.memory_bytes} if options.memory_bytes else {}),
    )
    stdout = options.stdout or fixture.stdout
    with tempfile.TemporaryDirectory(prefix=temp_prefix(fixture.name)) as tmp:
        scratch = Path(tmp)
        align_file = scratch / "initial_values.npz"

        def run(runtime: Runtime, program: Path, align_mode: str) -> ChildRun:
            side = device_plan.side(runtime.side)
            return run_program(
                runtime,
                program,
                fixture.outputs,
                scratch,
                align=align_mode,
                align_file=align_file,
                device=side.device,
                limits=limits,
                warm=options.warm,
                stage=fixture.stage_for(program),
                loop_counters=loop_counters(program),
                determinism=side.determinism,
                stdout_chars=MAX_COMPARED_STDOUT if stdout else OUTPUT_TAIL_CHARS,
            )

        _run_both(result, fixture, options, stdout, run)
    return result


def _run_both(
    result: FixtureResult,
    fixture: Fixture,
    options: Options,
    stdout: bool,
    run: Callable[[Runtime, Path, str], ChildRun],
) -> None:
    aligning = options.align and fixture.align
    before = run(options.before, fixture.before, "record" if aligning else "off")
    result.runs.append(before)
    if not _judge_run(result, before, options.before):
        return
    recorded = before.result.get("alignment", {})
    inject = aligning and bool(recorded.get("recorded"))
    after_mode = "inject" if inject else "draws" if aligning else "off"
    after = run(options.after, fixture.after, after_mode)
    result.runs.append(after)
    if not _judge_run(result, after, options.after):
        return
    # Asked only now: where the device is absent, that is what the user must hear first.
    unstated = tolerance_unstated(fixture, options.plan)
    if unstated:
        result.status, result.message = ERROR, unstated
        return
    failures: list[str] = []
    if inject:
        failures += _judge_alignment(result, recorded, after.result.get("alignment", {}))
    if before.draws is not None and after.draws is not None:
        result.draws = draws_check.compare(
            draws_check.load(before.draws), draws_check.load(after.draws)
        )
        failures += [
            f"a random op's parameters differ: {text}" for text in result.draws.parameters_differ
        ]
    assert before.npz is not None and after.npz is not None
    try:
        before_outputs, after_outputs = load_outputs(before.npz), load_outputs(after.npz)
    except ValueError as exc:
        result.status, result.message = ERROR, str(exc)
        return
    comparisons, only_before, only_after = compare_all(
        before_outputs, after_outputs, fixture.outputs, fixture.rtol, fixture.atol
    )
    if stdout:
        comparisons.append(printed.compare(before.stdout, after.stdout, fixture.rtol, fixture.atol))
    result.comparisons, result.only_before, result.only_after = comparisons, only_before, only_after
    result.not_compared = _not_compared(before, after)
    _judge_outputs(result, failures)


def tolerance_unstated(fixture: Fixture, device_plan: DevicePlan) -> str:
    """Why the comparison needs a stated tolerance and has none, or ''."""
    if not device_plan.needs_stated_tolerance or fixture.tolerance_stated:
        return ""
    return (
        f"--device {device_plan.asked}: {device_plan.describe()}. Kernels there differ from the "
        "CPU's: state the tolerance the comparison may use (rtol/atol and a reason in "
        "fixture.toml, or --rtol/--atol)"
    )


def _judge_outputs(result: FixtureResult, failures: list[str]) -> None:
    if not result.comparisons:
        result.status = ERROR
        result.message = "no output to compare: name some in `outputs` (or compare --stdout)"
        return
    differing = [comparison.name for comparison in result.comparisons if not comparison.passed]
    order_differs = result.draws.order_differs if result.draws is not None else ""
    if differing and order_differs and not failures:
        result.status = INCOMPARABLE
        result.message = (
            f"output(s) differ: {', '.join(differing)}; not comparable: the random draws could "
            f"not be aligned: {order_differs}"
        )
        return
    if differing:
        failures.append(f"output(s) differ: {', '.join(differing)}")
    if order_differs:
        result.alignment_notes.append(f"random draws: {order_differs}")
    if failures:
        result.status = FAIL
        result.message = "; ".join(failures)


def _not_compared(before: ChildRun, after: ChildRun) -> dict[str, str]:
    """Why names were left out on either side: loop counters, names holding no value."""
    reasons: dict[str, str] = {}
    for run in (before, after):
        for name, reason in run.result.get("skipped", {}).items():
            if reason == "loop counter":
                reasons.setdefault(name, reason)
            else:
                reasons.setdefault(name, f"{run.side}: {reason}")
    return dict(sorted(reasons.items()))


def _judge_run(result: FixtureResult, run: ChildRun, runtime: Runtime) -> bool:
    """Record a run that went wrong on the fixture; True when the run went well."""
    if run.outcome == "ok":
        return True
    where = result.labels[0 if run.side == "before" else 1]
    if run.outcome in FAILING_OUTCOMES:
        result.status = FAIL
        if run.outcome == "program_error":
            result.message = f"{where} raised:\n{run.traceback}" + _missing(run, runtime)
        else:
            result.message = f"{where}: {run.message}"
    elif run.outcome == "fixture_error":
        result.status = ERROR
        result.message = f"{where}: {run.message}"
    else:
        result.status = ERROR
        result.message = f"{where}: the runtime could not run it: {run.message}"
    return False


def _missing(run: ChildRun, runtime: Runtime) -> str:
    """A hint when the program imports a package its runtime lacks (matplotlib, often)."""
    found = MISSING_MODULE.search(run.traceback.strip().splitlines()[-1] if run.traceback else "")
    if found is None or found.group(1).split(".")[0] in ("tensorflow", "keras"):
        return ""
    package = found.group(1).split(".")[0]
    return (
        f"\n(the {run.side} runtime has no {package}: `{runtime.python} -m pip install "
        f"{package}` adds it, or --{run.side}-python names a runtime that has it)"
    )


def _judge_alignment(
    result: FixtureResult, recorded: dict[str, Any], injected: dict[str, Any]
) -> list[str]:
    result.aligned = align_check.check(recorded, injected)
    for entry in injected.get("unmatched", []):
        result.alignment_notes.append(
            f"after variable {entry['name']} kept its own initial value: {entry['reason']}"
        )
    records = recorded.get("recorded", [])
    for index in injected.get("unused_records", []):
        entry = records[int(index)]
        result.alignment_notes.append(
            f"before variable {entry['name']} {tuple(entry['shape'])} matched no after variable"
        )
    for name in recorded.get("never_initialised", []):
        result.alignment_notes.append(f"before variable {name} was never initialised")
    different = [pair for pair in result.aligned if pair.verdict == "different"]
    return [
        f"initial distribution of {pair.after_name} {pair.shape} differs from "
        f"{pair.before_name}: {pair.why}"
        for pair in different
    ]


def exit_code(results: list[FixtureResult]) -> int:
    statuses = {result.status for result in results}
    if ERROR in statuses:
        return 2
    return 1 if statuses & {FAIL, INCOMPARABLE} else 0
