"""Helpers shared by the verify tests (a uniquely named module: conftest is not importable)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from tf_migrate.verify.cli import verify

DATA = Path(__file__).parent / "data"
BATCH_MEMORY_LIMIT = "2GiB"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(verify, list(args), catch_exceptions=False)


def outputs_of(fixture: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {output["name"]: output for output in fixture["outputs"]}


def run_of(fixture: dict[str, Any], side: str) -> dict[str, Any]:
    return next(run for run in fixture["runs"] if run["side"] == side)
