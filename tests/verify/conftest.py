"""Shared set-up for the verify tests.

Runs that start TensorFlow cost seconds each, so the programs under tests/verify/data are
verified once per test run (`batch`) and the tests read that one JSON report; pytest-xdist
workers share it through a file, made by the first worker that needs it. Without provisioned
runtimes those tests are skipped, except under CI (`CI` set to 1, true, yes or on), where a
missing runtime is a failure.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from verify_helpers import BATCH_MEMORY_LIMIT, DATA, SHIPPED, invoke, under_ci

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
def batch(runtimes: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every program under data/ (and the shipped fixtures SHIPPED) verified in one run, as the
    JSON report plus the exit code."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        report = _run_batch()
    else:
        # Each worker's base temp is a child of this run's own folder.
        shared = tmp_path_factory.getbasetemp().parent / "verify-batch.json"
        with (shared.parent / "verify-batch.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait for the first worker's report
            if not shared.exists():
                shared.write_text(json.dumps(_run_batch()), encoding="utf-8")
        report = json.loads(shared.read_text(encoding="utf-8"))
    report["by_name"] = {fixture["name"]: fixture for fixture in report["fixtures"]}
    return report


def _run_batch() -> dict[str, Any]:
    result = invoke(
        str(DATA),
        *map(str, SHIPPED),
        "--output-format",
        "json",
        "--memory-limit",
        BATCH_MEMORY_LIMIT,
        "--jobs",
        "2",
    )
    report: dict[str, Any] = json.loads(result.stdout)
    report["exit_code"] = result.exit_code
    return report
