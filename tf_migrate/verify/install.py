"""Provision the verify runtimes: one venv per TensorFlow, in the runtime cache dir.

Layout (``runtime_dir()``, default ``~/.cache/tf-migrate/runtimes``):

- ``tf1``: Python 3.7 with ``tensorflow-cpu==1.15.0`` and ``protobuf<3.21`` (genuine TF 1.15);
- ``tf1-compat``: only where no Python 3.7 exists: Python 3.9-3.11 with ``tensorflow-cpu==2.15.1``,
  run behind ``tensorflow.compat.v1`` (no tf.contrib);
- ``tf2``: the current interpreter's Python with ``tensorflow-cpu==2.21.0``, tensorboard and numpy.

A venv counts as provisioned when its marker file names the same packages and TensorFlow is still
installed in it; provisioned venvs are skipped, so the command is cheap to re-run. A venv made by
hand with the right packages is adopted after one real import of TensorFlow.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tf_migrate.verify.runtimes import RuntimeUnavailable, probe, runtime_dir, venv_python

MARKER = ".tf-migrate-runtime.json"


@dataclass(frozen=True)
class Recipe:
    name: str
    packages: tuple[str, ...]
    pythons: tuple[str, ...]  # acceptable Python versions, preferred first
    tensorflow: str


TF1 = Recipe("tf1", ("tensorflow-cpu==1.15.0", "protobuf<3.21"), ("3.7",), "1.15.0")
TF1_COMPAT = Recipe("tf1-compat", ("tensorflow-cpu==2.15.1",), ("3.11", "3.10", "3.9"), "2.15.1")
TF2 = Recipe("tf2", ("tensorflow-cpu==2.21.0", "tensorboard", "numpy"), (), "2.21.0")
RECIPES = {recipe.name: recipe for recipe in (TF1, TF1_COMPAT, TF2)}


class InstallError(Exception):
    """Provisioning failed; the message says at which step."""


def python_version(python: Path) -> str | None:
    try:
        done = subprocess.run(
            [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_python(versions: tuple[str, ...]) -> Path | None:
    """An interpreter of one of ``versions``: pyenv's installs first, then PATH."""
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    for version in versions:
        candidates = sorted((pyenv_root / "versions").glob(f"{version}.*/bin/python{version}"))
        candidates.reverse()  # newest patch release first
        on_path = shutil.which(f"python{version}")
        if on_path:
            candidates.append(Path(on_path))
        for candidate in candidates:
            # A pyenv shim exists for every installed version but fails when it is not active.
            if python_version(candidate) == version:
                return candidate
    return None


def plan() -> list[tuple[Recipe, Path]]:
    """Which venvs to make, with the base interpreter for each."""
    base37 = find_python(TF1.pythons)
    steps: list[tuple[Recipe, Path]] = []
    if base37 is not None:
        steps.append((TF1, base37))
    else:
        here = f"{sys.version_info.major}.{sys.version_info.minor}"
        compat_base = Path(sys.executable) if here in TF1_COMPAT.pythons else None
        compat_base = compat_base or find_python(TF1_COMPAT.pythons)
        if compat_base is None:
            raise InstallError(
                "no Python 3.7 (for TF 1.15) and no Python 3.9-3.11 (for the TF 2.15 compat "
                "fallback) found on PATH or under pyenv; install one, e.g. `pyenv install 3.7`"
            )
        steps.append((TF1_COMPAT, compat_base))
    steps.append((TF2, Path(sys.executable)))
    return steps


def is_provisioned(venv: Path, recipe: Recipe) -> bool:
    marker = venv / MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
        found = probe(venv_python(venv))
    except (OSError, ValueError, RuntimeUnavailable):
        return False
    return data.get("packages") == list(recipe.packages) and found.get("tensorflow") == (
        recipe.tensorflow
    )


