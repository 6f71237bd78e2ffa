"""`tf-migrate runtime install` prints a line per step and keeps pip's output in a log file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tf_migrate.verify import install
from tf_migrate.verify.install import InstallError, Recipe, install_all

RECIPE = Recipe("tf2", ("tensorflow-cpu==2.21.0",), (), "2.21.0")


def test_a_failed_step_names_its_log_and_quotes_its_end(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "tf2-install.log"
    noisy = "for i in range(300): print('Collecting package', i)\nraise SystemExit(3)"
    with pytest.raises(InstallError) as raised:
        install._step([sys.executable, "-c", noisy], "install the packages", log)
    message = str(raised.value)
    assert f"its output is in {log}" in message and "exited 3" in message
    assert message.splitlines()[-1] == "Collecting package 299"
    assert "Collecting package 0\n" in log.read_text("utf-8")
    assert capfd.readouterr() == ("", "")  # nothing of pip's reached the terminal


def test_an_install_prints_one_line_per_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    commands: list[list[str]] = []
    real_run = subprocess.run

    def pip_and_venv(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        if "venv" in command or "pip" in command:
            commands.append(command)
            if "venv" in command:  # the venv's interpreter, made by the real venv module
                return real_run([sys.executable, "-m", "venv", "--without-pip", command[-1]])
            # What pip says, which must end up in the log alone.
            return real_run([sys.executable, "-c", "print('Downloading tensorflow')"], **kwargs)
        return real_run(command, **kwargs)

    monkeypatch.setattr(install.subprocess, "run", pip_and_venv)
    monkeypatch.setattr(install, "imported_tensorflow", lambda python: RECIPE.tensorflow)
    monkeypatch.setattr(install, "plan", lambda: [(RECIPE, Path(sys.executable))])
    monkeypatch.setattr(install, "runtime_dir", lambda: tmp_path)
    said: list[str] = []
    install_all(said.append)
    log = tmp_path / "tf2-install.log"
    assert [line.split(":")[0] for line in said] == [f"cache dir {tmp_path}"] + ["tf2"] * 5
    assert [line.split(": ", 1)[1].split(" ")[0] for line in said[1:]] == [
        "creating",
        "upgrading",
        "installing",
        "checking",
        "ready,",
    ]
    assert f"(log: {log})" in said[2]
    assert len(commands) == 3
    assert log.read_text("utf-8").count("Downloading tensorflow") == 2
    assert capfd.readouterr().out == ""
