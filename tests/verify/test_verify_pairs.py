"""`verify OLD.py NEW.py` and `verify --migrate SCRIPT.py...`: proofs without fixture folders."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from verify_helpers import DATA, invoke, outputs_of

CONSTANTS = DATA / "constants"
ROOT = Path(__file__).parents[2]
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
    assert sorted(outputs_of(fixture)) == ["a", "b", "product", "total"]


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
    # The script builds part of its graph with a helper beside it, in TF1 too: the helper is
    # migrated in the copy with the script, and both sides run in a copy of the folder.
    source = (
        (CONSTANTS / "before.py")
        .read_text()
        .replace(
            "product, total = sess.run([product_t, total_t])",
            "product, total = sess.run([log_scale(product_t + 3.0), total_t])",
        )
    )
    script.write_text("from helper import log_scale\n" + source)
    helper = script.parent / "helper.py"
    helper.write_text(
        "import tensorflow as tf\n\n\ndef log_scale(x):\n    return tf.log(x) * 2.0\n"
    )
    original = script.read_bytes(), helper.read_bytes()
    result = invoke(
        "--migrate", str(script), "--outputs", "product,total", "--output-format", "json"
    )
    report = json.loads(result.stdout)
    fixture = report["fixtures"][0]
    assert result.exit_code == 0, fixture["message"]
    assert fixture["name"] == "script.py (migrated)"
    assert fixture["programs"] == ["script.py", "script.py (migrated)"]
    assert sorted(outputs_of(fixture)) == ["product", "total"]
    assert "migrated" in result.stderr and "fix(es) applied" in result.stderr
    assert "(2 file(s) of its folder changed)" in result.stderr.replace("\n", " ")
    assert (script.read_bytes(), helper.read_bytes()) == original  # the user's files stay


def _mnist_script(tmp_path: Path) -> Path:
    script = tmp_path / "mnist_softmax.py"
    shutil.copy(ROOT / "fixtures" / "mnist_tutorial_offline" / "before.py", script)
    return script


@pytest.mark.usefixtures("runtimes")
def test_migrate_says_not_fully_migrated_instead_of_running_tf1_code(tmp_path: Path) -> None:
    result = invoke("--migrate", str(_mnist_script(tmp_path)), "--output-format", "json")
    (fixture,) = json.loads(result.stdout)["fixtures"]
    assert result.exit_code == 1
    assert fixture["status"] == "fail"
    headline, *findings = fixture["message"].splitlines()
    codes = sorted({finding.split()[1] for finding in findings})
    counted = f"{codes[0]} \N{MULTIPLICATION SIGN}{len(findings)}"
    assert headline == f"not fully migrated: {len(findings)} finding(s) left ({counted})"
    assert codes == ["TFM407"]
    assert fixture["runs"] == []  # nothing ran: TF1 code on TF 2 would only raise


RMSPROP = """import numpy as np
import tensorflow as tf

x_data = np.linspace(-1.0, 1.0, 20).astype(np.float32)
y_data = 3.0 * x_data + 0.5
w = tf.Variable(0.0)
b = tf.Variable(0.0)
loss = tf.reduce_mean(tf.square(w * x_data + b - y_data))
train = tf.train.RMSPropOptimizer(0.05).minimize(loss)
losses = []
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for _ in range(20):
        _, value = sess.run([train, loss])
        losses.append(value)
"""


@pytest.mark.usefixtures("runtimes")
def test_migrate_takes_the_fix_options(tmp_path: Path) -> None:
    script = tmp_path / "rmsprop.py"
    script.write_text(RMSPROP)
    safe_only = invoke("--migrate", str(script), "--output-format", "json")
    (fixture,) = json.loads(safe_only.stdout)["fixtures"]
    assert safe_only.exit_code == 1
    assert "; 1 would go with --unsafe-fixes" in fixture["message"].splitlines()[0]
    unsafe = invoke(
        "--migrate", str(script), "--unsafe-fixes", "--outputs", "losses", "--output-format", "json"
    )
    (fixture,) = json.loads(unsafe.stdout)["fixtures"]
    # Migrated and run: Keras' RMSprop is another algorithm, which the proof shows.
    assert [run["outcome"] for run in fixture["runs"]] == ["ok", "ok"]
    assert fixture["message"] == "output(s) differ: losses"


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
        ([str(CONSTANTS), "--outputs", "product"], "--outputs: for a script pair or --migrate"),
        ([str(CONSTANTS), "--rtol", "1e-3"], "--rtol: for a script pair or --migrate"),
        ([str(CONSTANTS), "--unsafe-fixes"], "--unsafe-fixes: fix options, for --migrate"),
        ([str(CONSTANTS / "before.py"), "missing.py"], "missing.py: no such file"),
        (
            [str(CONSTANTS / "before.py"), str(CONSTANTS / "after.py"), "--outputs", "1x"],
            "Python names",
        ),
    ],
    ids=[
        "three scripts",
        "script and folder",
        "outputs for fixtures",
        "rtol for fixtures",
        "fix options without migrate",
        "missing",
        "bad outputs",
    ],
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
