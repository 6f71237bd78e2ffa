"""Which interpreters run the before and after programs, and what TensorFlow each one has.

Selection order for each side: the command-line flag, the environment variable, the
``[tool.tf-migrate.verify]`` table of the nearest pyproject.toml, then the runtimes provisioned by
``tf-migrate runtime install`` (for the before side: ``tf1``, else ``tf1-compat``).
Probing never imports TensorFlow (that costs seconds): it finds the package and reads the version
from its installed distribution metadata.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

RUNTIME_DIR_ENV = "TF_MIGRATE_RUNTIME_DIR"
SIDE_ENV = {"before": "TF_MIGRATE_BEFORE_PYTHON", "after": "TF_MIGRATE_AFTER_PYTHON"}
DEFAULT_NAMES = {"before": ("tf1", "tf1-compat"), "after": ("tf2",)}
HOW_TO_GET = (
    "Run `tf-migrate runtime install` to provision the runtimes, or point "
    "--{side}-python (or ${env}, or `{side}-python` in [tool.tf-migrate.verify] of "
    "pyproject.toml) at a Python that has {what}."
)
WHAT = {
    "before": "TensorFlow 1.15 (tensorflow-cpu==1.15.0 and protobuf<3.21 on Python 3.7)",
    "after": "TensorFlow 2 (tensorflow-cpu==2.21.0 and tensorboard)",
}

# Runs under the runtime's interpreter, which may be Python 3.7: no newer syntax.
PROBE = r"""
import glob, importlib.util, json, os, sys
found = {"python": "%d.%d.%d" % tuple(sys.version_info[:3]), "tensorflow": None, "numpy": None,
         "tensorflow_dist": None}
names = {"tensorflow": ("tensorflow", "tensorflow_cpu", "tensorflow_gpu", "tensorflow_intel",
                        "tf_nightly", "tf_nightly_cpu"),
         "numpy": ("numpy",)}
for package, dists in names.items():
    if importlib.util.find_spec(package) is None:
        continue
    found[package] = "unknown"
    for entry in sys.path:
        for dist in dists:
            for info in glob.glob(os.path.join(entry or ".", dist + "-*.dist-info")):
                found[package] = os.path.basename(info)[len(dist) + 1:-len(".dist-info")]
                found[package + "_dist"] = dist
