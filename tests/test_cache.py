"""The content-hash result cache (tf_migrate/engine/cache.py) as the engine uses it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import tf_migrate.engine.compute as engine
from tf_migrate.engine.cache import CACHE_DIR_ENV, CachedResult, ResultCache, default_directory
from tf_migrate.engine.run import Mode, run
from tf_migrate.files import DecodedSource
from tf_migrate.model import Applicability, Finding, Location, RunResult
from tf_migrate.settings import Settings

SOURCE = "import tensorflow as tf\ny = tf.log(x)\nz = tf.placeholder(tf.float32)\n"
FIXED = SOURCE.replace("tf.log", "tf.math.log")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.py").write_text(SOURCE)
    return tmp_path


def settings(root: Path, **overrides: object) -> Settings:
    # A configured project: its cache is the `.tf-migrate-cache` beside the configuration.
    configured = Settings(
        project_root=root,
        config_file=root / "pyproject.toml",
        select=("TFM000", "TFM101", "TFM401"),
    )
    return configured.with_overrides(**overrides)


def forbid_computing(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        raise AssertionError("computed although the cache had the result")

    monkeypatch.setattr(engine, "compute_python", fail)


def check(root: Path, **kwargs: object) -> RunResult:
    return run(["."], settings(root), mode=Mode.CHECK, jobs=1, **kwargs)  # type: ignore[arg-type]


def test_second_run_is_served_from_the_cache(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check(project)
    cache = project / ".tf-migrate-cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f")
    forbid_computing(monkeypatch)
    assert check(project) == first
    assert first.files[0].original_source == SOURCE


def test_changed_content_or_settings_miss(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    check(project)
    calls: list[str] = []
    compute = engine.compute_python

    def counting(original: DecodedSource, task: engine.Task) -> engine.Computed:
        calls.append(task.display)
        return compute(original, task)

    monkeypatch.setattr(engine, "compute_python", counting)
    (project / "a.py").write_text(SOURCE + "w = 1\n")
    check(project)
    run(["."], settings(project, select=("TFM401",)), mode=Mode.CHECK, jobs=1)
    run(["."], settings(project, unsafe_fixes=True), mode=Mode.CHECK, jobs=1)
    run(["."], settings(project, keras_namespace="keras"), mode=Mode.CHECK, jobs=1)
    run(["."], settings(project), mode=Mode.DIFF, jobs=1)
    assert len(calls) == 5


def test_corrupt_entries_are_ignored_and_replaced(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check(project)
    entries = list((project / ".tf-migrate-cache").glob("*/*.json"))
    assert entries
    for entry, garbage in zip(entries, ["{not json", '{"remaining": 3}', "[]"], strict=False):
        entry.write_text(garbage)
    assert check(project) == first
    forbid_computing(monkeypatch)
    assert check(project) == first


def test_cached_fix_is_still_written(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    diff = run(["."], settings(project), mode=Mode.DIFF, jobs=1)  # DIFF shares FIX's entries
    assert (project / "a.py").read_text() == SOURCE
    forbid_computing(monkeypatch)
    fixed = run(["."], settings(project), mode=Mode.FIX, jobs=1)
    assert (project / "a.py").read_text() == FIXED
    assert fixed == diff


def test_no_cache_and_cache_dir(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    check(project, use_cache=False)
    assert not (project / ".tf-migrate-cache").exists()
    elsewhere = tmp_path_factory.mktemp("cache")
    check(project, cache_dir=elsewhere / "c")
    assert list((elsewhere / "c").glob("*/*.json"))
    assert not (project / ".tf-migrate-cache").exists()


def test_without_a_configuration_the_cache_is_in_the_user_cache_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_cache = project.parent / f"{project.name}-user-cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(user_cache))
    unconfigured = Settings(project_root=project, select=("TFM401",))
    first = run(["."], unconfigured, mode=Mode.CHECK, jobs=1)
    assert not (project / ".tf-migrate-cache").exists()
    folder = default_directory(project, None)
    assert folder.parent == user_cache / "results" and folder.name.startswith(project.name)
    assert list(folder.glob("*/*.json"))
    forbid_computing(monkeypatch)
    assert run(["."], unconfigured, mode=Mode.CHECK, jobs=1) == first


def test_the_user_cache_folder_follows_xdg_and_keeps_projects_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(CACHE_DIR_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    one, other = default_directory(tmp_path / "a", None), default_directory(tmp_path / "b", None)
    assert one.parent == other.parent == tmp_path / "xdg" / "tf-migrate" / "results"
    assert one != other
    configured = default_directory(tmp_path / "a", tmp_path / "a" / "pyproject.toml")
    assert configured == tmp_path / "a" / ".tf-migrate-cache"


def test_unwritable_cache_does_not_fail_the_run(project: Path) -> None:
    blocker = project / "not-a-folder"
    blocker.write_text("")
    assert check(project, cache_dir=blocker / "cache").remaining


def test_entry_round_trip(tmp_path: Path) -> None:
    finding = Finding(
        "TFM401", "tf1-symbol-name", "cell 2: msg", Location(1, 2, 3, 4), Applicability.SAFE, "Do"
    )
    entry = CachedResult([finding], [finding], "new ü", None)
    cache = ResultCache(tmp_path)
    key = ResultCache.key(b"data", "settings", ["TFM401"], "py")
    assert cache.get(key) is None
    cache.put(key, entry)
    assert cache.get(key) == entry
    assert key != ResultCache.key(b"data", "settings", ["TFM401"], "ipynb")


def _run_twice(script: str, project: Path) -> list[subprocess.CompletedProcess[str]]:
    """`script` run twice in fresh interpreters in `project`: cold, then from the cache."""
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
        CACHE_DIR_ENV: str(project / "user-cache"),
    }
    return [
        subprocess.run(
            [sys.executable, "-c", script], cwd=project, env=env, capture_output=True, text=True
        )
        for _ in range(2)
    ]


def test_a_run_served_from_the_cache_imports_neither_the_rules_nor_libcst(project: Path) -> None:
    (project / "b.py").write_text(SOURCE.replace("y =", "w ="))
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from tf_migrate.engine.run import Mode, run
        from tf_migrate.settings import Settings
        settings = Settings(project_root=Path(".")).with_overrides(select=("ALL",))
        result = run(["."], settings, mode=Mode.CHECK, jobs=2)
        print(len(result.remaining), "libcst" in sys.modules)
        """
    )
    outputs = _run_twice(script, project)
    assert [completed.returncode for completed in outputs] == [0, 0], outputs[-1].stderr
    cold, warm = (completed.stdout.split() for completed in outputs)
    assert cold[1] == "True" and warm == [cold[0], "False"]
    assert int(cold[0]) > 0


