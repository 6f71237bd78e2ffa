"""Shared set-up for the verify tests.

Runs that start TensorFlow cost seconds each, so the programs under tests/verify/data are
verified once per session (`batch`) and the tests read that one JSON report. Without provisioned
runtimes those tests are skipped, except under CI (`CI` set to 1, true, yes or on), where a
missing runtime is a failure.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from verify_helpers import BATCH_MEMORY_LIMIT, DATA, invoke, under_ci

from tf_migrate.verify.runtimes import RuntimeUnavailable, select


@pytest.fixture(scope="session")
def runtimes() -> Iterator[None]:
    try:
        select("before", None, DATA)
        select("after", None, DATA)
    except RuntimeUnavailable as exc:
        if under_ci():
            pytest.fail(f"verify runtimes are required under CI: {exc}")
        pytest.skip(f"verify runtimes not provisioned ({exc})")
    yield


@pytest.fixture(scope="session")
def batch(runtimes: None) -> dict[str, Any]:
    """Every program under data/ verified in one run, as the JSON report plus the exit code."""
    result = invoke(
        str(DATA), "--output-format", "json", "--memory-limit", BATCH_MEMORY_LIMIT, "--jobs", "2"
    )
    report: dict[str, Any] = json.loads(result.stdout)
    report["exit_code"] = result.exit_code
    report["by_name"] = {fixture["name"]: fixture for fixture in report["fixtures"]}
    return report
