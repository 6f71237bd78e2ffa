"""The proof section: what `tf-migrate verify --output-format json` established, per program.

Read from the JSON document alone (tf_migrate/verify/report.py `to_json` writes it), so the
report needs neither the verify subsystem nor numpy to show it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class ProofError(ValueError):
    """A file that is not verify's JSON report; the message says which and why."""


@dataclass
class OutputProof:
    name: str
    passed: bool
    shape: str  # "(3, 2)", or "(3, 2) / (2, 3)" when the sides differ
    dtype: str
    max_abs_err: float | str | None  # a string for inf or nan
    max_rel_err: float | str | None
    detail: str


@dataclass
class ProgramProof:
    name: str
    status: str  # pass, fail, incomparable, skip, error
    message: str
    rtol: float | None
    atol: float | None
    outputs: list[OutputProof]
    ran_on: dict[str, str]  # side -> the device it actually ran on
    seconds: dict[str, float]
    aligned: int  # model variables whose initial values came from the before run
    alignment_notes: list[str] = field(default_factory=list)


@dataclass
class Proof:
    source: str  # the file it was read from, or how it was made
    before: str  # runtime labels, e.g. "TensorFlow 1.15.0 on Python 3.7.16 (genuine TF 1.x)"
    after: str
    device: str
    align: bool
    programs: list[ProgramProof]

    def count(self, status: str) -> int:
        return sum(program.status == status for program in self.programs)


def _shape(output: dict[str, Any]) -> str:
    before, after = tuple(output.get("before_shape", ())), tuple(output.get("after_shape", ()))
    return str(before) if before == after else f"{before} / {after}"


def _program(data: dict[str, Any]) -> ProgramProof:
    runs = data.get("runs", [])
    return ProgramProof(
        name=str(data["name"]),
        status=str(data["status"]),
        message=str(data.get("message", "")),
        rtol=data.get("rtol"),
        atol=data.get("atol"),
        outputs=[
            OutputProof(
                name=str(output["name"]),
                passed=bool(output["passed"]),
                shape=_shape(output),
                dtype=str(output.get("before_dtype", "")),
                max_abs_err=output.get("max_abs_err"),
                max_rel_err=output.get("max_rel_err"),
                detail=str(output.get("detail", "")),
            )
            for output in data.get("outputs", [])
        ],
        ran_on={str(run["side"]): str(run.get("ran_on", "unknown")) for run in runs},
        seconds={str(run["side"]): float(run.get("seconds", 0.0)) for run in runs},
        # From the before run: injected, or drawn equal from verify's shared random stream.
        aligned=sum(
            bool(pair.get("injected") or (pair.get("equal") and pair.get("drawn")))
            for pair in data.get("aligned_variables", [])
        ),
        alignment_notes=[str(note) for note in data.get("alignment_notes", [])],
    )


def parse_proof(text: str, source: str) -> Proof:
    try:
        data = json.loads(text)
        environment = data["environment"]
        return Proof(
            source=source,
            before=str(environment["before_runtime"]["label"]),
            after=str(environment["after_runtime"]["label"]),
            device=str(environment.get("device", "cpu")),
            align=bool(environment.get("align", True)),
            programs=[_program(fixture) for fixture in data["fixtures"]],
        )
    except (ValueError, KeyError, TypeError) as error:
        raise ProofError(
            f"{source}: not the JSON of `tf-migrate verify --output-format json` ({error!r})"
        ) from error


def read_proof(path: Path) -> Proof:
    try:
        text = path.read_text("utf-8")
    except OSError as error:
        raise ProofError(f"{path}: cannot read: {error}") from error
    return parse_proof(text, str(path))
