"""The pytest plugin: fixture folders as test items, run by pytest itself (pytester)."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from verify_helpers import DATA

from tf_migrate.verify.runtimes import select

pytest_plugins = ["pytester"]

PLUGIN = "tf_migrate.verify.pytest_plugin"
ROOT = Path(__file__).parents[2]


def _plugin_args() -> list[str]:
    """Load the plugin explicitly when tf-migrate was installed without its entry points."""
    registered = any(entry.value == PLUGIN for entry in entry_points(group="pytest11"))
    return [] if registered else ["-p", PLUGIN]


@pytest.fixture(scope="module")
def runtime_args(runtimes: None) -> list[str]:
    """pytester moves HOME, and with it the default runtime dir: name the runtimes first."""
    return [f"--tf-{side}-python={select(side, None, DATA).python}" for side in ("before", "after")]


def _fixtures(root: Path, *names: str) -> Path:
    for name in names:
        shutil.copytree(DATA / name, root / name)
    return root


def test_each_fixture_is_an_item_and_a_failure_shows_the_table(
    pytester: pytest.Pytester, runtime_args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _fixtures(pytester.path / "fixtures", "constants", "wrong_constant")
    monkeypatch.setenv("COLUMNS", "200")  # short summary lines are cut to the terminal's width
    result = pytester.runpytest_subprocess("fixtures", *runtime_args, *_plugin_args())
    result.assert_outcomes(passed=1, failed=1)
    output = result.stdout.str()
    assert "tf-migrate verify wrong_constant" in output  # the failure's title
    assert "max abs err" in output
    assert "product: 2 of 2 elements differ" in output
    assert "before ran on CPU" in output
    # The short summary gives the reason, not the report's first line.
    assert (
        "FAILED fixtures/wrong_constant/fixture.toml::wrong_constant - output(s) differ: product"
        in output.splitlines()
    )


def test_items_spread_over_xdist_workers(
    pytester: pytest.Pytester, runtime_args: list[str]
) -> None:
    if importlib.util.find_spec("xdist") is None:
        pytest.skip("pytest-xdist is not installed")
    _fixtures(pytester.path / "fixtures", "constants", "wrong_constant")
    result = pytester.runpytest_subprocess("fixtures", "-n", "2", *runtime_args, *_plugin_args())
    result.assert_outcomes(passed=1, failed=1)
    assert "product: 2 of 2 elements differ" in result.stdout.str()


def test_fixtures_under_test_folders_stay_data(pytester: pytest.Pytester) -> None:
    """`pytest tests/` and testpaths never turn fixture-shaped test data into items."""
    tests = pytester.path / "tests"
    _fixtures(tests / "data", "constants")
    (tests / "test_plain.py").write_text("def test_plain():\n    pass\n")
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    for args in ([], ["tests"]):
        result = pytester.runpytest_subprocess(*args, "--collect-only", "-q", *_plugin_args())
        assert "test_plain.py::test_plain" in result.stdout.str()
        assert "fixture.toml" not in result.stdout.str()
        assert "1 test collected" in result.stdout.str()


def test_ini_option_collects_fixture_folders(pytester: pytest.Pytester) -> None:
    _fixtures(pytester.path / "fixtures", "constants", "wrong_constant")
    pytester.makeini("[pytest]\ntf_migrate_fixtures = fixtures\n")
    result = pytester.runpytest_subprocess("--collect-only", "-q", *_plugin_args())
    output = result.stdout.str()
    assert "fixtures/constants/fixture.toml::constants" in output
    assert "fixtures/wrong_constant/fixture.toml::wrong_constant" in output


def test_a_broken_fixture_fails_with_its_message(pytester: pytest.Pytester) -> None:
    fixtures = _fixtures(pytester.path / "fixtures", "constants")
    (fixtures / "constants" / "fixture.toml").write_text("tolerance = 1\n")
    result = pytester.runpytest_subprocess("fixtures", *_plugin_args())
    result.assert_outcomes(failed=1)
    assert "unknown key(s) tolerance" in result.stdout.str()


def test_every_shipped_fixture_is_collected(pytester: pytest.Pytester) -> None:
    fixtures = ROOT / "fixtures"
    names = sorted(path.parent.name for path in fixtures.glob("*/fixture.toml"))
    result = pytester.runpytest_subprocess(str(fixtures), "--collect-only", "-q", *_plugin_args())
    collected = sorted(
        line.rsplit("::", 1)[1] for line in result.stdout.lines if "fixture.toml::" in line
    )
    assert names and collected == names


def test_the_projects_test_command_verifies_every_shipped_fixture() -> None:
    """`python -m pytest` at the repository root (the README's test command, which CI runs) has
    one item per folder under fixtures/, through testpaths and tf_migrate_fixtures in
    pyproject.toml, and none for the fixture-shaped data under tests/."""
    names = sorted(path.parent.name for path in (ROOT / "fixtures").glob("*/fixture.toml"))
    env = {key: value for key, value in os.environ.items() if key != "PYTEST_ADDOPTS"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    collected = sorted(line for line in result.stdout.splitlines() if "fixture.toml::" in line)
    assert names and collected == [f"fixtures/{name}/fixture.toml::{name}" for name in names]
