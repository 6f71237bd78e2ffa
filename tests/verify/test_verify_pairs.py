"""`verify OLD.py NEW.py` and `verify --migrate SCRIPT.py...`: proofs without fixture folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from verify_helpers import DATA, invoke, outputs_of

CONSTANTS = DATA / "constants"
WRONG = DATA / "wrong_constant"


def _json(*args: str) -> tuple[int, dict[str, Any]]:
    result = invoke(*args, "--output-format", "json")
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.usefixtures("runtimes")
def test_a_pair_compares_the_names_on_both_sides() -> None:
    code, report = _json(str(CONSTANTS / "before.py"), str(CONSTANTS / "after.py"))
    fixture = report["fixtures"][0]
    assert code == 0, fixture["message"]
    assert fixture["name"] == "before.py -> after.py"
    assert sorted(outputs_of(fixture)) == ["product", "total"]


@pytest.mark.usefixtures("runtimes")
def test_a_pair_with_outputs_compares_only_those_and_fails_on_a_difference() -> None:
    code, report = _json(str(WRONG / "before.py"), str(WRONG / "after.py"), "--outputs", "product")
    fixture = report["fixtures"][0]
    assert code == 1
    assert list(outputs_of(fixture)) == ["product"]
    assert "output(s) differ: product" in fixture["message"]


@pytest.mark.usefixtures("runtimes")
def test_migrate_proves_tf_migrates_output_against_the_original(tmp_path: Path) -> None:
    script = tmp_path / "project" / "script.py"
    script.parent.mkdir()
    # The script imports a module beside it: both sides run in a copy of the script's folder.
    source = (
        (CONSTANTS / "before.py")
        .read_text()
        .replace(
            "product, total = sess.run([product_t, total_t])",
            "product, total = sess.run([product_t * SCALE, total_t])",
        )
    )
    script.write_text("from helper import SCALE\n" + source)
    (script.parent / "helper.py").write_text("SCALE = 2.0\n")
    original = script.read_bytes()
    result = invoke(
        "--migrate", str(script), "--outputs", "product,total", "--output-format", "json"
    )
    report = json.loads(result.stdout)
    fixture = report["fixtures"][0]
    assert result.exit_code == 0, fixture["message"]
    assert fixture["name"] == "script.py (migrated)"
    assert sorted(outputs_of(fixture)) == ["product", "total"]
    assert "migrated" in result.stderr and "fix(es) applied" in result.stderr
    assert script.read_bytes() == original  # the user's script is never touched


def test_migrate_reports_a_script_it_cannot_parse(tmp_path: Path) -> None:
    script = tmp_path / "broken.py"
    script.write_text("import tensorflow as tf\nprint 'python 2'\n")
    result = invoke("--migrate", str(script))
    assert result.exit_code == 2
    assert "could not migrate" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["a.py", "b.py", "c.py"], "give two scripts"),
        ([str(CONSTANTS / "before.py"), str(CONSTANTS)], "give two scripts"),
        ([str(CONSTANTS), "--outputs", "product"], "--outputs is for a script pair"),
        ([str(CONSTANTS / "before.py"), "missing.py"], "missing.py: no such file"),
        (
            [str(CONSTANTS / "before.py"), str(CONSTANTS / "after.py"), "--outputs", "1x"],
            "Python names",
        ),
    ],
    ids=["three scripts", "script and folder", "outputs for fixtures", "missing", "bad outputs"],
)
def test_pair_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    result = invoke(*args)
    assert result.exit_code == 2
    assert message in result.stderr.replace("\n", "")


def test_a_script_beside_a_big_folder_runs_alone(tmp_path: Path) -> None:
    from tf_migrate.verify import pairs

    folder = tmp_path / "big"
    folder.mkdir()
    shutil.copy(CONSTANTS / "before.py", folder / "script.py")
    for number in range(pairs.MAX_STAGED_FILES + 1):
        (folder / f"data{number}.txt").write_text("x")
    staged = pairs.stage(folder / "script.py", tmp_path / "staged")
    assert [path.name for path in staged.iterdir()] == ["script.py"]
    small = pairs.stage(CONSTANTS / "before.py", tmp_path / "small")
    assert sorted(path.name for path in small.iterdir()) == sorted(
        path.name for path in CONSTANTS.iterdir() if path.name != "__pycache__"
    )
