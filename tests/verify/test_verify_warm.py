"""Warm runtimes: fork servers give the same numbers as fresh interpreters, and isolate programs."""

from __future__ import annotations

import ast
import contextlib
import json
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from verify_helpers import DATA, invoke, run_of

from tf_migrate.verify.child.host_random import HOST_SEED
from tf_migrate.verify.fixture import load
from tf_migrate.verify.runner import ChildRun, Limits, pinned_environment, run_program
from tf_migrate.verify.runtimes import Runtime, select
from tf_migrate.verify.warm import FORK_SERVER, WarmRuntimes

pytestmark = pytest.mark.usefixtures("runtimes")
ISOLATION = Path(__file__).parent / "programs" / "isolation" / "isolation.py"


def test_fork_server_is_valid_python_3_7_with_stdlib_only() -> None:
    tree = ast.parse(FORK_SERVER.read_text(encoding="utf-8"), feature_version=(3, 7))
    imported = {
        (alias.name if isinstance(node, ast.Import) else node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= set(sys.stdlib_module_names) | {"numpy"}


@pytest.fixture(scope="module")
def sides() -> tuple[Runtime, Runtime]:
    return select("before", None, DATA), select("after", None, DATA)


@pytest.fixture(scope="module")
def warm(
    sides: tuple[Runtime, Runtime], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WarmRuntimes]:
    servers = WarmRuntimes(
        list(sides), pinned_environment("cpu"), tmp_path_factory.mktemp("servers")
    )
    yield servers
    servers.close()


def _run(
    runtime: Runtime,
    program: Path,
    scratch: Path,
    warm: WarmRuntimes | None,
    align: str = "off",
    align_file: Path | None = None,
    outputs: tuple[str, ...] | None = None,
) -> ChildRun:
    return run_program(
        runtime,
        program,
        outputs,
        scratch,
        align=align,
        align_file=align_file or scratch / "initial_values.npz",
        device="cpu",
        limits=Limits(timeout_s=120),
        warm=warm,
    )


def _arrays(path: Path | None) -> dict[str, Any]:
    assert path is not None
    with np.load(path) as data:
        return {key: data[key] for key in data.files}


def _assert_identical(warm_run: ChildRun, cold_run: ChildRun) -> None:
    assert (warm_run.outcome, cold_run.outcome) == ("ok", "ok"), (warm_run, cold_run)
    assert warm_run.warm and not cold_run.warm
    # Only the fresh interpreter imported TensorFlow itself.
    assert warm_run.result["tensorflow_preloaded"] is True
    assert cold_run.result["tensorflow_preloaded"] is False
    warm_arrays, cold_arrays = _arrays(warm_run.npz), _arrays(cold_run.npz)
    assert sorted(warm_arrays) == sorted(cold_arrays)
    for name, value in warm_arrays.items():
        assert value.tobytes() == cold_arrays[name].tobytes(), name


@pytest.mark.parametrize("name", ["constants", "seeded_init"])
def test_warm_runs_give_the_numbers_of_fresh_interpreters(
    name: str, sides: tuple[Runtime, Runtime], warm: WarmRuntimes, tmp_path: Path
) -> None:
    """Bit for bit, including the recorded and injected initial values."""
    before, after = sides
    fixture = load(DATA / name)

    def both(runtime: Runtime, program: Path, align: str, align_file: Path) -> list[ChildRun]:
        jobs = [(mode, tmp_path / f"{runtime.side}-{mode}") for mode in ("warm", "cold")]
        with ThreadPoolExecutor(2) as pool:
            return list(
                pool.map(
                    lambda job: _run(
                        runtime,
                        program,
                        job[1],
                        warm if job[0] == "warm" else None,
                        align,
                        align_file if align == "inject" else job[1] / "initial_values.npz",
                        fixture.outputs,
                    ),
                    jobs,
                )
            )

    recorded = both(before, fixture.before, "record", tmp_path / "unused.npz")
    _assert_identical(*recorded)
    warm_record = _arrays(tmp_path / "before-warm" / "initial_values.npz")
    cold_record = tmp_path / "before-cold" / "initial_values.npz"
    assert sorted(warm_record) == sorted(_arrays(cold_record))
    for key, value in _arrays(cold_record).items():
        assert value.tobytes() == warm_record[key].tobytes(), key
    injected = both(after, fixture.after, "inject", cold_record)
    _assert_identical(*injected)
    assert injected[0].result["alignment"] == injected[1].result["alignment"]


def test_each_warm_program_is_isolated_in_its_own_process(
    sides: tuple[Runtime, Runtime], warm: WarmRuntimes, tmp_path: Path
) -> None:
    runs = [_run(sides[1], ISOLATION, tmp_path / str(number), warm) for number in (1, 2)]
    values = []
    for run in runs:
        assert run.outcome == "ok", run.message
        assert run.warm
        assert run.stdout == "hello from the program\n"
        # TensorFlow came from the fork server: already in sys.modules when the child started.
        assert run.result["tensorflow_preloaded"] is True
        arrays = _arrays(run.npz)
        assert int(arrays["out_leaked"]) == 0  # no module state from the earlier run
        assert int(arrays["out_files"]) == 1  # a fresh working dir: only the program
        assert int(arrays["out_own_group"]) == 1  # its own process group, for kills
        values.append(float(arrays["out_draw"]))
    # NumPy's global generator starts from the pinned seed in every program, warm or cold.
    assert values == [float(np.random.RandomState(HOST_SEED).rand())] * 2


def test_hanging_and_allocating_warm_children_are_killed(batch: dict[str, Any]) -> None:
    assert batch["environment"]["runtimes_warm"]["after"].startswith("warm")
    for name, outcome in (("after_hangs", "timeout"), ("after_allocates", "memory")):
        after = run_of(batch["by_name"][name], "after")
        assert after["warm"]
        assert after["outcome"] == outcome


def test_cold_flag_runs_a_fresh_interpreter_per_program() -> None:
    result = invoke(
        str(DATA), "-k", "after_hangs", "--cold", "--timeout", "6", "--output-format", "json"
    )
    report = json.loads(result.stdout)
    runs = report["fixtures"][0]["runs"]
    assert result.exit_code == 1
    assert [run["warm"] for run in runs] == [False, False]
    assert runs[1]["outcome"] == "timeout"
    assert report["environment"]["runtimes_warm"]["after"] == "cold (--cold)"


BROKEN_SERVERS = {
    "server exits": 'echo "no fork server here" >&2; exit 3',
    "server threads": (
        'exec "$REAL" -s -c "import runpy, sys, threading, time; '
        "threading.Thread(target=time.sleep, args=(600,), daemon=True).start(); "
        'runpy.run_path(sys.argv[1], run_name=\'__main__\')" "$2"'
    ),
}
EXPECTED_NOTES = {
    "server exits": "no fork server here",
    "server threads": "2 threads after importing TensorFlow",
}


@pytest.mark.parametrize("case", sorted(BROKEN_SERVERS))
def test_a_server_that_cannot_start_falls_back_to_cold_runs(
    case: str, sides: tuple[Runtime, Runtime], tmp_path: Path
) -> None:
    wrapper = tmp_path / "python"
    wrapper.write_text(
        f'#!/bin/sh\nREAL="{sides[1].python}"\n'
        f'case "$2" in *fork_server.py) {BROKEN_SERVERS[case]};; esac\n'
        'exec "$REAL" "$@"\n'
    )
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    result = invoke(
        str(DATA / "constants"), "--after-python", str(wrapper), "--output-format", "json"
    )
    report = json.loads(result.stdout)
    note = report["environment"]["runtimes_warm"]["after"]
    assert result.exit_code == 0, report["fixtures"][0]["message"]
    assert note.startswith("cold: the fork server could not start")
    assert EXPECTED_NOTES[case] in note
    assert "after runtime ran cold" in result.stderr
    fixture = report["fixtures"][0]
    assert [run["warm"] for run in fixture["runs"]] == [True, False]


def _processes_in(folder: Path, wait_s: float = 5.0) -> list[int]:
    """Processes whose working dir is ``folder``, once those just killed have had time to go."""
    deadline = time.monotonic() + wait_s
    while (found := _scan(folder)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def _scan(folder: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if Path(os.readlink(entry / "cwd")) == folder:
                    found.append(int(entry.name))
    return found


def test_a_server_that_dies_mid_run_ends_its_child_and_later_runs_go_cold(
    sides: tuple[Runtime, Runtime], tmp_path: Path
) -> None:
    after = sides[1]
    servers = WarmRuntimes([after], pinned_environment("cpu"), tmp_path / "logs")
    try:
        server = servers.server("after")
        assert server is not None
        threading.Timer(3.0, os.killpg, (server.process.pid, signal.SIGKILL)).start()
        hanging = _run(after, DATA / "after_hangs" / "after.py", tmp_path / "1", servers)
        assert hanging.warm
        assert hanging.outcome == "crashed"
        assert not _processes_in(tmp_path / "1" / "after" / "work")
        later = _run(after, ISOLATION, tmp_path / "2", servers)
        assert not later.warm
        assert later.outcome == "ok", later.message
        assert servers.notes["after"].startswith("cold after a failure: the fork server exited")
    finally:
        servers.close()