def imported_tensorflow(python: Path) -> str | None:
    """The version a real ``import tensorflow`` reports, or None if the import fails."""
    done = subprocess.run(
        [str(python), "-s", "-c", "import tensorflow as tf; print(tf.__version__)"],
        capture_output=True,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    lines = done.stdout.strip().splitlines()
    return lines[-1] if done.returncode == 0 and lines else None


def install(
    recipe: Recipe,
    base: Path,
    root: Path,
    say: Callable[[str], None],
    force: bool = False,
) -> Path:
    """Make or reuse the venv for ``recipe`` under ``root``; returns its interpreter."""
    venv = root / recipe.name
    python = venv_python(venv)
    if force and venv.exists():
        say(f"{recipe.name}: removing {venv} (--force)")
        shutil.rmtree(venv)
    if is_provisioned(venv, recipe):
        say(f"{recipe.name}: already provisioned at {venv}")
        return python
    if python.exists() and imported_tensorflow(python) == recipe.tensorflow:
        say(f"{recipe.name}: adopting the working venv at {venv}")
        _write_marker(venv, recipe, python)
        return python
    if venv.exists():
        version = python_version(python)
        if version is None or (recipe.pythons and version not in recipe.pythons):
            say(f"{recipe.name}: replacing the unusable venv at {venv}")
            shutil.rmtree(venv)
    log = root / f"{recipe.name}-install.log"
    root.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")  # this install's log only
    if not python.exists():
        say(f"{recipe.name}: creating a venv with {base} at {venv}")
        _step([str(base), "-m", "venv", "--clear", str(venv)], "create the venv", log)
    say(f"{recipe.name}: upgrading pip (log: {log})")
    _step([str(python), "-m", "pip", "install", "--upgrade", "pip"], "upgrade pip", log)
    say(f"{recipe.name}: installing {' '.join(recipe.packages)}")
    _step([str(python), "-m", "pip", "install", *recipe.packages], "install the packages", log)
    say(f"{recipe.name}: checking that TensorFlow imports")
    version = imported_tensorflow(python)
    if version != recipe.tensorflow:
        raise InstallError(
            f"{recipe.name}: `import tensorflow` in {python} gave {version or 'an error'}, "
            f"expected {recipe.tensorflow}"
        )
    _write_marker(venv, recipe, python)
    say(f"{recipe.name}: ready, TensorFlow {version} at {python}")
    return python


# Lines of a failed step's log quoted in the error; the log file holds them all.
_LOG_TAIL = 15


def _step(command: list[str], what: str, log: Path) -> None:
    """Run one step with its output appended to `log`: pip prints hundreds of lines, which
    only matter when the step fails, and then the error quotes the end and names the file."""
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"$ {' '.join(command)}\n")
        handle.flush()
        done = subprocess.run(command, check=False, stdout=handle, stderr=subprocess.STDOUT)
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-_LOG_TAIL:]
        raise InstallError(
            f"could not {what}: `{' '.join(command)}` exited {done.returncode}; its output is "
            f"in {log}, ending with:\n" + "\n".join(tail)
        )


def _write_marker(venv: Path, recipe: Recipe, python: Path) -> None:
    data = {
        "name": recipe.name,
        "packages": list(recipe.packages),
        "tensorflow": recipe.tensorflow,
        "python": python_version(python),
    }
    (venv / MARKER).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def install_all(say: Callable[[str], None], force: bool = False) -> list[Path]:
    root = runtime_dir()
    say(f"cache dir {root}")
    return [install(recipe, base, root, say, force) for recipe, base in plan()]


def provisioned() -> list[tuple[str, Path, dict[str, str | None] | str]]:
    """Each known venv in the runtime dir: name, interpreter, probe result or the problem."""
    found: list[tuple[str, Path, dict[str, str | None] | str]] = []
    for name in RECIPES:
        python = venv_python(runtime_dir() / name)
        if not python.exists():
            continue
        try:
            found.append((name, python, probe(python)))
        except RuntimeUnavailable as exc:
            found.append((name, python, str(exc)))
    return found
