"""Where a file's imports of its own project are, found without parsing (the result cache keys
a file's result by their bytes)."""

from __future__ import annotations

from pathlib import Path

from tf_migrate.analysis.project_paths import import_bases, imported_project_files


def _touch(root: Path, *names: str) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("")


def test_modules_packages_and_submodules_imported_are_found(tmp_path: Path) -> None:
    _touch(tmp_path, "ops.py", "utils.py", "pkg/__init__.py", "pkg/mod.py", "unused.py")
    source = (b"import numpy as np, utils\n"
              b"from ops import dense, mse as loss\n"
              b"from pkg import (mod,\n    other)\n")
    found = imported_project_files(tmp_path / "train.py", source)
    assert found == sorted(tmp_path / name for name in
                           ("ops.py", "pkg/__init__.py", "pkg/mod.py", "utils.py"))


def test_a_notebook_cells_imports_are_found_in_its_json(tmp_path: Path) -> None:
    _touch(tmp_path, "helpers.py")
    source = b'{"cells": [{"source": [\n    "from helpers import dense\\n",\n    "x = 1"]}]}'
    assert imported_project_files(tmp_path / "nb.ipynb", source) == [tmp_path / "helpers.py"]


def test_relative_imports_look_in_the_package_and_above(tmp_path: Path) -> None:
    script = tmp_path / "a" / "b" / "train.py"
    assert import_bases(script, 1) == [tmp_path / "a" / "b"]
    assert import_bases(script, 2) == [tmp_path / "a"]


def test_absolute_imports_inside_a_package_also_look_from_its_root(tmp_path: Path) -> None:
    _touch(tmp_path, "proj/__init__.py", "proj/models/__init__.py")
    script = tmp_path / "proj" / "models" / "net.py"
    assert import_bases(script, 0) == [tmp_path / "proj" / "models", tmp_path / "proj", tmp_path]
