"""Helpers shared by the verify tests (a uniquely named module: conftest is not importable)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from tf_migrate.verify.cli import verify

DATA = Path(__file__).parent / "data"
SCRIPTS = Path(__file__).parent / "scripts"
# Shipped fixtures whose details the tests read from the batch report too.
SHIPPED = [
    Path(__file__).parents[2] / "fixtures" / name
    for name in (
        "dropout_mlp_aligned",
        "mnist_tutorial_offline",
    )
]
BATCH_MEMORY_LIMIT = "2GiB"
CI_TRUE_VALUES = frozenset({"1", "true", "yes", "on"})


def under_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``CI`` is set to a true-like value: "1", "true", "yes" or "on", in any case.

    Unset, empty, "0", "false", "no", "off" or anything else is not CI.
    """
    return environ.get("CI", "").strip().lower() in CI_TRUE_VALUES


def invoke(*args: str) -> Result:
    return CliRunner().invoke(verify, list(args), catch_exceptions=False)


def outputs_of(fixture: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {output["name"]: output for output in fixture["outputs"]}


def run_of(fixture: dict[str, Any], side: str) -> dict[str, Any]:
    return next(run for run in fixture["runs"] if run["side"] == side)