print(json.dumps(found))
"""


class RuntimeUnavailable(Exception):
    """No usable interpreter for a side; the message says how to get one."""


@dataclass(frozen=True)
class Runtime:
    side: str  # "before" or "after"
    python: Path
    source: str  # where the choice came from, for the report
    python_version: str
    tensorflow: str
    mode: str  # "tf1", "tf1-compat" (TF 2.x behind tensorflow.compat.v1) or "tf2"
    # The package TensorFlow came in: "tensorflow_cpu" has no GPU kernels; "" when unknown.
    distribution: str = ""

    @property
    def label(self) -> str:
        kind = {
            "tf1": "genuine TF 1.x",
            "tf1-compat": "TF 2.x as tensorflow.compat.v1",
            "tf2": "TF 2.x",
        }[self.mode]
        return f"TensorFlow {self.tensorflow} on Python {self.python_version} ({kind})"

    def to_dict(self) -> dict[str, str]:
        return {
            "side": self.side,
            "python": str(self.python),
            "source": self.source,
            "python_version": self.python_version,
            "tensorflow": self.tensorflow,
            "mode": self.mode,
            "distribution": self.distribution,
        }


def runtime_dir() -> Path:
    override = os.environ.get(RUNTIME_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path.home() / ".cache" / "tf-migrate" / "runtimes"


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def probe(python: Path, timeout_s: float = 60.0) -> dict[str, str | None]:
    """Python and TensorFlow versions of an interpreter; RuntimeUnavailable if it is none."""
    if not python.exists():
        raise RuntimeUnavailable(f"{python} does not exist")
    if python.is_dir() or not os.access(python, os.X_OK):
        raise RuntimeUnavailable(f"{python} is not an executable Python interpreter")
    try:
        done = subprocess.run(
            [str(python), "-s", "-c", PROBE],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env=_clean_env(),
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeUnavailable(f"{python} is not a working Python interpreter: {exc}") from exc
    try:
        found = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        found = None
    if done.returncode != 0 or not isinstance(found, dict):
        detail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise RuntimeUnavailable(f"{python} is not a working Python interpreter ({detail[0]})")
    return {key: (str(value) if value is not None else None) for key, value in found.items()}


def _clean_env() -> dict[str, str]:
    # The tool's own PYTHONPATH must not leak packages into the runtime.
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def configured_python(side: str, flag: str | None, start: Path) -> tuple[Path, str] | None:
    """The interpreter asked for by flag, environment or pyproject.toml, with where it came from."""
    if flag:
        return _as_path(flag), f"--{side}-python"
    env_name = SIDE_ENV[side]
    if os.environ.get(env_name):
        return _as_path(os.environ[env_name]), f"${env_name}"
    pyproject = nearest_pyproject(start)
    if pyproject is not None:
        table = _verify_table(pyproject)
        value = table.get(f"{side}-python")
        if value is not None:
            if not isinstance(value, str) or not value:
                raise RuntimeUnavailable(f"{pyproject}: `{side}-python` must be a path string")
            path = Path(value).expanduser()
            return (path if path.is_absolute() else pyproject.parent / path), str(pyproject)
    return None


def _as_path(value: str) -> Path:
    """A path, a venv folder, or a bare command name (``python3.7``) looked up on PATH."""
    if os.sep not in value and "/" not in value:
        found = shutil.which(value)
        if found:
            return Path(found)
    path = Path(value).expanduser()
    if path.is_dir() and venv_python(path).exists():
        return venv_python(path)
    return path


def nearest_pyproject(start: Path) -> Path | None:
    here = start.resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def _verify_table(pyproject: Path) -> dict[str, object]:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuntimeUnavailable(f"{pyproject}: not valid TOML: {exc}") from exc
    table = data.get("tool", {}).get("tf-migrate", {}).get("verify", {})
    if not isinstance(table, dict):
        raise RuntimeUnavailable(f"{pyproject}: [tool.tf-migrate.verify] must be a table")
    return table


def select(side: str, flag: str | None, start: Path) -> Runtime:
    """The runtime for ``side`` ("before" or "after"), probed; RuntimeUnavailable if unusable."""
    how = HOW_TO_GET.format(side=side, env=SIDE_ENV[side], what=WHAT[side])
    chosen = configured_python(side, flag, start)
    if chosen is None:
        for name in DEFAULT_NAMES[side]:
            python = venv_python(runtime_dir() / name)
            if python.exists():
                chosen = python, f"provisioned {name}"
                break
    if chosen is None:
        raise RuntimeUnavailable(
            f"no {side} runtime: nothing provisioned in {runtime_dir()} and none configured. {how}"
        )
    python, source = chosen
    try:
        found = probe(python)
    except RuntimeUnavailable as exc:
        raise RuntimeUnavailable(f"{side} runtime from {source}: {exc}. {how}") from exc
    tensorflow = found.get("tensorflow")
    if tensorflow is None:
        raise RuntimeUnavailable(
            f"{side} runtime from {source}: {python} (Python {found['python']}) has no "
            f"TensorFlow. {how}"
        )
    if found.get("numpy") is None:
        raise RuntimeUnavailable(f"{side} runtime from {source}: {python} has no numpy. {how}")
    major = tensorflow.split(".")[0]
    if side == "after" and major != "2":
        raise RuntimeUnavailable(
            f"after runtime from {source}: {python} has TensorFlow {tensorflow}, not 2.x. {how}"
        )
    mode = "tf2" if side == "after" else ("tf1" if major == "1" else "tf1-compat")
    return Runtime(
        side=side,
        python=python,
        source=source,
        python_version=str(found["python"]),
        tensorflow=tensorflow,
        mode=mode,
        distribution=found.get("tensorflow_dist") or "",
    )