def test_a_cached_check_from_the_command_line_imports_only_what_it_prints_with(
    project: Path,
) -> None:
    # What a re-check imports is most of what it costs: no parser, no rules, no layout library
    # for the summary, no verify subsystem.
    script = textwrap.dedent(
        """
        import atexit, sys
        heavy = ("libcst", "rich", "tf_migrate.verify", "tf_migrate.rules.support.rule")
        atexit.register(lambda: print(*[name in sys.modules for name in heavy], file=sys.stderr))
        from tf_migrate.cli import main
        main(["check", ".", "--select", "ALL"])
        """
    )
    runs = _run_twice(script, project)
    assert [completed.returncode for completed in runs] == [1, 1], runs[-1].stderr
    cold, warm = (completed.stderr.splitlines()[-1].split() for completed in runs)
    assert cold[0] == "True" and cold[3] == "True"  # the first run parsed and ran the rules
    assert warm == ["False"] * 4
    assert runs[0].stdout == runs[1].stdout and "TFM" in runs[1].stdout


def test_a_command_without_configuration_leaves_no_cache_folder_where_it_runs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from tf_migrate.cli import cli

    user_cache = project.parent / f"{project.name}-user-cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(user_cache))
    result = CliRunner().invoke(cli, ["check", ".", "--select", "TFM401"])
    assert result.exit_code == 1, result.output
    assert sorted(path.name for path in project.iterdir()) == ["a.py"]
    assert list(user_cache.glob("results/*/*/*.json"))
