"""Verify one fixture: run before, then after (aligned to before), compare, and judge."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tf_migrate.verify import align as align_check
from tf_migrate.verify.compare import OutputComparison, compare_all, load_outputs
from tf_migrate.verify.fixture import Fixture
from tf_migrate.verify.runner import ChildRun, Limits, run_program
from tf_migrate.verify.runtimes import Runtime
from tf_migrate.verify.warm import WarmRuntimes

# Fixture statuses, and how each one weighs on the exit code.
PASS, FAIL, SKIP, ERROR = "pass", "fail", "skip", "error"
FAILING_OUTCOMES = {"program_error", "timeout", "memory", "crashed"}


@dataclass(frozen=True)
class Options:
    before: Runtime
    after: Runtime
    align: bool = True
    timeout_s: float | None = None  # overrides every fixture's timeout_s
    memory_bytes: int | None = None
    device: str = "cpu"
    warm: WarmRuntimes | None = field(default=None, compare=False)


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "path": str(self.path),
            "status": self.status,
            "message": self.message,
            "rtol": self.rtol,
            "atol": self.atol,
            "runs": [run.to_dict() for run in self.runs],
            "outputs": [comparison.to_dict() for comparison in self.comparisons],
            "only_before": self.only_before,
            "only_after": self.only_after,
            "aligned_variables": [pair.to_dict() for pair in self.aligned],
            "alignment_notes": self.alignment_notes,
        }


def verify_fixture(fixture: Fixture, options: Options) -> FixtureResult:
    result = FixtureResult(fixture.name, fixture.path, PASS, rtol=fixture.rtol, atol=fixture.atol)
    if "tf1.15" in fixture.needs and options.before.mode != "tf1":
        result.status = SKIP
        result.message = f"needs genuine TF 1.15; the before runtime is {options.before.label}"
        return result
    limits = Limits(
        timeout_s=options.timeout_s or fixture.timeout_s,
        **({"memory_bytes": options.memory_bytes} if options.memory_bytes else {}),
    )
    aligning = options.align and fixture.align
    with tempfile.TemporaryDirectory(prefix=f"tf-migrate-{fixture.name}-") as tmp:
        scratch = Path(tmp)
        align_file = scratch / "initial_values.npz"

        def run(runtime: Runtime, program: Path, align_mode: str) -> ChildRun:
            return run_program(
                runtime,
                program,
                fixture.outputs,
                scratch,
                align=align_mode,
                align_file=align_file,
                device=options.device,
                limits=limits,
                warm=options.warm,
                stage=fixture.stage_for(program),
            )

        _run_both(result, fixture, options, aligning, run)
    return result


def _run_both(
    result: FixtureResult,
    fixture: Fixture,
    options: Options,
    aligning: bool,
    run: Callable[[Runtime, Path, str], ChildRun],
) -> None:
    before = run(options.before, fixture.before, "record" if aligning else "off")
    result.runs.append(before)
    if not _judge_run(result, before):
        return
    recorded = before.result.get("alignment", {})
    inject = aligning and bool(recorded.get("recorded"))
    after = run(options.after, fixture.after, "inject" if inject else "off")
    result.runs.append(after)
    if not _judge_run(result, after):
        return
    failures: list[str] = []
    if inject:
        failures += _judge_alignment(result, recorded, after.result.get("alignment", {}))
    assert before.npz is not None and after.npz is not None
    try:
        before_outputs, after_outputs = load_outputs(before.npz), load_outputs(after.npz)
    except ValueError as exc:
        result.status, result.message = ERROR, str(exc)
        return
    comparisons, only_before, only_after = compare_all(
        before_outputs, after_outputs, fixture.outputs, fixture.rtol, fixture.atol
    )
    result.comparisons, result.only_before, result.only_after = comparisons, only_before, only_after
    if not comparisons:
        result.status = ERROR
        result.message = "no output to compare: name some in `outputs`"
        return
    differing = [comparison.name for comparison in comparisons if not comparison.passed]
    if differing:
        failures.append(f"output(s) differ: {', '.join(differing)}")
    if failures:
        result.status = FAIL
        result.message = "; ".join(failures)


def _judge_run(result: FixtureResult, run: ChildRun) -> bool:
    """Record a run that went wrong on the fixture; True when the run went well."""
    if run.outcome == "ok":
        return True
    where = f"{run.side}.py"
    if run.outcome in FAILING_OUTCOMES:
        result.status = FAIL
        if run.outcome == "program_error":
            result.message = f"{where} raised:\n{run.traceback}"
        else:
            result.message = f"{where}: {run.message}"
    else:
        result.status = ERROR
        result.message = f"{where}: {run.outcome.replace('_', ' ')}: {run.message}"
    return False


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
    return 1 if FAIL in statuses else 0
