"""Project modules a file imports, read and parsed (never run), each once per process."""

from __future__ import annotations

from pathlib import Path

import pytest

from tf_migrate.analysis import project_modules
from tf_migrate.analysis.project_modules import ProjectModules


def test_modules_are_found_beside_the_script_and_their_functions_read(tmp_path: Path) -> None:
    (tmp_path / "ops.py").write_text("def dense(x):\n    return x\n")
    found = ProjectModules(tmp_path / "train.py").find("ops")
    assert found is not None and found.shown == "ops.py"
    function = found.function("dense")
    assert function is not None and found.line(function) == 1
    assert ProjectModules(tmp_path / "train.py").find("missing") is None
    assert ProjectModules(None).find("ops") is None  # standard input imports nothing


def test_a_module_that_does_not_parse_is_not_known(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def (:\n")
    assert ProjectModules(tmp_path / "train.py").find("broken") is None


def test_parsed_modules_kept_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project_modules, "MAX_PARSED", 2)
    monkeypatch.setattr(project_modules, "_parsed", type(project_modules._parsed)())
    modules = ProjectModules(tmp_path / "train.py")
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.py").write_text("x = 1\n")
        assert modules.find(name) is not None
    assert len(project_modules._parsed) == 2
