"""pytest plugin: each fixture folder is a test item, so ``pytest fixtures/`` verifies them all.

Installed with tf-migrate (entry point ``pytest11``), so it is loaded in every pytest run of an
environment that has tf-migrate; it collects nothing unless asked. A folder holding fixture.toml
becomes an item when the command line names it, or names the folder that holds it (as
``tf-migrate verify`` accepts them), or when the ini option ``tf_migrate_fixtures`` lists either.
Folders met on the way to tests (``testpaths``, ``pytest tests/``) are not collected, so test
data shaped like fixtures stays data.

One item per fixture; a failure shows the comparison table. Runtimes and their fork servers are
started once per pytest process (each pytest-xdist worker has its own). Importing this module
costs nothing beyond pytest: the harness is imported when the first item runs.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from tf_migrate.verify.harness import FixtureResult, Options

INI_PATHS = "tf_migrate_fixtures"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tf-migrate", "tf-migrate verify (fixture folders as tests)")
    group.addoption("--tf-before-python", help="Interpreter for before.py (TF 1.15).")
    group.addoption("--tf-after-python", help="Interpreter for after.py (TF 2.x).")
    group.addoption("--tf-device", choices=("cpu", "gpu", "tpu"), default="cpu")
    group.addoption("--tf-align", choices=("auto", "none"), default="auto")
    group.addoption("--tf-timeout", type=float, help="Seconds per run (overrides timeout_s).")
    group.addoption("--tf-memory-limit", default="4GiB", help="Resident memory per run.")
    group.addoption(
        "--tf-cold", action="store_true", help="A fresh interpreter per program (no fork server)."
    )
    parser.addini(INI_PATHS, "Fixture folders, or folders of them, always collected.", "paths")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name != "fixture.toml" or not _requested(parent.config, file_path):
        return None
    collector: pytest.Collector = FixtureFile.from_parent(parent, path=file_path)
    return collector


def _requested(config: pytest.Config, toml: Path) -> bool:
    folder = toml.parent.resolve()
    named: list[Path] = [Path(str(path)).resolve() for path in config.getini(INI_PATHS)]
    if config.args_source == pytest.Config.ArgsSource.ARGS:
        base = Path(config.invocation_params.dir)
        named += [(base / arg.split("::")[0]).resolve() for arg in config.args]
    return any(path in (folder, folder.parent, toml.resolve()) for path in named)


class FixtureFile(pytest.File):
    def collect(self) -> Iterator[pytest.Item]:
        yield FixtureItem.from_parent(self, name=self.path.parent.name)


class VerifyFailed(Exception):
    def __init__(self, result: FixtureResult) -> None:
        super().__init__(result.message)
        self.result = result


class FixtureItem(pytest.Item):
    def runtest(self) -> None:
        from tf_migrate.verify import fixture, harness

        try:
            loaded = fixture.load(self.path.parent)
        except fixture.FixtureError as exc:
            raise pytest.fail.Exception(str(exc), pytrace=False) from None
        result = harness.verify_fixture(loaded, _session(self.config).options())
        if result.status == harness.SKIP:
            pytest.skip(result.message)
        if result.status != harness.PASS:
            raise VerifyFailed(result)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        if isinstance(excinfo.value, VerifyFailed):
            return _table(excinfo.value.result, _session(self.config).options())
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"tf-migrate verify {self.name}"


def _table(result: FixtureResult, options: Options) -> str:
    """The reason first (pytest's short summary shows the first line), then the report."""
    from rich.console import Console

    from tf_migrate.verify import report
    from tf_migrate.verify.summary import headline

    buffer = io.StringIO()
    console = Console(file=buffer, width=120, color_system=None, soft_wrap=True)
    report.render(console, [result], options)
    return f"{headline(result)}\n{buffer.getvalue()}"


class _Session:
    """Runtimes and fork servers of one pytest process, made when the first item runs."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self._options: Options | None = None
        self._error: str | None = None
        self._stack = contextlib.ExitStack()  # the fork servers, closed with the session

    def options(self) -> Options:
        if self._error is not None:
            raise pytest.fail.Exception(self._error, pytrace=False)
        if self._options is None:
            self._options = self._start()
        return self._options

    def _start(self) -> Options:
        from tf_migrate.verify import batch, harness
        from tf_migrate.verify.cli import parse_size
        from tf_migrate.verify.devices import DeviceAbsent, find_gpus, plan
        from tf_migrate.verify.runtimes import RuntimeUnavailable, select

        get = self.config.getoption
        start = Path(self.config.rootpath)
        device = get("tf_device")
        try:
            before = select("before", get("tf_before_python"), start)
            options = harness.Options(
                before=before,
                after=select("after", get("tf_after_python"), start),
                align=get("tf_align") == "auto",
                timeout_s=get("tf_timeout"),
                memory_bytes=parse_size(get("tf_memory_limit")),
                device=device,
                device_plan=plan(device, before, find_gpus() if device == "gpu" else None),
            )
        except (RuntimeUnavailable, DeviceAbsent) as exc:
            self._error = str(exc)
            raise pytest.fail.Exception(self._error, pytrace=False) from None
        return self._stack.enter_context(batch.warm_options(options, warm=not get("tf_cold")))

    def close(self) -> None:
        self._stack.close()


_SESSION_KEY = pytest.StashKey[_Session]()


def _session(config: pytest.Config) -> _Session:
    if _SESSION_KEY not in config.stash:
        config.stash[_SESSION_KEY] = _Session(config)
    return config.stash[_SESSION_KEY]


def pytest_unconfigure(config: pytest.Config) -> None:
    if _SESSION_KEY in config.stash:
        config.stash[_SESSION_KEY].close()
