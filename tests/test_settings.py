"""Reading `[tool.tf-migrate]`: every valid key reaches the settings and changes what a run does."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tf_migrate.engine.run import Mode, run
from tf_migrate.settings import ConfigError, find_config, load_settings
from tf_migrate.verify.runtimes import SIDE_ENV, configured_python

CONFIG = """\
[tool.tf-migrate]
select = ["TFM1", "tf1-symbol-name"]
ignore = ["TFM104"]
per-file-ignores = { "tests/*" = ["TFM101"], "scripts/*.py" = ["placeholder", "TFM102"] }
exclude = ["third_party/"]
extend-exclude = ["generated_*.py"]
unsafe-fixes = true
output-format = "concise"
keras-namespace = "keras"

[tool.tf-migrate.verify]
before-python = "runtimes/tf1/bin/python"
after-python = "/opt/tf2/bin/python"
"""

SESSION = "import tensorflow as tf\nx = tf.placeholder(tf.float32)\nsess = tf.Session()\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    for name in ("a.py", "tests/test_a.py", "scripts/s.py", "third_party/t.py", "generated_1.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(SESSION)
    return tmp_path


def test_every_key_is_read(project: Path) -> None:
    config = find_config(project / "tests")
    assert config == project / "pyproject.toml"
    settings = load_settings(config)
    assert settings.select == ("TFM1", "tf1-symbol-name")
    assert settings.ignore == ("TFM104",)
    assert settings.per_file_ignores == (
        ("tests/*", ("TFM101",)),
        ("scripts/*.py", ("placeholder", "TFM102")),
    )
    assert settings.exclude == ("third_party/",)
    assert settings.extend_exclude == ("generated_*.py",)
    assert settings.unsafe_fixes is True
    assert settings.output_format == "concise"
    assert settings.keras_namespace == "keras"
    assert settings.project_root == project


def test_the_keys_change_what_a_check_reports(project: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    monkeypatch.chdir(project)
    result = run(["."], load_settings(find_config(project)), mode=Mode.CHECK, jobs=1,
                 use_cache=False, show_progress=False)
    codes = {file.path: sorted({f.code for f in file.remaining}) for file in result.files}
    assert set(codes) == {"a.py", "tests/test_a.py", "scripts/s.py"}  # both excludes apply
    assert "TFM101" in codes["a.py"] and "TFM102" in codes["a.py"]
    assert "TFM101" not in codes["tests/test_a.py"] and "TFM102" in codes["tests/test_a.py"]
    assert "TFM101" not in codes["scripts/s.py"] and "TFM102" not in codes["scripts/s.py"]
    assert all(code.startswith(("TFM1", "TFM401")) for found in codes.values() for code in found)


def test_the_verify_paths_are_read_relative_to_the_project(project: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    for side in ("before", "after"):
        monkeypatch.delenv(SIDE_ENV[side], raising=False)
    before = configured_python("before", None, project / "tests")
    after = configured_python("after", None, project)
    assert before == (project / "runtimes/tf1/bin/python", str(project / "pyproject.toml"))
    assert after == (Path("/opt/tf2/bin/python"), str(project / "pyproject.toml"))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("unsafe-fixes = 1", "`unsafe-fixes` must be true or false"),
        ('output-format = "xml"', "unknown output format 'xml'"),
        ('keras-namespace = "tensorflow.keras"', "unknown keras-namespace"),
        ("select = [1]", "`select` must be a list of strings"),
        ('per-file-ignores = ["TFM101"]', "`per-file-ignores` must be a table"),
    ],
)
def test_a_wrong_value_is_a_configuration_error(tmp_path: Path, line: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(f"[tool.tf-migrate]\n{line}\n"))
    with pytest.raises(ConfigError, match=message):
        load_settings(find_config(tmp_path))
