"""Runtime selection, bad runtimes, fixture folders, and `tf-migrate runtime` commands."""

from __future__ import annotations

import ast
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from verify_helpers import DATA, invoke

from tf_migrate.verify.cli import runtime
from tf_migrate.verify.install import MARKER, TF1_COMPAT, plan
from tf_migrate.verify.runner import CHILD_RUNNER
from tf_migrate.verify.runtimes import (
    SIDE_ENV,
    RuntimeUnavailable,
    configured_python,
    runtime_dir,
    select,
)

BEFORE_ENV, AFTER_ENV = SIDE_ENV["before"], SIDE_ENV["after"]


@pytest.fixture
def fixture_copy(tmp_path: Path) -> Path:
    target = tmp_path / "constants"
    shutil.copytree(DATA / "constants", target)
    return target


def test_folder_without_fixture_toml_is_a_clear_error(fixture_copy: Path) -> None:
    (fixture_copy / "fixture.toml").unlink()
    result = invoke(str(fixture_copy))
    assert result.exit_code == 2
    assert "fixture.toml is missing" in result.stderr
    assert str(fixture_copy) in result.stderr.replace("\n", "")


def test_folder_without_fixtures_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(str(tmp_path))
    assert result.exit_code == 2
    assert "nor a folder holding fixture folders" in result.stderr


def test_runtime_path_that_is_not_a_python(fixture_copy: Path, tmp_path: Path) -> None:
    script = tmp_path / "not-python"
    script.write_text("#!/bin/sh\necho hello\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    for fake in (script, tmp_path / "missing" / "python", fixture_copy / "before.py"):
        result = invoke(str(fixture_copy), "--before-python", str(fake))
        assert result.exit_code == 2, fake
        assert str(fake) in result.stderr.replace("\n", "")
        assert "tf-migrate runtime install" in result.stderr.replace("\n", " ")


def test_runtime_without_tensorflow(fixture_copy: Path, tmp_path: Path) -> None:
    venv = tmp_path / "plain"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    result = invoke(str(fixture_copy), "--before-python", str(venv / "bin" / "python"))
    assert result.exit_code == 2
    assert "has no TensorFlow" in result.stderr
    assert "tf-migrate runtime install" in result.stderr.replace("\n", " ")
    assert "[tool.tf-migrate.verify]" in result.stderr.replace("\n", " ")


def test_selection_order_flag_env_pyproject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    fixtures = project / "fixtures"
    fixtures.mkdir(parents=True)
    (project / "pyproject.toml").write_text(
        '[tool.tf-migrate.verify]\nbefore-python = "envs/tf1/bin/python"\n'
    )
    monkeypatch.delenv(BEFORE_ENV, raising=False)
    monkeypatch.delenv(AFTER_ENV, raising=False)
    assert configured_python("before", None, fixtures) == (
        project / "envs/tf1/bin/python",
        str(project / "pyproject.toml"),
    )
    assert configured_python("after", None, fixtures) is None
    monkeypatch.setenv(BEFORE_ENV, "/from/env/python")
    assert configured_python("before", None, fixtures) == (
        Path("/from/env/python"),
        f"${BEFORE_ENV}",
    )
    chosen = configured_python("before", "/from/flag/python", fixtures)
    assert chosen == (Path("/from/flag/python"), "--before-python")


def test_pyproject_runtime_that_is_missing_names_its_source(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.tf-migrate.verify]\nafter-python = "nowhere/python"\n'
    )
    with pytest.raises(RuntimeUnavailable, match=r"pyproject\.toml") as caught:
        select("after", None, tmp_path)
    assert "does not exist" in str(caught.value)


RUNTIME_SIDE = [CHILD_RUNNER, *sorted((CHILD_RUNNER.parent / "child").glob("*.py"))]
# Library calls newer than Python 3.7 that its parser accepts.
NEWER_THAN_3_7 = ("math.prod", "functools.cached_property", "removeprefix", "removesuffix")


@pytest.mark.parametrize("path", RUNTIME_SIDE, ids=lambda path: path.name)
def test_the_runtime_side_is_python_3_7_with_stdlib_and_numpy_only(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source, feature_version=(3, 7))
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom) and not getattr(node, "level", 0)
        for alias in (
            node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")]
        )
    }
    assert "tf_migrate" not in imported
    # TensorFlow is imported through importlib, inside functions, once the runtime is set up.
    assert imported - set(sys.stdlib_module_names) <= {"numpy"}
    # Annotations are never evaluated on 3.7 (`dict[str, Any]`, `X | None` stay strings).
    if any(isinstance(node, ast.FunctionDef) for node in ast.walk(tree)):
        assert "from __future__ import annotations" in source
    assert not [call for call in NEWER_THAN_3_7 if call in source]


def test_importing_the_cli_stays_light() -> None:
    code = (
        "import sys, tf_migrate.verify.cli\n"
        "print(sorted({'numpy', 'tensorflow'} & set(sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.usefixtures("runtimes")
def test_runtime_install_is_idempotent() -> None:
    runner = CliRunner()
    first = runner.invoke(runtime, ["install"], catch_exceptions=False)
    assert first.exit_code == 0, first.stdout
    second = runner.invoke(runtime, ["install"], catch_exceptions=False)
    assert second.exit_code == 0, second.stdout
    assert str(runtime_dir()) in second.stdout.replace("\n", "")
    assert second.stdout.count("already provisioned") == 2
    assert "installing" not in second.stdout
    assert (runtime_dir() / "tf2" / MARKER).is_file()


@pytest.mark.usefixtures("runtimes")
def test_runtime_info_lists_provisioned_runtimes() -> None:
    result = CliRunner().invoke(runtime, ["info"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "tf2:" in result.stdout
    assert "before: TensorFlow" in result.stdout
    assert "after: TensorFlow" in result.stdout


def test_install_falls_back_to_the_compat_runtime_without_python_3_7(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    monkeypatch.setenv("PATH", str(tmp_path))
    if f"{sys.version_info.major}.{sys.version_info.minor}" not in TF1_COMPAT.pythons:
        pytest.skip("the compat fallback needs Python 3.9-3.11 for TF 2.15.1")
    steps = plan()
    assert [recipe.name for recipe, _ in steps] == ["tf1-compat", "tf2"]
    assert all(base == Path(sys.executable) for _, base in steps)


def test_a_venv_folder_is_accepted_as_runtime(tmp_path: Path) -> None:
    venv = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    assert configured_python("after", str(venv), tmp_path) == (
        venv / "bin" / "python",
        "--after-python",
    )
